import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {packageRoot, type Catalog} from '../catalog/load.js';
import {lineOf, parseYamlFile, validate} from '../catalog/yaml-source.js';
import {compile, CelSyntaxError, type Program} from '../engine/cel.js';
import {UsageError} from '../model/errors.js';
import type {Finding} from '../model/finding.js';
import {PlaybookSchema, type Playbook} from './playbook.js';

/** A playbook with the CEL of its settings compiled once, and the file it came from. */
export type LoadedPlaybook = {
	readonly playbook: Playbook;
	readonly file: string;
	/** `when` and `compute` of each file-set setting, by step, setting and field. */
	readonly conditions: ReadonlyMap<string, Program>;
	/** The line of a field, for errors found after loading (a dangling check id). */
	readonly lineOf: (path: readonly PropertyKey[]) => number;
};

export type Playbooks = {
	readonly byId: ReadonlyMap<string, LoadedPlaybook>;
	/** The playbook for a finding: the one its check names, else one that lists the check. */
	forFinding(finding: Pick<Finding, 'checkId' | 'playbook'>): LoadedPlaybook | undefined;
};

export function conditionKey(step: number, setting: number, field: 'when' | 'compute' = 'when'): string {
	return `${step}/${setting}/${field}`;
}

export function loadPlaybookFile(file: string, display = file): LoadedPlaybook {
	const located = parseYamlFile(display, readFileSync(file, 'utf8'));
	const playbook = validate(located, PlaybookSchema, 'playbook');
	const conditions = new Map<string, Program>();
	playbook.steps.forEach((step, stepIndex) => {
		if (step.type !== 'file-set' && step.type !== 'windows-sshd') return;
		step.settings.forEach((setting, settingIndex) => {
			for (const field of ['when', 'compute'] as const) {
				const expression = setting[field];
				if (!expression) continue;
				try {
					conditions.set(conditionKey(stepIndex, settingIndex, field), compile(expression));
				} catch (error) {
					if (!(error instanceof CelSyntaxError)) throw error;
					const path = ['steps', stepIndex, 'settings', settingIndex, field];
					throw new UsageError(`${display}:${lineOf(located, path)}: ${path.join('.')}: ${error.message}`, 'fix the CEL expression');
				}
			}
		});
	});
	return {playbook, file: display, conditions, lineOf: (path) => lineOf(located, path)};
}

/**
 * Read and validate every playbook. With the check catalogue, the two must agree: a playbook a
 * check names exists and lists that check, and a playbook fixes only checks that exist. A
 * dangling name would otherwise surface as "no fix" in the middle of an operator's session.
 */
export function loadPlaybooks(root = packageRoot, catalog?: Catalog): Playbooks {
	const folder = join(root, 'playbooks');
	const byId = new Map<string, LoadedPlaybook>();
	const files = existsSync(folder) ? readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort() : [];
	for (const name of files) {
		const display = relative(root, join(folder, name));
		const loaded = loadPlaybookFile(join(folder, name), display);
		const expected = join('playbooks', `${loaded.playbook.id}.yaml`);
		if (display !== expected) throw new UsageError(`${display}:1: id: playbook ${loaded.playbook.id} must live at ${expected}`, 'rename the file or fix its id');
		byId.set(loaded.playbook.id, loaded);
	}
	if (catalog) crossCheck(byId, catalog);
	const byCheck = new Map<string, LoadedPlaybook>();
	for (const loaded of byId.values()) for (const checkId of loaded.playbook.fixes) if (!byCheck.has(checkId)) byCheck.set(checkId, loaded);
	return {
		byId,
		forFinding(finding) {
			if (finding.playbook) return byId.get(finding.playbook);
			return byCheck.get(finding.checkId);
		},
	};
}

function crossCheck(byId: ReadonlyMap<string, LoadedPlaybook>, catalog: Catalog): void {
	// A check's Windows variant names its own playbook, held to the same rules.
	for (const {check, file} of catalog.checks.flatMap((compiled) => (compiled.windows ? [compiled, compiled.windows] : [compiled]))) {
		if (!check.playbook) continue;
		const loaded = byId.get(check.playbook);
		if (!loaded) throw new UsageError(`${file}:${checkLine(catalog.root, file)}: playbook: no playbook "${check.playbook}" in playbooks/`, `add playbooks/${check.playbook}.yaml or fix the name`);
		if (!loaded.playbook.fixes.includes(check.id)) {
			throw new UsageError(`${loaded.file}:${loaded.lineOf(['fixes'])}: fixes: check ${check.id} names this playbook but it is not listed in fixes`, `add ${check.id} to fixes`);
		}
	}
	for (const loaded of byId.values()) {
		loaded.playbook.fixes.forEach((checkId, index) => {
			if (!catalog.byId.has(checkId)) throw new UsageError(`${loaded.file}:${loaded.lineOf(['fixes', index])}: fixes.${index}: no check "${checkId}"`, 'list the ids with `aks-harden checks`');
		});
	}
}

/** The line of a check's `playbook:` field; the catalogue keeps compiled checks, not their text. */
function checkLine(root: string, file: string): number {
	try {
		return lineOf(parseYamlFile(file, readFileSync(join(root, file), 'utf8')), ['playbook']);
	} catch {
		return 1;
	}
}
