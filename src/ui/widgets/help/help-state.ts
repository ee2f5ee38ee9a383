import {contextTitles, keymap, keysText, screens, type Binding, type KeyContext} from '../../keymap.js';
import {statusMeanings, statusSymbols, type DisplayStatus} from '../../theme.js';

export type HelpLine =
	| {readonly kind: 'heading'; readonly text: string}
	| {readonly kind: 'key'; readonly keys: string; readonly label: string; readonly where: string}
	| {readonly kind: 'status'; readonly status: DisplayStatus; readonly symbol: string; readonly word: string; readonly meaning: string};

/** The statuses in the legend, in the order the sections screen counts them, then the rest. */
const legendOrder: readonly DisplayStatus[] = ['fail', 'error', 'warn', 'manual', 'pass', 'waived', 'skip', 'accepted', 'pending', 'running'];

function where(binding: Binding): string {
	if (screens.every((screen) => binding.contexts.includes(screen))) return 'every screen';
	return binding.contexts.map((context) => contextTitles[context].toLowerCase()).join(', ');
}

function keyLine(binding: Binding): HelpLine {
	return {kind: 'key', keys: keysText(binding), label: binding.label + (binding.isDangerous ? ' (changes things)' : ''), where: where(binding)};
}

/**
 * Everything `?` shows, built from the keymap and the status symbols (nothing written by hand):
 * the keys of the screen it was opened on first, then what the symbols mean, then every other key.
 */
export function helpLines(context: KeyContext): HelpLine[] {
	const here = keymap.filter((binding) => binding.contexts.includes(context));
	const elsewhere = keymap.filter((binding) => !binding.contexts.includes(context));
	return [
		{kind: 'heading', text: `Keys on this screen (${contextTitles[context]})`},
		...here.map(keyLine),
		{kind: 'heading', text: 'Status symbols'},
		...legendOrder.map((status): HelpLine => ({kind: 'status', status, symbol: statusSymbols[status], ...statusMeanings[status]})),
		{kind: 'heading', text: 'Keys elsewhere'},
		...elsewhere.map(keyLine),
	];
}

/** How far the list is scrolled, for a list of `count` lines in `room` rows. */
export type HelpState = {readonly offset: number; readonly count: number; readonly room: number};

export type HelpAction =
	| {readonly type: 'scroll'; readonly delta: number}
	| {readonly type: 'page'; readonly direction: 1 | -1}
	| {readonly type: 'resize'; readonly count: number; readonly room: number};

export function maxOffset(state: HelpState): number {
	return Math.max(0, state.count - state.room);
}

export function helpReducer(state: HelpState, action: HelpAction): HelpState {
	const clamp = (offset: number, next: HelpState = state) => Math.max(0, Math.min(maxOffset(next), offset));
	switch (action.type) {
		case 'scroll': {
			const offset = clamp(state.offset + action.delta);
			return offset === state.offset ? state : {...state, offset};
		}
		case 'page':
			return helpReducer(state, {type: 'scroll', delta: action.direction * Math.max(1, state.room)});
		case 'resize': {
			if (action.count === state.count && action.room === state.room) return state;
			const next = {...state, count: action.count, room: action.room};
			return {...next, offset: clamp(state.offset, next)};
		}
	}
}
