import {useInput} from 'ink';
import type {Dispatch} from 'react';
import {actionFor, keyName} from '../../keymap.js';
import type {SelectAction, SelectState} from './use-select-state.js';
import type {SelectOption} from './select.js';

type Options<T> = {
	readonly options: readonly SelectOption<T>[];
	readonly state: SelectState;
	readonly dispatch: Dispatch<SelectAction>;
	readonly isActive: boolean;
	readonly onSubmit: (value: T) => void;
	readonly onCancel?: () => void;
};

/** ↑/↓ (or j/k) move, Enter picks, Esc cancels, and an option's own letter picks it at once. */
export function useSelect<T>({options, state, dispatch, isActive, onSubmit, onCancel}: Options<T>) {
	useInput(
		(input, key) => {
			const name = keyName(input, key);
			const shortcut = options.find((option) => option.key !== undefined && option.key === name);
			if (shortcut) {
				onSubmit(shortcut.value);
				return;
			}
			const action = actionFor('dialog', input, key) ?? (name === 'k' ? 'choose-previous' : name === 'j' ? 'choose-next' : undefined);
			if (action === 'choose-next') dispatch({type: 'focus-next'});
			else if (action === 'choose-previous') dispatch({type: 'focus-previous'});
			else if (action === 'confirm') {
				const option = options[state.focus];
				if (option) onSubmit(option.value);
			} else if (action === 'cancel') onCancel?.();
		},
		{isActive},
	);
}
