import {compile, fromCel, type Bindings} from './cel.js';

/** A message with `{cel}` holes: "container {container.name} runs privileged". */
export type Template = (bindings: Bindings) => string;

export function compileTemplate(text: string): Template {
	const parts: Array<string | ReturnType<typeof compile>> = [];
	let rest = text;
	for (let open = rest.indexOf('{'); open >= 0; open = rest.indexOf('{')) {
		const close = rest.indexOf('}', open);
		if (close < 0) break;
		parts.push(rest.slice(0, open), compile(rest.slice(open + 1, close)));
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
