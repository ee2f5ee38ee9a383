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
