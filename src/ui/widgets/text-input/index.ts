export {TextInput} from './text-input.js';
export {chunkText, isSubmitChunk, textInputReducer, type TextInputState, type TextInputAction} from './use-text-input-state.js';
