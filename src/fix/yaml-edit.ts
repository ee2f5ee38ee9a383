// Edits a YAML file in place, node by node, through the `yaml` Document model: the source ranges
// of the parsed nodes say exactly which bytes a change replaces, so everything else stays byte for
// byte as the author wrote it (comments, quoting, flow style, anchors, CRLF, other documents). New
// keys are written in the file's own style: its indentation step, and whether block sequences sit
// under their key (`- ` indented) or at the key's column as kubectl prints them.
import {isAlias, isMap, isScalar, isSeq, parseAllDocuments, stringify, type Document, type Node, type Pair, type Scalar, type YAMLMap} from 'yaml';
import {canonicalJson} from './digest.js';
import {deleteIn, getIn, setIn, type Json, type LeafOp, type Path} from './json-ops.js';

type Style = {readonly step: number; readonly isSeqIndented: boolean; readonly eol: string};

type Step = {readonly node: unknown; readonly pair?: Pair; readonly parent?: unknown};

export class YamlEditError extends Error {
	override readonly name = 'YamlEditError';
}

function lineStart(text: string, pos: number): number {
	return text.lastIndexOf('\n', pos - 1) + 1;
}

function column(text: string, pos: number): number {
	return pos - lineStart(text, pos);
}

/** Where a node's own text ends: its range without the line breaks a block node swallows. */
function contentEnd(text: string, node: Node): number {
	let end = node.range![1];
	while (end > node.range![0] && (text[end - 1] === '\n' || text[end - 1] === '\r' || text[end - 1] === ' ')) end--;
	return end;
}

function styleOf(text: string, doc: Document): Style {
	let step: number | undefined;
	let isSeqIndented: boolean | undefined;
	const visit = (node: unknown): void => {
		if (isMap(node)) {
			for (const pair of node.items) {
				const key = pair.key as Node | null;
				const value = pair.value as Node | null;
				if (key?.range && value?.range && !(value as YAMLMap).flow) {
					if (isSeq(value) && isSeqIndented === undefined && value.items.length) isSeqIndented = column(text, value.range[0]) > column(text, key.range[0]);
					if (isMap(value) && step === undefined && value.items[0]?.key) {
						const inner = (value.items[0].key as Node).range;
						if (inner && text.lastIndexOf('\n', inner[0]) > key.range[0]) step = column(text, inner[0]) - column(text, key.range[0]);
					}
				}
				visit(pair.value);
			}
		} else if (isSeq(node)) node.items.forEach(visit);
	};
	visit(doc.contents);
	return {step: step && step > 0 ? step : 2, isSeqIndented: isSeqIndented ?? true, eol: text.includes('\r\n') ? '\r\n' : '\n'};
}

function keyOf(pair: Pair): unknown {
	return isScalar(pair.key) ? pair.key.value : pair.key;
}

/** `key: value` as block YAML in the file's style, every line but the first indented to `indent`. */
function renderPair(key: string | number, value: unknown, indent: number, style: Style): string {
	const text = stringify({[key]: value}, {indent: style.step, indentSeq: style.isSeqIndented, lineWidth: 0}).replace(/\n$/, '');
	return text
		.split('\n')
		.map((line, index) => (index === 0 ? line : `${' '.repeat(indent)}${line}`))
		.join(style.eol);
}

function renderBlock(value: unknown, indent: number, style: Style): string {
	return stringify(value, {indent: style.step, indentSeq: style.isSeqIndented, lineWidth: 0})
		.replace(/\n$/, '')
		.split('\n')
		.map((line, index) => (index === 0 ? line : `${' '.repeat(indent)}${line}`))
		.join(style.eol);
}

function renderFlow(value: unknown): string {
	return stringify(value, {collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0}).trim();
}

/** A new scalar in the quoting the old one had, where the new value allows it. */
function renderScalar(value: unknown, old: Scalar): string {
	if (typeof value === 'string' && old.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
	if (typeof value === 'string' && old.type === 'QUOTE_SINGLE') return `'${value.replaceAll("'", "''")}'`;
	return stringify(value, {lineWidth: 0}).trim();
}

function isFlow(node: unknown): boolean {
	return (isMap(node) || isSeq(node)) && Boolean((node as YAMLMap).flow);
}

function splice(text: string, start: number, end: number, insert: string): string {
	return text.slice(0, start) + insert + text.slice(end);
}

/** Walks the path; stops at the first missing key, or at an alias (its anchor is shared). */
function walk(root: unknown, path: Path): {steps: Step[]; missingAt?: number; aliasAt?: number} {
	const steps: Step[] = [{node: root}];
	let node = root;
	for (const [index, key] of path.entries()) {
		if (isAlias(node)) return {steps, aliasAt: index};
		if (isMap(node)) {
			const pair = node.items.find((item) => keyOf(item) === key);
			if (!pair) return {steps, missingAt: index};
			steps.push({node: pair.value, pair, parent: node});
			node = pair.value;
		} else if (isSeq(node) && typeof key === 'number' && key < node.items.length) {
			steps.push({node: node.items[key], parent: node});
			node = node.items[key];
		} else {
			return {steps, missingAt: index};
		}
	}
	if (isAlias(node)) return {steps, aliasAt: path.length};
	return {steps};
}

function nestValue(path: Path, value: unknown): unknown {
	return path.reduceRight<unknown>((inner, key) => (typeof key === 'number' ? [inner] : {[key]: inner}), value);
}

/** Replaces a pair (key and value) in a block map with `key: value` rendered anew, from the key on. */
function replacePair(text: string, pair: Pair, value: unknown, style: Style): string {
	const key = pair.key as Node;
	const start = key.range![0];
	const end = pair.value && (pair.value as Node).range ? contentEnd(text, pair.value as Node) : contentEnd(text, key) + 1;
	return splice(text, start, end, renderPair(keyOf(pair) as string, value, column(text, start), style));
}

/**
 * Editing through an alias would change every other place that shares its anchor: the alias
 * is replaced by its own copy of the edited value, and the anchor stays as it was.
 */
function materialize(text: string, step: Step, path: Path, target: unknown, style: Style): string {
	const value = structuredClone(getIn(target, path));
	const node = step.node as Node;
	if (isFlow(step.parent) && node.range) return splice(text, node.range[0], node.range[1], renderFlow(value));
	if (step.pair) return replacePair(text, step.pair, value, style);
	if (node.range) return splice(text, node.range[0], node.range[1], renderBlock(value, column(text, node.range[0]), style));
	throw new YamlEditError(`cannot edit ${path.join('.')} through its alias`);
}

/** An alias whose anchor already gives the planned value (an earlier edit changed the anchor) stays an alias. */
function throughAlias(text: string, doc: Document, found: ReturnType<typeof walk>, path: Path, target: unknown, style: Style): string {
	const prefix = path.slice(0, found.aliasAt);
	if (canonicalJson(getIn(doc.toJS(), prefix)) === canonicalJson(getIn(target, prefix))) return text;
	return materialize(text, found.steps.at(-1)!, prefix, target, style);
}

/** One set: a scalar in place, a missing key added at the end of its map, anything else re-rendered. */
function setAt(text: string, doc: Document, path: Path, value: unknown, target: unknown, style: Style): string {
	const found = walk(doc.contents, path);
	if (found.aliasAt !== undefined) return throughAlias(text, doc, found, path, target, style);
	const last = found.steps.at(-1)!;
	if (found.missingAt === undefined) {
		const node = last.node;
		if (isScalar(node) && node.range && (value === null || typeof value !== 'object')) return splice(text, node.range[0], node.range[1], renderScalar(value, node));
		if (isFlow(last.parent) || isFlow(node)) {
			if (!(node as Node).range) throw new YamlEditError(`cannot place ${path.join('.')}`);
			return splice(text, (node as Node).range![0], contentEnd(text, node as Node), renderFlow(value));
		}
		if (last.pair) return replacePair(text, last.pair, value, style);
		if (isSeq(last.parent) && (node as Node)?.range) {
			const start = (node as Node).range![0];
			return splice(text, start, contentEnd(text, node as Node), renderBlock(value, column(text, start), style));
		}
		throw new YamlEditError(`cannot edit ${path.join('.')} in place`);
	}
	const parent = last.node;
	const key = path[found.missingAt]!;
	const rest = nestValue(path.slice(found.missingAt + 1), value);
	if (isMap(parent)) {
		if (parent.flow) {
			// JSON (every key double-quoted) stays JSON; a multi-line flow map gets a line of its own.
			const isJson = parent.items.length > 0 && parent.items.every((item) => isScalar(item.key) && item.key.type === 'QUOTE_DOUBLE');
			const entry = isJson ? `${JSON.stringify(key)}: ${JSON.stringify(rest, null, 1).replace(/\n\s*/g, ' ')}` : renderFlow({[key]: rest}).slice(1, -1).trim();
			const lastItem = parent.items.at(-1);
			const close = text.lastIndexOf('}', parent.range![1] - 1);
			if (lastItem) {
				const end = contentEnd(text, (lastItem.value ?? lastItem.key) as Node);
				if (text.slice(end, close).includes('\n')) return splice(text, end, end, `,${style.eol}${' '.repeat(column(text, (lastItem.key as Node).range![0]))}${entry}`);
			}
			let at = close;
			while (at > 0 && text[at - 1] === ' ') at--;
			return splice(text, at, at, `${parent.items.length ? ', ' : ''}${entry}`);
		}
		const lastPair = parent.items.at(-1);
		if (!lastPair) throw new YamlEditError(`cannot add ${String(key)} to an empty map`);
		const keyNode = lastPair.key as Node;
		const indent = column(text, keyNode.range![0]);
		const end = lastPair.value && (lastPair.value as Node).range ? contentEnd(text, lastPair.value as Node) : contentEnd(text, keyNode) + 1;
		// After the last pair's own text, and after a comment that ends its line.
		const lineEnd = text.indexOf('\n', end);
		const at = lineEnd === -1 ? text.length : text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
		const rendered = renderPair(key as string, rest, indent, style);
		return lineEnd === -1 ? `${text}${style.eol}${' '.repeat(indent)}${rendered}` : splice(text, at, at, `${style.eol}${' '.repeat(indent)}${rendered}`);
	}
	// `key:` with nothing after it (null): the parent pair gets the whole value.
	const above = found.steps.at(-1)!;
	if (above.pair && (parent === null || (isScalar(parent) && parent.value === null))) return replacePair(text, above.pair, nestValue(path.slice(found.missingAt), value), style);
	throw new YamlEditError(`cannot add ${path.join('.')}: its parent is not a map`);
}

function deleteAt(text: string, doc: Document, path: Path, target: unknown, style: Style): string {
	const found = walk(doc.contents, path);
	if (found.aliasAt !== undefined) return throughAlias(text, doc, found, path, target, style);
	if (found.missingAt !== undefined) return text;
	const last = found.steps.at(-1)!;
	const pair = last.pair;
	const parent = last.parent;
	if (!pair || !isMap(parent)) throw new YamlEditError(`cannot remove ${path.join('.')}`);
	const key = pair.key as Node;
	const value = pair.value as Node | null;
	const end = value?.range ? contentEnd(text, value) : contentEnd(text, key) + 1;
	const index = parent.items.indexOf(pair);
	if (parent.flow) {
		const next = parent.items[index + 1];
		if (next) return splice(text, key.range![0], (next.key as Node).range![0], '');
		const previous = parent.items[index - 1];
		return splice(text, previous ? contentEnd(text, (previous.value ?? previous.key) as Node) : key.range![0], end, '');
	}
	const start = key.range![0];
	const before = text.slice(lineStart(text, start), start);
	if (/^\s*$/.test(before)) {
		// The whole line(s) of the pair, a comment at its end included.
		const lineEnd = text.indexOf('\n', end);
		return splice(text, lineStart(text, start), lineEnd === -1 ? text.length : lineEnd + 1, '');
	}
	// The first key of a sequence item (`- key: v`): the next key moves up behind the dash.
	const next = parent.items[index + 1];
	if (!next) throw new YamlEditError(`cannot remove ${path.join('.')}: it is all its item holds`);
	return splice(text, start, (next.key as Node).range![0], '');
}

/**
 * Applies leaf edits to one document of a multi-document text and returns the whole text. Each
 * edit is made on a fresh parse of the text so far, so every range is exact. The caller checks
 * that the result parses to the planned objects.
 */
export function editYaml(text: string, index: number, base: Path, ops: readonly LeafOp[]): string {
	const parsed = parseAllDocuments(text);
	if (!Array.isArray(parsed) || !parsed[index]) throw new YamlEditError('the document is no longer in the file');
	const target = structuredClone(parsed[index]!.toJS()) as Json;
	for (const op of ops) {
		const path = [...base, ...op.path];
		if (op.isDelete) deleteIn(target, path);
		else setIn(target, path, op.value);
	}
	let out = text;
	for (const op of ops) {
		const docs = parseAllDocuments(out);
		if (!Array.isArray(docs)) throw new YamlEditError('the file no longer parses');
		const doc = docs[index]!;
		const style = styleOf(out, doc);
		const path = [...base, ...op.path];
		out = op.isDelete ? deleteAt(out, doc, path, target, style) : setAt(out, doc, path, op.value, target, style);
	}
	return out;
}

