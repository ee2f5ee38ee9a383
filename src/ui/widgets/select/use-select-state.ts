import {useReducer} from 'react';

export type SelectState = {readonly focus: number; readonly count: number};
export type SelectAction = {readonly type: 'focus-next'} | {readonly type: 'focus-previous'} | {readonly type: 'focus'; readonly index: number};

/** Focus moves within the options and stops at either end (no wrap: a held key never jumps). */
export function selectReducer(state: SelectState, action: SelectAction): SelectState {
	const clamp = (index: number) => Math.max(0, Math.min(state.count - 1, index));
	switch (action.type) {
		case 'focus-next':
			return {...state, focus: clamp(state.focus + 1)};
		case 'focus-previous':
			return {...state, focus: clamp(state.focus - 1)};
		case 'focus':
			return {...state, focus: clamp(action.index)};
	}
}

export function useSelectState(count: number, initial = 0) {
	return useReducer(selectReducer, {focus: Math.max(0, Math.min(count - 1, initial)), count});
}
