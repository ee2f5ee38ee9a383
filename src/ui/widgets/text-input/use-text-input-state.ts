import {useReducer} from 'react';

export type TextInputState = {readonly value: string; readonly cursor: number};

export type TextInputAction =
	| {readonly type: 'insert'; readonly text: string}
	| {readonly type: 'delete-backward'}
	| {readonly type: 'delete-forward'}
	| {readonly type: 'move-left'}
	| {readonly type: 'move-right'}
	| {readonly type: 'move-home'}
	| {readonly type: 'move-end'}
	| {readonly type: 'clear'};

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

export function useTextInputState(initial = '') {
	return useReducer(textInputReducer, {value: initial, cursor: [...initial].length});
}
