import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {packageRoot} from '../package-root.js';
import {CheckSchema, CheckCasesSchema, type Check, type CheckCase} from '../model/check.js';
import {PlatformExceptionsSchema, type PlatformExceptions} from '../model/exceptions.js';
import {UsageError} from '../model/errors.js';
import {sections} from '../model/status.js';
import {compile, CelSyntaxError, type Program} from '../engine/cel.js';
import {compileTemplate, type Template} from '../engine/template.js';
import {lineOf, parseYamlFile, validate, type LocatedDocument} from './yaml-source.js';

/** A check with its CEL compiled once; the definition itself is never touched again. */
export type CompiledCheck = {
	readonly check: Check;
	readonly file: string;
	readonly when?: Program;
	readonly assert?: Program;
	readonly violations?: Program;
	readonly message: Template;
	readonly passMessage?: Template;
	readonly warnWhen?: Program;
	readonly warnMessage?: Template;
	/** How Windows nodes are judged when the check has a `windows:` variant: the same id, its own facts. */
	readonly windows?: CompiledCheck;
};

export type Catalog = {
	readonly root: string;
	readonly checks: readonly CompiledCheck[];
	readonly byId: ReadonlyMap<string, CompiledCheck>;
	readonly exceptions: PlatformExceptions;
};

export {packageRoot};

function yamlFiles(folder: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(folder, {withFileTypes: true})) {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) out.push(...yamlFiles(path));
		else if (/\.ya?ml$/.test(entry.name)) out.push(path);
	}
	return out.sort();
}

function compileField(located: LocatedDocument, field: string, expression: string | undefined, prefix: readonly string[] = []): Program | undefined {
	if (expression === undefined) return undefined;
	try {
		return compile(expression);
	} catch (error) {
		if (!(error instanceof CelSyntaxError)) throw error;
		throw new UsageError(`${located.file}:${lineOf(located, [...prefix, field])}: ${[...prefix, field].join('.')}: ${error.message}`, 'fix the CEL expression');
	}
}

function compileMessage(located: LocatedDocument, field: string, text: string | undefined, prefix: readonly string[] = []): Template | undefined {
	if (text === undefined) return undefined;
	try {
		return compileTemplate(text);
	} catch (error) {
		if (!(error instanceof CelSyntaxError)) throw error;
		throw new UsageError(`${located.file}:${lineOf(located, [...prefix, field])}: ${[...prefix, field].join('.')}: ${error.message}`, 'fix the {…} expression in the message');
	}
}

/** A check as it judges Windows nodes: its `windows:` fields over its own, compiled the same way. */
function windowsVariant(located: LocatedDocument, check: Check, display: string): CompiledCheck | undefined {
	const variant = check.windows;
	if (!variant) return undefined;
	const merged: Check = {...check, ...variant, windows: undefined};
	const at = (field: keyof typeof variant) => (variant[field] !== undefined ? ['windows'] : []);
	return {
		check: merged,
		file: display,
		when: compileField(located, 'when', merged.when, at('when')),
		assert: compileField(located, 'assert', merged.assert, at('assert')),
		violations: compileField(located, 'violations', merged.violations, at('violations')),
		message: compileMessage(located, 'message', merged.message, at('message'))!,
		passMessage: compileMessage(located, 'passMessage', merged.passMessage, at('passMessage')),
		warnWhen: compileField(located, 'warnWhen', merged.warnWhen, at('warnWhen')),
		warnMessage: compileMessage(located, 'warnMessage', merged.warnMessage, at('warnMessage')),
	};
}

/** The compiled form that judges a node of this OS. */
export function forNodeOs(compiled: CompiledCheck, os: string): CompiledCheck {
	return os === 'windows' && compiled.windows ? compiled.windows : compiled;
}

/** Every probe a node check may read, on any OS it applies to. */
export function nodeProbeNames(compiled: CompiledCheck): string[] {
	return [...new Set([...compiled.check.probes, ...(compiled.windows?.check.probes ?? [])])];
}

export function loadCheckFile(file: string, display = file): CompiledCheck {
	const located = parseYamlFile(display, readFileSync(file, 'utf8'));
	const check = validate(located, CheckSchema, 'check');
	return {
		check,
		file: display,
		when: compileField(located, 'when', check.when),
		assert: compileField(located, 'assert', check.assert),
		violations: compileField(located, 'violations', check.violations),
		message: compileMessage(located, 'message', check.message)!,
		passMessage: compileMessage(located, 'passMessage', check.passMessage),
		warnWhen: compileField(located, 'warnWhen', check.warnWhen),
		warnMessage: compileMessage(located, 'warnMessage', check.warnMessage),
		...(check.windows ? {windows: windowsVariant(located, check, display)!} : {}),
	};
}

export function loadCases(file: string, display = file): CheckCase[] {
	const located = parseYamlFile(display, readFileSync(file, 'utf8'));
	return validate(located, CheckCasesSchema, 'golden cases').cases;
}

/**
 * Read and validate the whole catalogue. Any invalid file stops the tool before it touches a
 * cluster: a half-loaded catalogue would report a clean audit that skipped checks.
 */
export function loadCatalog(root = packageRoot): Catalog {
	const checksDir = join(root, 'checks');
	const checks: CompiledCheck[] = [];
	let exceptions: PlatformExceptions | undefined;
	for (const file of yamlFiles(checksDir)) {
		const display = relative(root, file);
		if (file.endsWith('.cases.yaml')) continue;
		if (display === join('checks', 'platform-exceptions.yaml')) {
			const located = parseYamlFile(display, readFileSync(file, 'utf8'));
			exceptions = validate(located, PlatformExceptionsSchema, 'platform exceptions');
			continue;
		}
		const compiled = loadCheckFile(file, display);
		const expected = join('checks', compiled.check.section, `${compiled.check.id}.yaml`);
		if (display !== expected) {
			throw new UsageError(`${display}:1: id: check ${compiled.check.id} must live at ${expected}`, 'rename the file or fix its id');
		}
		checks.push(compiled);
	}
	if (!exceptions) throw new UsageError(`${join('checks', 'platform-exceptions.yaml')} is missing`, 'restore it from the package');
	const byId = new Map<string, CompiledCheck>();
	for (const compiled of checks) {
		if (byId.has(compiled.check.id)) throw new UsageError(`${compiled.file}:1: id: duplicate check id ${compiled.check.id}`, 'give each check its own id');
		byId.set(compiled.check.id, compiled);
	}
	checks.sort(
		(a, b) => sections.indexOf(a.check.section) - sections.indexOf(b.check.section) || a.check.id.localeCompare(b.check.id),
	);
	return {root, checks, byId, exceptions};
}
