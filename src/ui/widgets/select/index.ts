export {Select, type SelectOption} from './select.js';
export {selectReducer, type SelectState, type SelectAction} from './use-select-state.js';
