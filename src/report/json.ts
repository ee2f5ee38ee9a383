import type {Report} from '../model/report.js';

/** The public JSON contract (DESIGN §7), stable key order, newline-terminated. */
export function renderJson(report: Report): string {
	return `${JSON.stringify(report, null, 2)}\n`;
}

const indented = (text: string, pad: string) => text.replaceAll('\n', `\n${pad}`);

/**
 * The same text as `renderJson`, piece by piece: the header, then one piece per finding (and per
 * node). A 10,000-pod audit is some 45 MB of JSON; written whole it is held at once, and twice
 * over as soon as one character is outside Latin-1 (V8 then stores every character in two bytes).
 * `redact` is applied to each value before it is encoded, as `redactReport` does to the whole.
 */
export function* jsonChunks(report: Report, redact: (value: unknown) => unknown = (value) => value): Generator<string> {
	// JSON.stringify leaves out members whose value is undefined (or a function).
	const members = Object.entries(report).filter(([, value]) => value !== undefined && typeof value !== 'function');
	if (!members.length) {
		yield '{}\n';
		return;
	}
	yield '{\n';
	for (const [index, [key, value]] of members.entries()) {
		const comma = index < members.length - 1 ? ',' : '';
		if (!Array.isArray(value) || value.length === 0) {
			yield `  ${JSON.stringify(key)}: ${indented(JSON.stringify(redact(value), null, 2), '  ')}${comma}\n`;
			continue;
		}
		yield `  ${JSON.stringify(key)}: [\n`;
		for (const [position, item] of value.entries()) {
			// In an array, JSON.stringify writes undefined as null.
			const text = JSON.stringify(redact(item), null, 2) ?? 'null';
			yield `    ${indented(text, '    ')}${position < value.length - 1 ? ',' : ''}\n`;
		}
		yield `  ]${comma}\n`;
	}
	yield '}\n';
}
