import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
import {celEnv, isCelError, isCelList, isCelMap, parse, plan, type CelInput, type CelValue} from '@bufbuild/cel';
import {strings} from '@bufbuild/cel/ext';
import {ParsedExprSchema} from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import {fromBinary, toBinary} from '@bufbuild/protobuf';
import {RE2JS} from '@bufbuild/re2';

/**
 * `matches()` with each pattern compiled once: the library compiles it on every call, and the
 * checks match the same few patterns against every unit, port and path of every node (the
 * largest part of node evaluation, and of the walkthrough's pauses while it runs).
 */
const patterns = new Map<string, {test(text: string): boolean}>();
function compiledPattern(pattern: string): {test(text: string): boolean} {
	let compiled = patterns.get(pattern);
	if (!compiled) {
		compiled = RE2JS.compile(pattern);
		// Patterns come from the catalogue and settings, a bounded set; a bound all the same.
		if (patterns.size >= 1000) patterns.clear();
		patterns.set(pattern, compiled);
	}
	return compiled;
}

/**
 * CEL is the language Kubernetes uses for ValidatingAdmissionPolicy, so the same assertion can
 * audit a live cluster, a manifest and later block the same thing at admission.
 */
const env = celEnv({funcs: strings, re2: {compile: compiledPattern}});

export type Bindings = Record<string, CelInput>;
export type Program = (bindings: Bindings) => {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly error: string};

export class CelSyntaxError extends Error {}

/**
 * The CEL parser costs milliseconds per expression, which for the whole catalogue would delay
 * every start-up by about a second. The build parses the shipped expressions once and stores
 * them (build/cel-cache.json); those are planned on first use. Any other expression (a check the
 * operator edited) is parsed at load, so a syntax error still stops the tool before it starts.
 */
export const celCacheFile = join(packageRoot, 'build', 'cel-cache.json');
let cache: Map<string, string> | undefined;
function parsedCache(): Map<string, string> {
	if (!cache) {
		cache = new Map();
		if (existsSync(celCacheFile)) {
			try {
				cache = new Map(Object.entries(JSON.parse(readFileSync(celCacheFile, 'utf8')) as Record<string, string>));
			} catch {
				// A damaged cache only costs speed.
			}
		}
	}
	return cache;
}

function parseExpression(expression: string) {
	try {
		return parse(expression);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new CelSyntaxError(message.replace(/^<input>:/, 'CEL '));
	}
}

/** The cache's serialised form of an expression, for the build step. */
export function serializeExpression(expression: string): string {
	return Buffer.from(toBinary(ParsedExprSchema, parseExpression(expression))).toString('base64');
}

/** Every expression compiled in this process, so the build can cache them. */
export const compiledExpressions = new Set<string>();

/** Parse (or take from the build cache) once; evaluation is then cheap enough for 10,000 pods. */
export function compile(expression: string): Program {
	compiledExpressions.add(expression);
	const cached = parsedCache().get(expression);
	const parsed = cached ? undefined : parseExpression(expression);
	let evaluate: ((bindings: Bindings) => unknown) | undefined;
	return (bindings) => {
		evaluate ??= plan(env, parsed ?? fromBinary(ParsedExprSchema, Buffer.from(cached!, 'base64'))) as (bindings: Bindings) => unknown;
		const value = evaluate(bindings);
		if (isCelError(value)) return {ok: false, error: value.message};
		return {ok: true, value};
	};
}

/**
 * A JSON object seen by CEL as a map, converted only where an expression looks: auditing 10,000
 * pods converts the few fields the checks read, not every status and annotation of every object.
 */
class JsonMap extends Map<string, CelInput> {
	readonly #object: Record<string, unknown>;
	constructor(object: Record<string, unknown>) {
		super();
		this.#object = object;
	}
	#present(key: string): boolean {
		return Object.hasOwn(this.#object, key) && this.#object[key] !== undefined;
	}
	override get(key: string): CelInput | undefined {
		return typeof key === 'string' && this.#present(key) ? toCel(this.#object[key]) : undefined;
	}
	override has(key: string): boolean {
		return typeof key === 'string' && this.#present(key);
	}
	override get size(): number {
		return this.#keys().length;
	}
	#keys(): string[] {
		return Object.keys(this.#object).filter((key) => this.#object[key] !== undefined);
	}
	override keys(): MapIterator<string> {
		return this.#keys()[Symbol.iterator]();
	}
	override *entries(): MapIterator<[string, CelInput]> {
		for (const key of this.#keys()) yield [key, toCel(this.#object[key])];
	}
	override *values(): MapIterator<CelInput> {
		for (const key of this.#keys()) yield toCel(this.#object[key]);
	}
	override forEach(callback: (value: CelInput, key: string, map: Map<string, CelInput>) => void, thisArg?: unknown): void {
		for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
	}
	override [Symbol.iterator](): MapIterator<[string, CelInput]> {
		return this.entries();
	}
}

const converted = new WeakMap<object, CelInput>();

/**
 * JSON → CEL values: objects become maps and whole numbers become `int`, as Kubernetes' own CEL
 * sees them, so `runAsUser > 0` and `hostPort == 0` mean what they say.
 */
export function toCel(value: unknown): CelInput {
	if (value === null || value === undefined) return null;
	if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
	if (typeof value !== 'object') return value as CelInput;
	if (value instanceof Date) return value.toISOString();
	if (value instanceof Map) return value as CelInput;
	const known = converted.get(value);
	if (known !== undefined) return known;
	const result: CelInput = Array.isArray(value) ? value.map((item) => toCel(item)) : new JsonMap(value as Record<string, unknown>);
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
