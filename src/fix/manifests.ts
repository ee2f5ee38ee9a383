// The GitOps path: workload playbooks applied to manifest files instead of the cluster. The
// edit goes through yaml's document model, which keeps comments and key order, and only the
// documents that change are re-printed; the lines around the edit keep their own spacing.
import {applyPatch, structuredPatch} from 'diff';
import {isMap, isSeq, parseAllDocuments, type Document} from 'yaml';
import {collectSensitive, Redactor} from '../engine/redact.js';
import type {Finding} from '../model/finding.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import {targetKey} from '../model/target.js';
import {editWorkload, type WorkloadEditRequest} from './cluster/workload-edit.js';
import type {Playbooks} from './load.js';
import {leafOps as leafEdits} from './json-ops.js';
import type {FindingRef} from './model.js';
import {ParameterError, parameterValues, type ParameterValues} from './parameters.js';
import {unifiedDiff} from './text-diff.js';

export type ManifestFileEdit = {
	readonly file: string;
	readonly before: string;
	readonly after: string;
	readonly diff: string;
	readonly fixes: readonly FindingRef[];
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
			if (after !== before) edits.push({file, before, after, diff: redactor.apply(unifiedDiff(file, before, after)), fixes: changes.flatMap((change) => change.fixes)});
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

export function editText(text: string, changes: ReadonlyArray<{before: KubeObject; after: KubeObject}>): string {
	const docs = parseAllDocuments(text);
	if (!Array.isArray(docs)) return text;
	const changed = new Set<number>();
	for (const {before, after} of changes) {
		const found = findObject(docs, before);
		if (!found) throw new Error(`${before.kind} ${before.metadata.name} is no longer in the file`);
		const doc = docs[found.index]!;
		if (!isMap(doc.contents) && !isSeq(doc.contents)) throw new Error('not a mapping');
		applyOps(doc, found.base, before, after);
		changed.add(found.index);
	}
	// Re-print only the documents that changed; each keeps its place between the others.
	let out = '';
	let cursor = 0;
	for (const [index, doc] of docs.entries()) {
		const start = index === 0 ? 0 : doc.range[0];
		const end = doc.range[2];
		out += text.slice(cursor, start);
		const original = text.slice(start, end);
		out += changed.has(index) ? minimalEdit(original, doc) : original;
		cursor = end;
	}
	return out + text.slice(cursor);
}

function applyOps(doc: Document, base: ReadonlyArray<string | number>, before: KubeObject, after: KubeObject): void {
	// Leaf edits, not a whole new object: untouched keys keep their nodes, comments and order.
	const ops = leafEdits(before, after);
	for (const op of ops) {
		const path = [...base, ...op.path];
		if (op.isDelete) doc.deleteIn(path);
		else doc.setIn(path, op.value);
	}
}


/**
 * The edited document printed by yaml normalises spacing (two spaces before a comment become one,
 * `{a: b}` becomes `{ a: b }`). Carry over only the lines that really changed: diff the original
 * document as yaml would print it against the edited one, and apply that diff to the original
 * text, matching lines by their content without spacing.
 */
function minimalEdit(original: string, edited: Document): string {
	const reprinted = parseAllDocuments(original);
	const printedBefore = Array.isArray(reprinted) && reprinted[0] ? reprinted[0].toString() : original;
	const printedAfter = edited.toString();
	const patch = structuredPatch('a', 'a', printedBefore, printedAfter, '', '', {context: 2});
	const squash = (line: string) => line.replace(/\s+/g, '');
	const result = applyPatch(original, patch, {compareLine: (_number, line, _operation, content) => squash(line) === squash(content)});
	return result === false ? printedAfter : result;
}
