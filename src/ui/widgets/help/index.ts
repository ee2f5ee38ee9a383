export {HelpOverlay} from './help-overlay.js';
export {helpLines, helpReducer, type HelpLine, type HelpState, type HelpAction} from './help-state.js';
