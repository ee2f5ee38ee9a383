import {useInput} from 'ink';
import type {Dispatch, RefObject} from 'react';
import {actionFor, keyName} from '../../keymap.js';
import {isSubmitChunk, type TextInputAction, type TextInputState} from './use-text-input-state.js';

type Options = {
	/** The latest state, which may be newer than the last drawn one. */
	readonly latest: RefObject<TextInputState>;
	readonly dispatch: Dispatch<TextInputAction>;
	readonly isActive: boolean;
	readonly onSubmit?: (value: string) => void;
	readonly onCancel?: () => void;
	readonly onNextField?: () => void;
	/** Every edit, told at once (a paste that submits unmounts the field before any effect runs). */
	readonly onChange?: (value: string) => void;
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
export function useTextInput({latest, dispatch, isActive, onSubmit, onCancel, onNextField, onChange}: Options) {
	const edit = (action: TextInputAction) => {
		const before = latest.current.value;
		dispatch(action);
		if (latest.current.value !== before) onChange?.(latest.current.value);
	};
	useInput(
		(input, key) => {
			const action = actionFor('dialog', input, key);
			if (action === 'confirm') return onSubmit?.(latest.current.value);
			if (action === 'cancel') return onCancel?.();
			if (action === 'next-field') return onNextField?.();
			const name = keyName(input, key);
			const editKey = name === undefined ? undefined : editing[name];
			if (editKey) return edit(editKey);
			if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
			if (!input) return;
			edit({type: 'input', text: input});
			if (isSubmitChunk(input)) onSubmit?.(latest.current.value);
		},
		{isActive},
	);
}
