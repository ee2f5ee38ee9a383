import {compile, fromCel, type Bindings, type Program} from './cel.js';

/** A message with `{cel}` holes: "container {container.name} runs privileged". */
export type Template = (bindings: Bindings) => string;

const fieldPath = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*$/;
/** Words CEL reads as something other than a variable or a field. */
const reserved = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/**
 * Most holes are a plain field path (`{container.name}`); those are read straight from the
 * bindings, as CEL would read them (a missing variable or key is an error, shown as `?`). Every
 * passing finding of a 10,000-pod audit renders a message, and a CEL evaluation per hole was a
 * good part of the audit's time. Anything else is CEL.
 */
function fieldReader(expression: string): Program | undefined {
	const match = fieldPath.exec(expression);
	if (!match) return undefined;
	const [root, ...keys] = match[1]!.split('.').map((part) => part.trim());
	if ([root!, ...keys].some((part) => reserved.has(part))) return undefined;
	return (bindings) => {
		if (!Object.hasOwn(bindings, root!)) return {ok: false, error: `undeclared reference to '${root}'`};
		let value: unknown = bindings[root!];
		for (const key of keys) {
			const next = value instanceof Map ? value.get(key) : undefined;
			if (next === undefined) return {ok: false, error: `no such key: ${key}`};
			value = next;
		}
		return {ok: true, value};
	};
}

export function compileTemplate(text: string): Template {
	const parts: Array<string | Program> = [];
	let rest = text;
	for (let open = rest.indexOf('{'); open >= 0; open = rest.indexOf('{')) {
		const close = rest.indexOf('}', open);
		if (close < 0) break;
		const expression = rest.slice(open + 1, close);
		parts.push(rest.slice(0, open), fieldReader(expression) ?? compile(expression));
		rest = rest.slice(close + 1);
	}
	parts.push(rest);
	return (bindings) =>
		parts
			.map((part) => {
				if (typeof part === 'string') return part;
				const result = part(bindings);
				if (!result.ok) return '?';
				const value = fromCel(result.value);
				return Array.isArray(value) ? value.join(', ') : String(value);
			})
			.join('');
}
