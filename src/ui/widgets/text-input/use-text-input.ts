import {useInput} from 'ink';
import type {Dispatch} from 'react';
import {actionFor, keyName} from '../../keymap.js';
import type {TextInputAction, TextInputState} from './use-text-input-state.js';

type Options = {
	readonly state: TextInputState;
	readonly dispatch: Dispatch<TextInputAction>;
	readonly isActive: boolean;
	readonly onSubmit?: (value: string) => void;
	readonly onCancel?: () => void;
	readonly onNextField?: () => void;
};

const editing: Readonly<Record<string, TextInputAction>> = {
	backspace: {type: 'delete-backward'},
	delete: {type: 'delete-forward'},
	left: {type: 'move-left'},
	right: {type: 'move-right'},
	home: {type: 'move-home'},
	end: {type: 'move-end'},
	'ctrl-a': {type: 'move-home'},
	'ctrl-e': {type: 'move-end'},
	'ctrl-u': {type: 'clear'},
};

/** Editing keys go to the field; Enter, Esc and Tab mean what the keymap says they mean in a dialog. */
export function useTextInput({state, dispatch, isActive, onSubmit, onCancel, onNextField}: Options) {
	useInput(
		(input, key) => {
			const action = actionFor('dialog', input, key);
			if (action === 'confirm') return onSubmit?.(state.value);
			if (action === 'cancel') return onCancel?.();
			if (action === 'next-field') return onNextField?.();
			const name = keyName(input, key);
			const edit = name === undefined ? undefined : editing[name];
			if (edit) return dispatch(edit);
			if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
			if (input) dispatch({type: 'insert', text: input});
		},
		{isActive},
	);
}
