import {useInput, type Key} from 'ink';
import {actionFor, type Action, type Screen} from '../keymap.js';

type Options = {
	readonly isActive: boolean;
	/** The screen as the previous key left it (keys in one burst are handled before React draws). */
	readonly screen: () => Screen;
	readonly onKey: () => void;
	readonly onAction: (action: Action) => void;
};

const enter: Partial<Key> = {return: true};

/**
 * Keys on a screen, through the keymap. Keys typed faster than a frame (or pasted) can arrive as
 * one string: they are taken one by one, each against the screen the previous one left, and a
 * line break in such a burst is Enter.
 */
export function useScreenKeys({isActive, screen, onKey, onAction}: Options) {
	useInput(
		(input, key) => {
			onKey();
			const isBurst = !key.ctrl && !key.meta && input.length > 1 && /^[\x20-\x7e\r\n]+$/.test(input);
			if (!isBurst) {
				const action = actionFor(screen(), input, key);
				if (action) onAction(action);
				return;
			}
			for (const one of input) {
				const isEnter = one === '\r' || one === '\n';
				const action = actionFor(screen(), isEnter ? '\r' : one, isEnter ? {...key, ...enter} : {...key, shift: one !== one.toLowerCase()});
				if (action) onAction(action);
			}
		},
		{isActive},
	);
}
