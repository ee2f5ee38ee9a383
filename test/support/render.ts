// Helpers over ink-testing-library: a terminal of a chosen size, named keys, and waits that poll
// the rendered frame on every write instead of sleeping for a guessed time.
import {render as inkRender, cleanup as inkCleanup} from 'ink-testing-library';
import type {ReactElement} from 'react';

// ink-testing-library's stdout has no `rows`, so Ink asks terminal-size, which spawns tput/stty
// (100–500 ms a render) unless these are set. They only matter until `render` sets the real size.
process.env['COLUMNS'] ??= '80';
process.env['LINES'] ??= '24';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	right: '\u001B[C',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	enter: '\r',
	// Escape as terminals with the kitty keyboard protocol send it. A lone ESC byte is ambiguous
	// (Ink holds it 20 ms to see whether a sequence follows), so a key sent right after it would
	// arrive as Alt+key; this form is one complete key and needs no waiting.
	escape: '\u001B[27u',
	/** The bare ESC byte of legacy terminals: wait for its effect before the next key. */
	legacyEscape: '\u001B',
	backspace: '\u007F',
	tab: '\t',
	space: ' ',
	ctrlC: '\u0003',
} as const;

// CSI sequences (colours, cursor moves) and OSC strings.
const ansiPattern = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;

export function stripAnsi(text: string): string {
	return text.replace(ansiPattern, '');
}

export function hasAnsi(text: string): boolean {
	return /\u001B\[/.test(text);
}

type Options = {readonly columns?: number; readonly rows?: number};

export type Rendered = ReturnType<typeof inkRender> & {
	/** The last frame without escape codes. */
	readonly text: () => string;
	/** The last frame as written, escape codes included. */
	readonly raw: () => string;
	/** Send a key (or text) once the app is listening; then wait for what it should cause. */
	readonly press: (key: string) => Promise<void>;
	readonly type: (text: string) => Promise<void>;
	readonly waitForText: (text: string | RegExp, options?: {readonly timeoutMs?: number}) => Promise<string>;
	readonly waitForNoText: (text: string | RegExp, options?: {readonly timeoutMs?: number}) => Promise<string>;
	readonly waitFor: (predicate: (frame: string) => boolean, options?: {readonly timeoutMs?: number; readonly what?: string}) => Promise<string>;
	readonly resize: (columns: number, rows: number) => void;
};

/**
 * Render with a terminal of `columns`×`rows` (80×24 by default). ink-testing-library's stdout
 * always claims 100 columns and no rows; here both are set, and `resize` changes them and emits
 * 'resize' the way a real terminal does.
 */
export function render(tree: ReactElement, {columns = 80, rows = 24}: Options = {}): Rendered {
	const instance = inkRender(tree);
	const size = {columns, rows};
	Object.defineProperty(instance.stdout, 'columns', {get: () => size.columns, configurable: true});
	Object.defineProperty(instance.stdout, 'rows', {get: () => size.rows, configurable: true});
	instance.stdout.emit('resize');

	const frame = () => instance.lastFrame() ?? '';
	const text = () => stripAnsi(frame());

	const waitFor: Rendered['waitFor'] = (predicate, {timeoutMs = 10_000, what = 'condition'} = {}) =>
		new Promise((resolve, reject) => {
			const check = () => {
				const current = text();
				if (!predicate(current)) return false;
				done();
				resolve(current);
				return true;
			};
			const onWrite = () => {
				// The frame is pushed before write() returns; look once the write is complete.
				queueMicrotask(check);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame:\n${text()}`));
			}, timeoutMs);
			const originalWrite = instance.stdout.write;
			const wrapped = (data: string) => {
				originalWrite(data);
				onWrite();
			};
			instance.stdout.write = wrapped;
			const done = () => {
				clearTimeout(timer);
				if (instance.stdout.write === wrapped) instance.stdout.write = originalWrite;
			};
			check();
		});

	const waitForText: Rendered['waitForText'] = (needle, options) =>
		waitFor((current) => (typeof needle === 'string' ? current.includes(needle) : needle.test(current)), {...options, what: `"${String(needle)}"`});
	const waitForNoText: Rendered['waitForNoText'] = (needle, options) =>
		waitFor((current) => !(typeof needle === 'string' ? current.includes(needle) : needle.test(current)), {...options, what: `"${String(needle)}" to go`});

	const press: Rendered['press'] = async (key) => {
		await listening();
		// Let React run the effects of the last commit first: a dialog that just drew subscribes to
		// input in an effect, and a key sent before that would be lost. One turn of the loop, no timer.
		await new Promise((resolve) => setImmediate(resolve));
		instance.stdin.write(key);
	};

	/** useInput subscribes in an effect: wait until stdin has a listener before writing to it. */
	const listening = () =>
		new Promise<void>((resolve) => {
			const poll = () => (instance.stdin.listenerCount('readable') + instance.stdin.listenerCount('data') > 0 ? resolve() : setImmediate(poll));
			poll();
		});

	const typeText: Rendered['type'] = async (value) => {
		for (const char of value) await press(char);
	};

	return {
		...instance,
		text,
		raw: frame,
		press,
		type: typeText,
		waitForText,
		waitForNoText,
		waitFor,
		resize: (nextColumns, nextRows) => {
			size.columns = nextColumns;
			size.rows = nextRows;
			instance.stdout.emit('resize');
		},
	};
}

export function cleanup(): void {
	inkCleanup();
}
