import type {Catalog, CompiledCheck} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import type {Section} from '../model/status.js';
import {didYouMean} from '../model/suggest.js';

function matches(pattern: string, id: string): boolean {
	if (pattern.endsWith('*')) return id.startsWith(pattern.slice(0, -1));
	return pattern === id;
}

/** `--sections` and `--checks` (ids or `prefix*`); an id that matches nothing is a typo, refused. */
export function selectChecks(catalog: Catalog, selection: {sections?: readonly Section[]; checks?: readonly string[]}): CompiledCheck[] {
	for (const pattern of selection.checks ?? []) {
		if (!catalog.checks.some(({check}) => matches(pattern, check.id))) {
			throw new UsageError(`no check matches "${pattern}"${didYouMean(pattern, catalog.checks.map(({check}) => check.id))}`, 'list the ids with `aks-harden checks`');
		}
	}
	return catalog.checks.filter(
		({check}) =>
			(!selection.sections || selection.sections.includes(check.section)) &&
			(!selection.checks || selection.checks.some((pattern) => matches(pattern, check.id))),
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
