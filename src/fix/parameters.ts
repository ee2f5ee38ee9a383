import type {Parameter, Playbook} from './playbook.js';

export type ParameterValues = Readonly<Record<string, string | number>>;

/** What a playbook value resolves to: data, a parameter's value, or a parameter still missing. */
export type Resolved = {readonly value: unknown} | {readonly missing: Parameter} | {readonly skip: true};

const reference = /^\$\{([a-zA-Z][a-zA-Z0-9]*)\}$/;
const embedded = /\$\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

export class ParameterError extends Error {}

/** Checks and converts one value the operator gave for a parameter. */
export function coerce(parameter: Parameter, raw: string | number): string | number {
	const text = String(raw).trim();
	switch (parameter.type) {
		case 'integer': {
			if (!/^-?\d+$/.test(text)) throw new ParameterError(`${parameter.name} must be a whole number, not "${text}"`);
			const number = Number(text);
			if (parameter.minimum !== undefined && number < parameter.minimum) throw new ParameterError(`${parameter.name} must be ${parameter.minimum} or more, not ${number}`);
			return number;
		}
		case 'quantity':
			if (!/^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/.test(text)) throw new ParameterError(`${parameter.name} must be a Kubernetes quantity such as 250m, 512Mi or 1, not "${text}"`);
			return text;
		case 'enum':
			if (!parameter.values!.includes(text)) throw new ParameterError(`${parameter.name} must be one of ${parameter.values!.join(', ')}, not "${text}"`);
			return text;
		case 'yaml':
			return String(raw);
		case 'string':
			return text;
	}
}

/**
 * The value of each parameter: what the operator gave, else the playbook's default, else a
 * suggestion (metrics). Anything else stays unset and the step that needs it asks for it.
 */
export function parameterValues(playbook: Playbook, given: ParameterValues, suggestions: ParameterValues = {}): Record<string, string | number> {
	const values: Record<string, string | number> = {};
	for (const parameter of playbook.parameters) {
		const raw = given[parameter.name] ?? parameter.default ?? suggestions[parameter.name];
		if (raw !== undefined) values[parameter.name] = coerce(parameter, raw);
	}
	return values;
}

/**
 * A step value: `${name}` alone takes the parameter's typed value; `${name}` inside text is
 * replaced as text; maps and lists resolve item by item.
 */
export function resolveValue(value: unknown, playbook: Playbook, values: ParameterValues, isRootNeeded = false): Resolved {
	if (typeof value === 'string') {
		const whole = reference.exec(value);
		if (whole) {
			const name = whole[1]!;
			const parameter = playbook.parameters.find((p) => p.name === name);
			if (!parameter) throw new ParameterError(`playbook ${playbook.id} uses \${${name}} but declares no such parameter`);
			if (values[name] !== undefined) return {value: values[name]};
			if (parameter.required === 'never' || (parameter.required === 'when-root' && !isRootNeeded)) return {skip: true};
			return {missing: parameter};
		}
		let missing: Parameter | undefined;
		const text = value.replace(embedded, (_, name: string) => {
			if (values[name] !== undefined) return String(values[name]);
			missing ??= playbook.parameters.find((p) => p.name === name);
			return '';
		});
		return missing ? {missing} : {value: text};
	}
	if (Array.isArray(value)) {
		const out: unknown[] = [];
		for (const item of value) {
			const resolved = resolveValue(item, playbook, values, isRootNeeded);
			if ('missing' in resolved) return resolved;
			if ('value' in resolved) out.push(resolved.value);
		}
		return {value: out};
	}
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) {
			const resolved = resolveValue(item, playbook, values, isRootNeeded);
			if ('missing' in resolved) return resolved;
			if ('value' in resolved) out[key] = resolved.value;
		}
		return {value: out};
	}
	return {value};
}

/** Kubernetes quantities, enough to suggest limits: cpu in millicores, memory in bytes. */
export function parseQuantity(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(n|u|m|k|Ki|Mi|Gi|Ti|M|G|T)?$/.exec(text.trim());
	if (!match) return undefined;
	const scale: Record<string, number> = {n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4};
	return Number(match[1]) * (match[2] ? scale[match[2]]! : 1);
}

export function formatCpu(cores: number): string {
	const millis = Math.max(10, Math.ceil((cores * 1000) / 10) * 10);
	return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatMemory(bytes: number): string {
	const mebibytes = Math.max(16, Math.ceil(bytes / 1024 ** 2 / 16) * 16);
	return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}
