import {useSyncReducer} from '../../hooks/use-sync-reducer.js';

export type TextInputState = {readonly value: string; readonly cursor: number};

export type TextInputAction =
	| {readonly type: 'insert'; readonly text: string}
	/** A chunk as the terminal delivered it: typed characters, or a paste that may end in Enter. */
	| {readonly type: 'input'; readonly text: string}
	| {readonly type: 'delete-backward'}
	| {readonly type: 'delete-forward'}
	| {readonly type: 'move-left'}
	| {readonly type: 'move-right'}
	| {readonly type: 'move-home'}
	| {readonly type: 'move-end'}
	| {readonly type: 'clear'};

const lineBreak = /\r\n|\r|\n/g;

/**
 * A paste arrives as one chunk, Enter included ("value\r"): the text goes into the field and the
 * Enter still submits it. A line break inside the text becomes a space (the field is one line).
 */
export function chunkText(text: string): string {
	return text.replace(/(\r\n|\r|\n)$/, '').replace(lineBreak, ' ');
}

/** Whether a chunk ends with Enter, after the text it brought. */
export function isSubmitChunk(text: string): boolean {
	return text.length > 1 && /[\r\n]$/.test(text);
}

/** Cursor positions count code points, so an accented or CJK character moves as one. */
export function textInputReducer(state: TextInputState, action: TextInputAction): TextInputState {
	const chars = [...state.value];
	switch (action.type) {
		case 'insert': {
			// Pasted text arrives in one piece; line breaks and other controls have no place in one line.
			const text = [...action.text.replace(/[\u0000-\u001F\u007F]/g, '')];
			if (!text.length) return state;
			chars.splice(state.cursor, 0, ...text);
			return {value: chars.join(''), cursor: state.cursor + text.length};
		}
		case 'input':
			return textInputReducer(state, {type: 'insert', text: chunkText(action.text)});
		case 'delete-backward':
			if (state.cursor === 0) return state;
			chars.splice(state.cursor - 1, 1);
			return {value: chars.join(''), cursor: state.cursor - 1};
		case 'delete-forward':
			if (state.cursor >= chars.length) return state;
			chars.splice(state.cursor, 1);
			return {value: chars.join(''), cursor: state.cursor};
		case 'move-left':
			return {...state, cursor: Math.max(0, state.cursor - 1)};
		case 'move-right':
			return {...state, cursor: Math.min(chars.length, state.cursor + 1)};
		case 'move-home':
			return {...state, cursor: 0};
		case 'move-end':
			return {...state, cursor: chars.length};
		case 'clear':
			return {value: '', cursor: 0};
	}
}

/** The state, its dispatch, and a ref to the latest state (a submit right after a paste needs it). */
export function useTextInputState(initial = '') {
	return useSyncReducer(textInputReducer, () => ({value: initial, cursor: [...initial].length}));
}
