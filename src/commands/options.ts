import {parseArgs, type ParseArgsConfig} from 'node:util';
import {optionHelp, UsageError} from '../model/errors.js';
import {severities, sections, type Section, type Severity} from '../model/status.js';
import {didYouMean} from '../model/suggest.js';

/** Options shared by `audit` and the walkthrough (DESIGN §8). */
export const connectionOptions = {
	demo: {type: 'boolean'},
	kubeconfig: {type: 'string'},
	context: {type: 'string'},
	manifests: {type: 'string', multiple: true},
	nodes: {type: 'string'},
	'no-nodes': {type: 'boolean'},
	inventory: {type: 'string'},
	'ssh-user': {type: 'string'},
	'ssh-key': {type: 'string', multiple: true},
	'ssh-port': {type: 'string'},
	'known-hosts': {type: 'string'},
	'accept-new-host-keys': {type: 'boolean'},
	jump: {type: 'string'},
	'node-access': {type: 'string'},
	'probe-image': {type: 'string'},
	'probe-namespace': {type: 'string'},
	'allow-probe-pods': {type: 'boolean'},
	'keep-probe-namespace': {type: 'boolean'},
	sections: {type: 'string'},
	checks: {type: 'string'},
	'pss-version': {type: 'string'},
	concurrency: {type: 'string'},
	timeout: {type: 'string'},
	waivers: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const satisfies ParseArgsConfig['options'];

export const reportOptions = {
	format: {type: 'string'},
	output: {type: 'string', short: 'o'},
	'fail-on': {type: 'string'},
	'fail-on-error': {type: 'boolean'},
} as const satisfies ParseArgsConfig['options'];

/** Where a command's options are explained (the walkthrough is `aks-harden` itself). */
export function helpFor(command: string): string {
	// `aks-harden --help` is the overview; the walkthrough's own options show with any of its flags.
	return command === 'walkthrough' ? '`aks-harden --demo --help` (the walkthrough\'s options)' : `\`aks-harden ${command} --help\``;
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, command: string) {
	try {
		return parseArgs({args: [...args], options, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError(`${command}: ${parseProblem(error, options)}`, `see ${helpFor(command)}`);
	}
}

/** Node's parser explains itself in several lines meant for programmers; one line for the operator. */
function parseProblem(error: unknown, options: NonNullable<ParseArgsConfig['options']>): string {
	const message = error instanceof Error ? error.message : String(error);
	const code = (error as {code?: string}).code;
	const names = Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
	const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
	if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option ${unknown}${didYouMean(unknown, names.filter((n) => n.startsWith('--')))}`;
	const needsValue = /Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message)?.[2];
	if (needsValue) return `${needsValue} needs a value`;
	const takesNone = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message)?.[2];
	if (takesNone) return `${takesNone} takes no value`;
	return message.split('\n')[0]!;
}

export function listOption(value: string | undefined): string[] | undefined {
	if (value === undefined) return undefined;
	return value.split(',').map((part) => part.trim()).filter(Boolean);
}

export function sectionsOption(value: string | undefined): Section[] | undefined {
	const list = listOption(value);
	if (!list) return undefined;
	for (const section of list) {
		if (!(sections as readonly string[]).includes(section)) throw new UsageError(`unknown section "${section}"${didYouMean(section, sections)}`, `use one of: ${sections.join(', ')}`);
	}
	return list as Section[];
}

export function severityOption(value: string | undefined, fallback: Severity): Severity {
	if (value === undefined) return fallback;
	if (!(severities as readonly string[]).includes(value)) throw new UsageError(`--fail-on must be one of ${severities.join(', ')}, not "${value}"`, optionHelp());
	return value as Severity;
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const number = Number(value);
	if (!Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive whole number, not "${value}"`, optionHelp());
	return number;
}

/** `--timeout 30s`, `2m`, or plain seconds. */
export function durationOption(value: string | undefined, fallbackMs: number): number {
	if (value === undefined) return fallbackMs;
	const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
	if (!match) throw new UsageError(`--timeout must be a duration like 30s or 2m, not "${value}"`, optionHelp());
	const amount = Number(match[1]);
	const unit = match[2] ?? 's';
	return Math.round(unit === 'ms' ? amount : unit === 'm' ? amount * 60_000 : amount * 1000);
}
