/** A compiled label or field selector: true when the object matches. */
export type Matcher = (object: Record<string, unknown>) => boolean;

export class SelectorError extends Error {}

type Requirement =
	| {readonly op: 'eq' | 'ne'; readonly key: string; readonly value: string}
	| {readonly op: 'in' | 'notin'; readonly key: string; readonly values: ReadonlySet<string>}
	| {readonly op: 'exists' | 'absent'; readonly key: string};

/** Parses the label selector grammar the API server accepts (`a=b,c!=d,e in (f,g),!h`). */
export function labelSelector(text: string | undefined): Matcher | undefined {
	if (!text?.trim()) return undefined;
	const requirements = splitTopLevel(text).map(parseRequirement);
	return (object) => {
		const labels = (metadataOf(object).labels ?? {}) as Record<string, string>;
		return requirements.every((r) => satisfies(r, labels[r.key]));
	};
}

/**
 * Field selectors name dotted paths (`metadata.name`, `spec.nodeName`, `status.phase`); the real
 * server allows only a few per kind, but answering any path keeps kubectl's own queries working.
 */
export function fieldSelector(text: string | undefined): Matcher | undefined {
	if (!text?.trim()) return undefined;
	const requirements = splitTopLevel(text).map((term) => {
		const match = /^\s*([\w.\-/]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
		if (!match) throw new SelectorError(`invalid field selector: "${term}"`);
		return {path: match[1]!.split('.'), isEqual: match[2] !== '!=', value: match[3]!};
	});
	return (object) =>
		requirements.every(({path, isEqual, value}) => {
			let current: unknown = object;
			for (const part of path) current = isRecord(current) ? current[part] : undefined;
			const actual = current === undefined || current === null ? '' : String(current);
			return (actual === value) === isEqual;
		});
}

export function combine(...matchers: ReadonlyArray<Matcher | undefined>): Matcher | undefined {
	const present = matchers.filter((m): m is Matcher => m !== undefined);
	if (present.length === 0) return undefined;
	return (object) => present.every((m) => m(object));
}

function parseRequirement(term: string): Requirement {
	const text = term.trim();
	let match = /^!\s*([\w.\-/]+)$/.exec(text);
	if (match) return {op: 'absent', key: match[1]!};
	match = /^([\w.\-/]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
	if (match) {
		const values = new Set(match[3]!.split(',').map((v) => v.trim()).filter((v) => v !== ''));
		return {op: match[2] as 'in' | 'notin', key: match[1]!, values};
	}
	match = /^([\w.\-/]+)\s*(==|=|!=)\s*([\w.\-]*)$/.exec(text);
	if (match) return {op: match[2] === '!=' ? 'ne' : 'eq', key: match[1]!, value: match[3]!};
	match = /^([\w.\-/]+)$/.exec(text);
	if (match) return {op: 'exists', key: match[1]!};
	throw new SelectorError(`unable to parse requirement: "${text}"`);
}

function satisfies(requirement: Requirement, actual: string | undefined): boolean {
	switch (requirement.op) {
		case 'eq':
			return actual === requirement.value;
		case 'ne':
			return actual !== requirement.value;
		case 'in':
			return actual !== undefined && requirement.values.has(actual);
		case 'notin':
			return actual === undefined || !requirement.values.has(actual);
		case 'exists':
			return actual !== undefined;
		case 'absent':
			return actual === undefined;
	}
}

// Commas separate requirements except inside the parentheses of a set requirement.
function splitTopLevel(text: string): string[] {
	const terms: string[] = [];
	let depth = 0;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '(') depth++;
		else if (ch === ')') depth--;
		else if (ch === ',' && depth === 0) {
			terms.push(text.slice(start, i));
			start = i + 1;
		}
	}
	terms.push(text.slice(start));
	return terms.filter((t) => t.trim() !== '');
}

function metadataOf(object: Record<string, unknown>): Record<string, unknown> {
	return isRecord(object.metadata) ? object.metadata : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
