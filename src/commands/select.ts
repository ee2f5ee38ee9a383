import type {Catalog, CompiledCheck} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import type {Section} from '../model/status.js';
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
			throw new UsageError(`no check matches "${pattern}"`, 'list the ids with `aks-harden checks`');
		}
	}
	return catalog.checks.filter(
		({check}) =>
			(!selection.sections || selection.sections.includes(check.section)) &&
			(!selection.checks || selection.checks.some((pattern) => matches(pattern, check.id, catalog))),
	);
}
