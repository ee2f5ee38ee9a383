import {LineCounter, parseAllDocuments, parseDocument, isNode, type Document} from 'yaml';
import type {z} from 'zod';
import {UsageError} from '../model/errors.js';

/** A YAML document kept with its line counter, so any field can be traced back to its line. */
export type LocatedDocument = {readonly file: string; readonly doc: Document; readonly lines: LineCounter};

/** A value the next line turned into a key (`name: web` then a line indented too far). */
const continuedByNextLine = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/**
 * The line an operator must edit. For a value the following line turned into a multi-line key,
 * the parser reports where the value starts, one line before the line that is wrong: that
 * following line is named. An offset on whitespace belongs to what follows it; at the end of the
 * file, the last line with text is named.
 */
export function errorLine(text: string, lines: LineCounter, error: {readonly code: string; readonly pos: readonly [number, number]}): number {
	let at = error.pos[0];
	if (continuedByNextLine.has(error.code)) {
		const end = text.indexOf('\n', at);
		if (end >= 0) at = end;
	}
	while (at < text.length && /\s/.test(text[at]!)) at++;
	if (at >= text.length) at = Math.max(0, text.trimEnd().length - 1);
	return lines.linePos(at).line;
}

export function parseYamlFile(file: string, text: string): LocatedDocument {
	const lines = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false});
	const error = doc.errors[0];
	if (error) {
		const line = errorLine(text, lines, error);
		throw new UsageError(`${file}:${line}: ${firstLine(error.message)}`, 'fix the YAML syntax at that line');
	}
	return {file, doc, lines};
}

export function parseYamlDocuments(file: string, text: string): LocatedDocument[] {
	const lines = new LineCounter();
	const docs = parseAllDocuments(text, {lineCounter: lines, prettyErrors: false});
	if (!Array.isArray(docs)) return [];
	for (const doc of docs) {
		const error = doc.errors[0];
		if (error) {
			const line = errorLine(text, lines, error);
			// The parser gives up on nesting deeper than its stack: a limit, not a syntax error.
			if (error.code === 'RESOURCE_EXHAUSTION') throw new UsageError(`${file}:${line}: nesting too deep for the YAML parser`, 'no Kubernetes object nests this deep; fix or remove the file');
			throw new UsageError(`${file}:${line}: ${firstLine(error.message)}`, 'fix the YAML syntax at that line');
		}
	}
	return docs.map((doc) => ({file, doc, lines}));
}

/** The line of the node at `path`, or of its nearest existing parent, or of the document. */
export function lineOf(located: LocatedDocument, path: readonly PropertyKey[]): number {
	for (let depth = path.length; depth >= 0; depth--) {
		const node = located.doc.getIn(path.slice(0, depth) as unknown[], true);
		if (isNode(node) && node.range) return located.lines.linePos(node.range[0]).line;
	}
	const start = located.doc.contents?.range?.[0] ?? 0;
	return located.lines.linePos(start).line;
}

/** Alias expansions one document may make: the `yaml` library's guard against billion-laughs. */
export const maxAliasCount = 100;

/**
 * The document as plain data. An alias without its anchor, an alias bomb or nesting too deep to
 * convert are the file's fault, so each is an expected error with the file and line.
 */
export function documentValue(located: LocatedDocument): unknown {
	try {
		return located.doc.toJS({maxAliasCount});
	} catch (error) {
		const line = lineOf(located, []);
		const step = 'fix the YAML at that line';
		if (error instanceof ReferenceError && /excessive alias count/i.test(error.message)) {
			throw new UsageError(`${located.file}:${line}: aliases expand more than ${maxAliasCount} times (limit; an alias bomb?)`, 'no real manifest or settings file needs this; fix or remove the file');
		}
		if (error instanceof RangeError) throw new UsageError(`${located.file}:${line}: nested too deep to read (limit)`, step);
		throw new UsageError(`${located.file}:${line}: ${firstLine(error instanceof Error ? error.message : String(error))}`, step);
	}
}

/** The README section that explains each kind of file, for the next step of its errors. */
const readmeSection: Record<string, string> = {
	check: 'Writing a check',
	'golden cases': 'Writing a check',
	'platform exceptions': 'The catalogue',
	playbook: 'Writing a playbook',
	inventory: 'Nodes over SSH',
};

/** Validate a document with a zod schema; the first issue becomes `file:line: field: message`. */
export function validate<T extends z.ZodType>(located: LocatedDocument, schema: T, what: string): z.infer<T> {
	const result = schema.safeParse(documentValue(located));
	if (result.success) return result.data;
	const issue = result.error.issues[0]!;
	const path = issue.path as PropertyKey[];
	const field = path.length ? path.map(String).join('.') : '(document)';
	throw new UsageError(
		`${located.file}:${lineOf(located, path)}: ${field}: ${issue.message}`,
		`fix the ${what} file; see README "${readmeSection[what] ?? settingsSection(field)}"`,
	);
}

/** In the settings file, waivers and attestations have sections of their own. */
function settingsSection(field: string): string {
	if (field.startsWith('waivers')) return 'Waivers';
	if (field.startsWith('attestations') || field.startsWith('notes')) return 'Attestations and notes';
	return 'Settings: `.aks-harden.yaml`';
}

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}
