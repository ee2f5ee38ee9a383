export {TextInput} from './text-input.js';
export {textInputReducer, type TextInputState, type TextInputAction} from './use-text-input-state.js';
