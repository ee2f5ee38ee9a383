import {existsSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';
import {isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq} from 'yaml';
import type {Decisions} from '../engine/decisions.js';
import {SettingsFileSchema} from '../model/settings.js';
import {writeAtomically} from './write-output.js';
import {readTextFile} from '../transports/input-file.js';

type Keyed = {readonly check: string; readonly target: string};

/** Plain data with no undefined fields, in a stable key order: what goes into the file. */
function plain<T extends object>(item: T, keys: readonly (keyof T)[]): Record<string, unknown> {
	return Object.fromEntries(keys.filter((key) => item[key] !== undefined).map((key) => [key, item[key]]));
}

/**
 * The list under `key` made to hold exactly `items`, one per (check, target): an entry whose value
 * is unchanged keeps its node (and so its comments and quoting); a changed one is replaced where it
 * stood; new ones are appended; ones no longer decided are removed.
 */
function syncList(doc: Document, key: string, items: readonly Record<string, unknown>[]): void {
	const existing = doc.get(key, true);
	if (!items.length && !existing) return;
	const seq: YAMLSeq = isSeq(existing) ? existing : (doc.createNode([]) as YAMLSeq);
	const wanted = new Map(items.map((item) => [`${item['check']}\u0000${item['target']}`, item]));
	const kept = new Set<string>();
	seq.items = seq.items.flatMap((node) => {
		const value = (node as {toJSON?: () => unknown}).toJSON?.() as Keyed | undefined;
		const id = value ? `${value.check}\u0000${value.target}` : '';
		const item = wanted.get(id);
		if (!item || kept.has(id)) return [];
		kept.add(id);
		return [isDeepStrictEqual(normalise(value), item) ? node : entry(doc, item)];
	});
	for (const [id, item] of wanted) if (!kept.has(id)) seq.items.push(entry(doc, item));
	if (!isSeq(existing)) doc.set(key, seq);
}

/** A new entry; `answer: "yes"` is quoted, since YAML 1.1 readers would take a bare yes/no for a boolean. */
function entry(doc: Document, item: Record<string, unknown>): YAMLMap {
	const node = doc.createNode(item) as YAMLMap;
	const answer = node.get('answer', true);
	if (isScalar(answer)) answer.type = 'QUOTE_DOUBLE';
	return node;
}

/** A date-valued scalar (YAML 1.1 timestamps) compared as the schema reads it. */
function normalise(value: unknown): unknown {
	if (!value || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v instanceof Date ? (k === 'expires' ? v.toISOString().slice(0, 10) : v.toISOString()) : v]));
}

function syncNotes(doc: Document, notes: Readonly<Record<string, string>>): void {
	const existing = doc.get('notes', true);
	if (!Object.keys(notes).length && !existing) return;
	const map: YAMLMap = isMap(existing) ? existing : (doc.createNode({}) as YAMLMap);
	for (const pair of [...map.items]) {
		const key = String((pair.key as {value?: unknown})?.value ?? pair.key);
		if (!(key in notes)) map.delete(key);
	}
	for (const [check, text] of Object.entries(notes)) if (map.get(check) !== text) map.set(check, text);
	if (!isMap(existing)) doc.set('notes', map);
}

/**
 * Write the walkthrough's decisions into `.aks-harden.yaml` (or the --waivers file) so they are
 * reviewed like code and a headless audit reads the same: waivers with approver and expiry,
 * attestations with who, when, the answer and the note, notes per check. Everything else in the
 * file (registries, comments, unchanged entries) stays as the operator wrote it. The result is
 * checked against the settings schema before it replaces the file, whole or not at all.
 */
export function saveDecisionsFile(path: string, decisions: Decisions): void {
	const text = existsSync(path) ? readTextFile(path) : '';
	const doc: Document = parseDocument(text);
	if (doc.errors.length) throw new Error(`${path} does not parse as YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
	if (!isMap(doc.contents)) doc.contents = doc.createNode({});
	syncList(doc, 'waivers', decisions.waivers.map((waiver) => plain(waiver, ['check', 'target', 'justification', 'approver', 'expires', 'at'])));
	syncList(doc, 'attestations', decisions.attestations.map((attestation) => plain(attestation, ['check', 'target', 'answer', 'note', 'by', 'at'])));
	syncNotes(doc, decisions.notes);
	const out = doc.toString();
	const checked = SettingsFileSchema.safeParse(parseDocument(out).toJS());
	if (!checked.success) throw new Error(`the decisions would not make a valid ${path}: ${checked.error.issues[0]?.message ?? 'invalid'}`);
	writeAtomically(path, out);
}
