import {createContext, useContext} from 'react';
import type {Severity, Status} from '../model/status.js';

/** A check or section that has no verdict yet is `pending` (queued) or `running`. */
export type DisplayStatus = Status | 'pending' | 'running';

export type Tone = 'pass' | 'fail' | 'warn' | 'error' | 'manual' | 'skip' | 'muted' | 'accent' | 'title' | 'danger' | 'selected';

/**
 * Every status has its own symbol, so the screens still read with NO_COLOR: colour only
 * repeats what the symbol already says.
 */
export const statusSymbols: Readonly<Record<DisplayStatus, string>> = {
	pass: '✓',
	fail: '✗',
	warn: '!',
	error: '‼',
	manual: '?',
	skip: '~',
	waived: '⊘',
	accepted: '≈',
	pending: '·',
	running: '…',
};

/** What each symbol means, for the legend on the sections screen and in `?` help. */
export const statusMeanings: Readonly<Record<DisplayStatus, {readonly word: string; readonly meaning: string}>> = {
	fail: {word: 'fail', meaning: 'a target breaks the rule'},
	error: {word: 'error', meaning: 'could not be checked (read the reason)'},
	warn: {word: 'warn', meaning: 'worth a look, not a failure'},
	manual: {word: 'attest', meaning: 'a question only you can answer (a)'},
	pass: {word: 'pass', meaning: 'every target meets the rule'},
	skip: {word: 'skip', meaning: 'does not apply here'},
	waived: {word: 'waived', meaning: 'a failure you accepted until a date'},
	accepted: {word: 'accepted', meaning: 'platform-managed, not judged'},
	pending: {word: 'queued', meaning: 'not checked yet'},
	running: {word: 'running', meaning: 'being checked now'},
};

export const statusTones: Readonly<Record<DisplayStatus, Tone>> = {
	pass: 'pass',
	fail: 'fail',
	warn: 'warn',
	error: 'error',
	manual: 'manual',
	skip: 'skip',
	waived: 'skip',
	accepted: 'skip',
	pending: 'muted',
	running: 'accent',
};

export const severityTones: Readonly<Record<Severity, Tone>> = {
	low: 'muted',
	medium: 'warn',
	high: 'fail',
	critical: 'danger',
};

type ToneStyle = {readonly color?: string; readonly bold?: boolean; readonly dimColor?: boolean; readonly inverse?: boolean};

const colourStyles: Readonly<Record<Tone, ToneStyle>> = {
	pass: {color: 'green'},
	fail: {color: 'red'},
	warn: {color: 'yellow'},
	error: {color: 'magenta'},
	manual: {color: 'cyan'},
	skip: {color: 'gray'},
	muted: {color: 'gray'},
	accent: {color: 'blue'},
	title: {bold: true},
	danger: {color: 'red', bold: true},
	selected: {inverse: true},
};

export type Theme = {
	readonly isColor: boolean;
	/** Text props for a tone; empty without colour, so no escape code is ever written. */
	readonly style: (tone: Tone | undefined) => ToneStyle;
};

export function createTheme(isColor: boolean): Theme {
	return {isColor, style: (tone) => (isColor && tone ? colourStyles[tone] : {})};
}

/** NO_COLOR (https://no-color.org): present and not empty turns colour off. */
export function isColorWanted(env: NodeJS.ProcessEnv, theme: 'auto' | 'mono' | undefined): boolean {
	if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
	return theme !== 'mono';
}

export const ThemeContext = createContext<Theme>(createTheme(false));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
