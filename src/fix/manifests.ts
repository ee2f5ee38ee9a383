// The GitOps path: workload playbooks applied to manifest files instead of the cluster. The
// edit goes through yaml's document model node by node: only the bytes of the edited nodes
// change, the rest of the file stays as its author (or kubectl, Helm, kustomize) wrote it.
import {parseAllDocuments, type Document} from 'yaml';
import {collectSensitive, Redactor} from '../engine/redact.js';
import type {Finding} from '../model/finding.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import {targetKey} from '../model/target.js';
import {editWorkload, type WorkloadEditRequest} from './cluster/workload-edit.js';
import type {Playbooks} from './load.js';
import {getIn, leafOps as leafEdits, setIn, type Json} from './json-ops.js';
import {canonicalJson} from './digest.js';
import {parseYamlDocuments} from '../catalog/yaml-source.js';
import type {FindingRef} from './model.js';
import {ParameterError, parameterValues, type ParameterValues} from './parameters.js';
import {unifiedDiff} from './text-diff.js';
import {editYaml} from './yaml-edit.js';

export type ManifestFileEdit = {
	readonly file: string;
	readonly before: string;
	readonly after: string;
	readonly diff: string;
	readonly fixes: readonly FindingRef[];
	/** Each edited object as found in the file and as planned. */
	readonly objects: ReadonlyArray<{readonly before: KubeObject; readonly after: KubeObject}>;
};

export type ManifestNote = {readonly target: string; readonly status: 'refused' | 'needs-parameters' | 'error' | 'skipped'; readonly reason: string};

export type ManifestFixes = {readonly edits: readonly ManifestFileEdit[]; readonly notes: readonly ManifestNote[]};

type Located = {readonly object: KubeObject; readonly location: SourceLocation};

/**
 * Plans file edits for failing findings of workload playbooks. Pure over its inputs: the caller
 * read the files and ran the audit; nothing is written here.
 */
export function planManifestFixes(
	files: ReadonlyMap<string, string>,
	objects: readonly Located[],
	findings: readonly Finding[],
	playbooks: Playbooks,
	parameters: ParameterValues,
): ManifestFixes {
	const notes: ManifestNote[] = [];
	const groups = new Map<Located, Array<{finding: Finding; request: WorkloadEditRequest}>>();
	for (const finding of findings) {
		if (finding.status !== 'fail' && finding.status !== 'warn') continue;
		const loaded = playbooks.forFinding(finding);
		if (!loaded || !loaded.playbook.steps.some((step) => step.type === 'workload-patch')) continue;
		if (loaded.playbook.risk !== 'safe' && loaded.playbook.risk !== 'guided') continue;
		const target = finding.target;
		if (!('kind' in target) || !finding.location) continue;
		const located = objects.find(
			(candidate) =>
				candidate.location.file === finding.location!.file &&
				candidate.location.line === finding.location!.line &&
				candidate.object.kind === target.kind &&
				candidate.object.metadata.name === target.name,
		);
		if (!located) continue;
		let values;
		try {
			values = parameterValues(loaded.playbook, parameters);
		} catch (error) {
			if (!(error instanceof ParameterError)) throw error;
			notes.push({target: targetKey(target), status: 'needs-parameters', reason: error.message});
			continue;
		}
		const request: WorkloadEditRequest = {playbook: loaded.playbook, ...(target.container ? {container: target.container} : {}), values};
		groups.set(located, [...(groups.get(located) ?? []), {finding, request}]);
	}

	const byFile = new Map<string, Array<{located: Located; after: KubeObject; fixes: FindingRef[]}>>();
	for (const [located, items] of groups) {
		const label = `${located.object.kind}/${located.object.metadata.namespace ? `${located.object.metadata.namespace}/` : ''}${located.object.metadata.name}`;
		// Each playbook on its own first, so one that needs a parameter does not hold up the others.
		const usable = items.filter(({request, finding}) => {
			const alone = editWorkload(located.object, [request]);
			if (!alone.ok) notes.push({target: targetKey(finding.target), status: alone.status, reason: `${request.playbook.id}: ${alone.reason}${alone.missing?.length ? ' (pass --set NAME=VALUE)' : ''}`});
			return alone.ok;
		});
		if (!usable.length) continue;
		const edit = editWorkload(located.object, usable.map(({request}) => request));
		if (!edit.ok) {
			notes.push({target: label, status: edit.status, reason: edit.reason});
			continue;
		}
		const list = byFile.get(located.location.file) ?? [];
		list.push({located, after: edit.after, fixes: usable.map(({finding}) => ({checkId: finding.checkId, target: finding.target}))});
		byFile.set(located.location.file, list);
	}

	const edits: ManifestFileEdit[] = [];
	for (const [file, changes] of byFile) {
		const before = files.get(file);
		if (before === undefined) continue;
		try {
			const after = editText(before, changes.map(({located, after}) => ({before: located.object, after})));
			// The diff is printed and may carry context lines with an env literal password.
			const redactor = new Redactor();
			collectSensitive(objects.filter((candidate) => candidate.location.file === file).map((candidate) => candidate.object), redactor);
			if (after !== before) {
				edits.push({file, before, after, diff: redactor.apply(unifiedDiff(file, before, after)), fixes: changes.flatMap((change) => change.fixes), objects: changes.map(({located, after: object}) => ({before: located.object, after: object}))});
			}
		} catch (error) {
			notes.push({target: file, status: 'error', reason: error instanceof Error ? error.message : String(error)});
		}
	}
	return {edits, notes};
}

function sameObject(value: unknown, object: KubeObject): boolean {
	if (!value || typeof value !== 'object') return false;
	const candidate = value as KubeObject;
	return candidate.kind === object.kind && candidate.metadata?.name === object.metadata.name && (candidate.metadata?.namespace ?? '') === (object.metadata.namespace ?? '');
}

/** Where an object sits in a file: which document, and under which path (a List's items). */
function findObject(docs: readonly Document[], object: KubeObject): {index: number; base: Array<string | number>} | undefined {
	for (const [index, doc] of docs.entries()) {
		const value = doc.toJS() as unknown;
		if (sameObject(value, object)) return {index, base: []};
		const items = Array.isArray(value) ? value : (value as {items?: unknown[]} | null)?.items;
		if (Array.isArray(items)) {
			const at = items.findIndex((item) => sameObject(item, object));
			if (at >= 0) return {index, base: Array.isArray(value) ? [at] : ['items', at]};
		}
	}
	return undefined;
}

/**
 * The file with every change made node by node (see yaml-edit.ts): bytes outside the edited nodes
 * stay as written. Throws when an object cannot be found or edited; the caller then leaves the
 * file alone.
 */
export function editText(text: string, changes: ReadonlyArray<{before: KubeObject; after: KubeObject}>): string {
	let out = text;
	for (const {before, after} of changes) {
		const docs = parseAllDocuments(out);
		if (!Array.isArray(docs)) throw new Error('the file does not parse');
		const found = findObject(docs, before);
		if (!found) throw new Error(`${before.kind} ${before.metadata.name} is no longer in the file`);
		out = editYaml(out, found.index, found.base, leafEdits(before, after));
	}
	return out;
}

/**
 * The edited text read back the way the audit reads files: it must parse, hold as many documents
 * as before, and give exactly the planned objects. Returns the objects as parsed from the new
 * text (for the re-check), or why the edit must not be written.
 */
export function readBack(edit: ManifestFileEdit): {objects: Map<KubeObject, KubeObject>} | {problem: string} {
	let docs: Document[];
	try {
		docs = parseYamlDocuments(edit.file, edit.after).map((located) => located.doc);
	} catch (error) {
		return {problem: `the edited file would not parse (${error instanceof Error ? error.message : String(error)})`};
	}
	const original = parseAllDocuments(edit.before);
	if (!Array.isArray(original) || original.length !== docs.length) return {problem: `the edited file would hold ${docs.length} documents instead of ${Array.isArray(original) ? original.length : 0}`};
	// What every document must read as: as before, with only the planned objects replaced.
	const expected = original.map((doc) => doc.toJS() as unknown);
	for (const {before, after} of edit.objects) {
		const found = findObject(original, before);
		if (!found) return {problem: `${before.kind} ${before.metadata.name} is no longer in the file`};
		if (found.base.length) setIn(expected[found.index] as Json, found.base, after);
		else expected[found.index] = after;
	}
	for (const [index, doc] of docs.entries()) {
		if (canonicalJson(doc.toJS()) !== canonicalJson(expected[index])) {
			return {problem: `document ${index + 1} would not read back as planned (an anchor shared with an object that is not being fixed?)`};
		}
	}
	const objects = new Map<KubeObject, KubeObject>();
	for (const {before, after} of edit.objects) {
		const found = findObject(docs, after)!;
		objects.set(before, getIn(docs[found.index]!.toJS(), found.base) as KubeObject);
	}
	return {objects};
}
