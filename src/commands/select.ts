import type {Catalog, CompiledCheck} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import type {Section} from '../model/status.js';
import {didYouMean} from '../model/suggest.js';
import {pssSelection} from '../engine/pod-security.js';

/** `pss:baseline` and `pss:restricted` name the checks Pod Security Admission runs at that level. */
const pssSelectors: Readonly<Record<string, 'baseline' | 'restricted'>> = {'pss:baseline': 'baseline', 'pss:restricted': 'restricted'};

function matches(pattern: string, id: string, catalog?: Catalog): boolean {
	const level = pssSelectors[pattern];
	if (level) return pssSelection(catalog?.checks ?? [], level).some(({check}) => check.id === id);
	if (pattern.endsWith('*')) return id.startsWith(pattern.slice(0, -1));
	return pattern === id;
}

/** `--sections` and `--checks` (ids, `prefix*`, `pss:baseline`, `pss:restricted`); an id that matches nothing is a typo, refused. */
export function selectChecks(catalog: Catalog, selection: {sections?: readonly Section[]; checks?: readonly string[]}): CompiledCheck[] {
	for (const pattern of selection.checks ?? []) {
		if (!catalog.checks.some(({check}) => matches(pattern, check.id, catalog))) {
			throw new UsageError(`no check matches "${pattern}"${didYouMean(pattern, catalog.checks.map(({check}) => check.id))}`, 'list the ids with `aks-harden checks` (or pss:baseline, pss:restricted)');
		}
	}
	return catalog.checks.filter(
		({check}) =>
			(!selection.sections || selection.sections.includes(check.section)) &&
			(!selection.checks || selection.checks.some((pattern) => matches(pattern, check.id, catalog))),
	);
}

/**
 * Manifests mode audits files, typically in a pull request: questions about the cluster (does CI
 * scan images? are audit logs exported?) cannot be answered there, so they are left out unless
 * `--checks` names them.
 */
export function withoutClusterQuestions(checks: readonly CompiledCheck[], requested: readonly string[] | undefined): CompiledCheck[] {
	return checks.filter(({check}) => {
		const isQuestion = check.scope === 'cluster' && (check.manual || check.onFail === 'manual');
		return !isQuestion || (requested ?? []).some((pattern) => matches(pattern, check.id));
	});
}
