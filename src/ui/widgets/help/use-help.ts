import {useInput} from 'ink';
import type {Dispatch} from 'react';
import {actionFor, keyName} from '../../keymap.js';
import type {HelpAction} from './help-state.js';

const scrolling: Readonly<Record<string, HelpAction>> = {
	down: {type: 'scroll', delta: 1},
	j: {type: 'scroll', delta: 1},
	up: {type: 'scroll', delta: -1},
	k: {type: 'scroll', delta: -1},
	pagedown: {type: 'page', direction: 1},
	pageup: {type: 'page', direction: -1},
	space: {type: 'page', direction: 1},
};

/** ↑/↓, j/k and the page keys scroll; Esc, Enter, `?` and `q` close (q never quits from here). */
export function useHelp({dispatch, onClose}: {readonly dispatch: Dispatch<HelpAction>; readonly onClose: () => void}) {
	useInput((input, key) => {
		const name = keyName(input, key);
		const action = actionFor('dialog', input, key);
		if (action === 'cancel' || action === 'confirm' || name === '?' || name === 'q') return onClose();
		const scroll = name === undefined ? undefined : scrolling[name];
		if (scroll) dispatch(scroll);
	});
}
