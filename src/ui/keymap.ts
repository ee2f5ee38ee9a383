import type {Key} from 'ink';

export const screens = ['connect', 'sections', 'section', 'check', 'summary'] as const;
export type Screen = (typeof screens)[number];
/**
 * Where a key works: a screen, any dialog (forms, questions, the search bar), or the fix dialog,
 * whose keys change what is on the cluster and so are listed on their own.
 */
export type KeyContext = Screen | 'dialog' | 'fix';

export type Action =
	| 'move-up'
	| 'move-down'
	| 'page-up'
	| 'page-down'
	| 'scroll-up'
	| 'scroll-down'
	| 'open'
	| 'start'
	| 'back'
	| 'toggle-node'
	| 'search'
	| 'toggle-filter'
	| 'fix'
	| 'undo'
	| 'attest'
	| 'waive'
	| 'note'
	| 'rerun'
	| 'export'
	| 'summary'
	| 'help'
	| 'quit'
	| 'confirm'
	| 'cancel'
	| 'next-field'
	| 'choose-previous'
	| 'choose-next'
	| 'apply'
	| 'type-count'
	| 'erase';

/** A normalised key: a named key (`up`, `return`, `escape`…) or the printable character itself. */
export type KeyName = string;

export type Binding = {
	readonly keys: readonly KeyName[];
	/** How the key is written in the footer and the help overlay. */
	readonly display: string;
	readonly label: string;
	readonly action: Action;
	readonly contexts: readonly KeyContext[];
	/** Changes something outside this program (applying a fix). */
	readonly isDangerous?: boolean;
	/** Help lists it; the footer leaves it out to save room. */
	readonly isFooterHidden?: boolean;
	/**
	 * Which keys the footer keeps when not all fit (lowest first): what acts on the selected row,
	 * then moving about, then narrowing the list, then the rest. Help lists them all.
	 * @default 2
	 */
	readonly footerRank?: 1 | 2 | 3 | 4;
};

const everyScreen = screens;
const lists: readonly KeyContext[] = ['connect', 'sections', 'section', 'check', 'summary'];

/**
 * The one keymap: key handling, the footer and the `?` overlay all read this table. The first
 * binding that matches a key in a context wins, so context-specific rows come first.
 */
export const keymap: readonly Binding[] = [
	{keys: ['up', 'k'], display: '↑/k', label: 'up', action: 'move-up', contexts: lists, isFooterHidden: true},
	{keys: ['down', 'j'], display: '↓/j', label: 'down', action: 'move-down', contexts: lists, isFooterHidden: true},
	{keys: ['pageup', 'K'], display: 'K/PgUp', label: 'scroll details up', action: 'scroll-up', contexts: ['check'], isFooterHidden: true},
	{keys: ['pagedown', 'J'], display: 'J', label: 'scroll', action: 'scroll-down', contexts: ['check']},
	{keys: ['pageup'], display: 'PgUp', label: 'page up', action: 'page-up', contexts: ['connect', 'sections', 'section', 'summary'], isFooterHidden: true},
	{keys: ['pagedown'], display: 'PgDn', label: 'page down', action: 'page-down', contexts: ['connect', 'sections', 'section', 'summary'], isFooterHidden: true},
	{keys: ['space'], display: 'space', label: 'leave node out', action: 'toggle-node', contexts: ['connect'], footerRank: 1},
	{keys: ['return'], display: '⏎', label: 'continue', action: 'start', contexts: ['connect'], footerRank: 1},
	{keys: ['return'], display: '⏎', label: 'open', action: 'open', contexts: ['sections', 'section']},
	{keys: ['escape', 'backspace'], display: 'esc', label: 'back', action: 'back', contexts: ['sections', 'section', 'check', 'summary'], footerRank: 1},
	{keys: ['/'], display: '/', label: 'search', action: 'search', contexts: ['section'], footerRank: 3},
	{keys: ['t', 'tab'], display: 't', label: 'filter', action: 'toggle-filter', contexts: ['section', 'check'], footerRank: 3},
	{keys: ['f'], display: 'f', label: 'fix', action: 'fix', contexts: ['section', 'check'], footerRank: 1},
	{keys: ['a'], display: 'a', label: 'attest', action: 'attest', contexts: ['section', 'check'], footerRank: 1},
	{keys: ['w'], display: 'w', label: 'waive', action: 'waive', contexts: ['section', 'check'], footerRank: 1},
	{keys: ['n'], display: 'n', label: 'note', action: 'note', contexts: ['section', 'check'], footerRank: 1},
	{keys: ['r'], display: 'r', label: 'rerun', action: 'rerun', contexts: ['section', 'check'], footerRank: 1},
	{keys: ['u'], display: 'u', label: 'undo last fix', action: 'undo', contexts: ['summary'], isDangerous: true, footerRank: 2},
	{keys: ['s'], display: 's', label: 'summary', action: 'summary', contexts: ['connect', 'sections', 'section', 'check'], footerRank: 4},
	{keys: ['e'], display: 'e', label: 'export', action: 'export', contexts: everyScreen, footerRank: 4},
	{keys: ['?'], display: '?', label: 'help', action: 'help', contexts: everyScreen},
	{keys: ['q'], display: 'q', label: 'quit', action: 'quit', contexts: everyScreen},
	{keys: ['down', 'j'], display: 'j/k', label: 'scroll', action: 'move-down', contexts: ['fix']},
	{keys: ['up', 'k'], display: 'k', label: 'scroll up', action: 'move-up', contexts: ['fix'], isFooterHidden: true},
	{keys: ['pagedown'], display: 'PgDn', label: 'page down', action: 'page-down', contexts: ['fix'], isFooterHidden: true},
	{keys: ['pageup'], display: 'PgUp', label: 'page up', action: 'page-up', contexts: ['fix'], isFooterHidden: true},
	{keys: ['y'], display: 'y', label: 'apply', action: 'apply', contexts: ['fix'], isDangerous: true},
	{keys: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], display: '0-9', label: 'type the count', action: 'type-count', contexts: ['fix']},
	{keys: ['backspace'], display: '⌫', label: 'erase', action: 'erase', contexts: ['fix'], isFooterHidden: true},
	{keys: ['return'], display: '⏎', label: 'confirm', action: 'confirm', contexts: ['dialog', 'fix']},
	{keys: ['escape'], display: 'esc', label: 'cancel', action: 'cancel', contexts: ['dialog', 'fix']},
	{keys: ['tab'], display: 'tab', label: 'next field', action: 'next-field', contexts: ['dialog'], isFooterHidden: true},
	{keys: ['up'], display: '↑', label: 'previous choice', action: 'choose-previous', contexts: ['dialog'], isFooterHidden: true},
	{keys: ['down'], display: '↓', label: 'next choice', action: 'choose-next', contexts: ['dialog'], isFooterHidden: true},
];

/** Ink's key record → one name the table uses. */
export function keyName(input: string, key: Key): KeyName | undefined {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'return';
	if (key.escape) return 'escape';
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.backspace) return 'backspace';
	if (key.delete) return 'delete';
	if (key.ctrl) return input ? `ctrl-${input}` : undefined;
	if (key.meta) return undefined;
	if (input === ' ') return 'space';
	return input.length === 1 ? input : undefined;
}

export function bindingFor(context: KeyContext, name: KeyName | undefined): Binding | undefined {
	if (name === undefined) return undefined;
	return keymap.find((binding) => binding.contexts.includes(context) && binding.keys.includes(name));
}

/** The action a key press means in a context, or undefined when the key does nothing there. */
export function actionFor(context: KeyContext, input: string, key: Key): Action | undefined {
	return bindingFor(context, keyName(input, key))?.action;
}

/** Bindings for the footer of a context, in table order, without those the screen says are unavailable. */
export function footerBindings(context: KeyContext, isAvailable: (action: Action) => boolean = () => true): Binding[] {
	const seen = new Set<Action>();
	const out: Binding[] = [];
	for (const binding of keymap) {
		if (!binding.contexts.includes(context) || binding.isFooterHidden || seen.has(binding.action)) continue;
		seen.add(binding.action);
		if (isAvailable(binding.action)) out.push(binding);
	}
	return out;
}

/**
 * Bindings for the footer of a context at a width: the best-ranked that fit, shown in table
 * order; `isCut` says some were left out (the footer then points to `?`).
 */
export function footerFit(bindings: readonly Binding[], room: number, size: (binding: Binding) => number): {readonly shown: Binding[]; readonly isCut: boolean} {
	if (bindings.reduce((sum, binding) => sum + size(binding), 0) <= room) return {shown: [...bindings], isCut: false};
	// Not all fit: keep room for the "  …" that says so, and fill it best rank first.
	const kept = new Set<Binding>();
	let left = room - 3;
	for (const binding of [...bindings].sort((a, b) => (a.footerRank ?? 2) - (b.footerRank ?? 2))) {
		if (size(binding) > left) continue;
		kept.add(binding);
		left -= size(binding);
	}
	return {shown: bindings.filter((binding) => kept.has(binding)), isCut: true};
}

const keyGlyphs: Readonly<Record<string, string>> = {
	up: '↑',
	down: '↓',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	return: '⏎',
	escape: 'esc',
	backspace: '⌫',
};

/** Every key of a binding, as the help overlay lists them (the footer shows the short `display`). */
export function keysText(binding: Binding): string {
	// A run of keys (the digits) reads better as the range the footer shows.
	if (binding.keys.length > 4) return binding.display;
	return binding.keys.map((key) => keyGlyphs[key] ?? key).join('/');
}

export const contextTitles: Readonly<Record<KeyContext, string>> = {
	connect: 'Connect',
	sections: 'Sections',
	section: 'Section',
	check: 'Check',
	summary: 'Summary',
	dialog: 'Dialogs',
	fix: 'Fix dialog',
};
