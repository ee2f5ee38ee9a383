import {celEnv, isCelError, isCelList, isCelMap, parse, plan, type CelInput, type CelValue} from '@bufbuild/cel';
import {strings} from '@bufbuild/cel/ext';

/**
 * CEL is the language Kubernetes uses for ValidatingAdmissionPolicy, so the same assertion can
 * audit a live cluster, a manifest and later block the same thing at admission.
 */
const env = celEnv({funcs: strings});

export type Bindings = Record<string, CelInput>;
export type Program = (bindings: Bindings) => {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly error: string};

export class CelSyntaxError extends Error {}

/** Parse and plan once per expression; evaluation is then cheap enough for 10,000 pods. */
export function compile(expression: string): Program {
	let evaluate: (bindings: Bindings) => unknown;
	try {
		evaluate = plan(env, parse(expression)) as (bindings: Bindings) => unknown;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new CelSyntaxError(message.replace(/^<input>:/, 'CEL '));
	}
	return (bindings) => {
		const value = evaluate(bindings);
		if (isCelError(value)) return {ok: false, error: value.message};
		return {ok: true, value};
	};
}

const converted = new WeakMap<object, CelInput>();

/**
 * JSON → CEL values: objects become maps and whole numbers become `int`, as Kubernetes' own CEL
 * sees them, so `runAsUser > 0` and `hostPort == 0` mean what they say. Objects are converted once.
 */
export function toCel(value: unknown): CelInput {
	if (value === null || value === undefined) return null;
	if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
	if (typeof value !== 'object') return value as CelInput;
	if (value instanceof Date) return value.toISOString();
	const cached = converted.get(value);
	if (cached !== undefined) return cached;
	let result: CelInput;
	if (Array.isArray(value)) {
		result = value.map((item) => toCel(item));
	} else {
		const map = new Map<string, CelInput>();
		for (const [key, item] of Object.entries(value)) {
			if (item !== undefined) map.set(key, toCel(item));
		}
		result = map;
	}
	converted.set(value, result);
	return result;
}

/** CEL values → plain JSON, for evidence and messages. */
export function fromCel(value: unknown): unknown {
	if (typeof value === 'bigint') return Number(value);
	if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
	if (Array.isArray(value)) return value.map(fromCel);
	if (isCelList(value as CelValue)) return [...(value as Iterable<unknown>)].map(fromCel);
	if (isCelMap(value as CelValue)) {
		const entries = (value as unknown as {entries(): Iterable<[unknown, unknown]>}).entries();
		return Object.fromEntries([...entries].map(([k, v]) => [String(k), fromCel(v)]));
	}
	return value;
}
