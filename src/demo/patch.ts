import {clone} from './clone.js';

/** A patch the server cannot apply; maps to 422 (or 400 for a malformed JSON patch). */
export class PatchError extends Error {
	constructor(
		message: string,
		readonly isMalformed = false,
	) {
		super(message);
	}
}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
	if (!isObject(patch)) return clone(patch);
	const result: JsonObject = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete result[key];
		else result[key] = mergePatch(result[key], value) as Json;
	}
	return result;
}

type Operation = {op: string; path: string; value?: Json; from?: string};

/** RFC 6902, all six operations; the document is copied, never changed in place. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
	if (!Array.isArray(operations)) throw new PatchError('a JSON patch must be an array of operations', true);
	let document = clone(target) as Json;
	for (const raw of operations as Operation[]) {
		if (!isObject(raw as unknown) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
			throw new PatchError('each JSON patch operation needs "op" and "path"', true);
		}
		switch (raw.op) {
			case 'add':
				document = add(document, parsePointer(raw.path), clone(requireValue(raw)));
				break;
			case 'remove':
				document = remove(document, parsePointer(raw.path));
				break;
			case 'replace':
				document = add(remove(document, parsePointer(raw.path)), parsePointer(raw.path), clone(requireValue(raw)));
				break;
			case 'move': {
				const from = parsePointer(requireFrom(raw));
				const value = get(document, from);
				document = add(remove(document, from), parsePointer(raw.path), value);
				break;
			}
			case 'copy':
				document = add(document, parsePointer(raw.path), clone(get(document, parsePointer(requireFrom(raw)))));
				break;
			case 'test':
				if (JSON.stringify(get(document, parsePointer(raw.path))) !== JSON.stringify(requireValue(raw))) {
					throw new PatchError(`testing value ${raw.path} failed`);
				}
				break;
			default:
				throw new PatchError(`unexpected kind: ${raw.op}`, true);
		}
	}
	return document;
}

/**
 * Strategic merge as the API server applies it to built-in kinds, for the fields where it differs
 * from a plain merge: lists of named things merge by their key, `$patch: delete|replace|merge`
 * directives, and primitive lists that merge (finalizers). `$setElementOrder` and `$retainKeys`
 * are accepted and ignored, which only affects ordering.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
	return strategicMerge(target, patch);
}

const mergeKeys: Readonly<Record<string, readonly string[]>> = {
	containers: ['name'],
	initContainers: ['name'],
	ephemeralContainers: ['name'],
	env: ['name'],
	volumes: ['name'],
	volumeMounts: ['mountPath'],
	volumeDevices: ['devicePath'],
	imagePullSecrets: ['name'],
	hostAliases: ['ip'],
	// Container ports merge on containerPort, Service ports on port; the element says which.
	ports: ['containerPort', 'port'],
	ownerReferences: ['uid'],
	conditions: ['type'],
	topologySpreadConstraints: ['topologyKey'],
	resourceClaims: ['name'],
	secrets: ['name'],
};

const mergedPrimitiveLists = new Set(['finalizers']);

function strategicMerge(target: unknown, patch: unknown): unknown {
	if (!isObject(patch)) return clone(patch);
	if (patch.$patch === 'replace') {
		const {$patch: _, ...rest} = patch;
		return stripDirectives(rest);
	}
	if (patch.$patch === 'delete') return undefined;
	const result: JsonObject = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
		if (key.startsWith('$deleteFromPrimitiveList/')) {
			const listName = key.slice('$deleteFromPrimitiveList/'.length);
			const current = result[listName];
			if (Array.isArray(current) && Array.isArray(value)) {
				const drop = new Set(value.map((v) => JSON.stringify(v)));
				result[listName] = current.filter((v) => !drop.has(JSON.stringify(v)));
			}
			continue;
		}
		if (value === null) {
			delete result[key];
			continue;
		}
		const merged = Array.isArray(value) ? mergeList(result[key], value, key) : strategicMerge(result[key], value);
		if (merged === undefined) delete result[key];
		else result[key] = merged as Json;
	}
	return result;
}

function mergeList(target: unknown, patch: Json[], field: string): unknown {
	const current = Array.isArray(target) ? target : [];
	if (mergedPrimitiveLists.has(field)) {
		const seen = new Set(current.map((v) => JSON.stringify(v)));
		return [...current, ...patch.filter((v) => !seen.has(JSON.stringify(v)))];
	}
	const keys = mergeKeys[field];
	if (!keys || patch.some((element) => !isObject(element))) return stripDirectives(patch);
	if (patch.some((element) => isObject(element) && element.$patch === 'replace')) {
		return stripDirectives(patch.filter((element) => !(isObject(element) && element.$patch === 'replace')));
	}
	const result: Json[] = [...current];
	for (const element of patch as JsonObject[]) {
		const key = keys.find((k) => element[k] !== undefined);
		if (key === undefined) throw new PatchError(`map: ${JSON.stringify(element)} does not contain declared merge key: ${keys[0]}`);
		const index = result.findIndex((existing) => isObject(existing) && JSON.stringify(existing[key]) === JSON.stringify(element[key]));
		if (element.$patch === 'delete') {
			if (index >= 0) result.splice(index, 1);
			continue;
		}
		if (index >= 0) result[index] = strategicMerge(result[index], element) as Json;
		else result.push(stripDirectives(element) as Json);
	}
	return result;
}

function stripDirectives(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripDirectives);
	if (!isObject(value)) return value;
	const out: JsonObject = {};
	for (const [key, child] of Object.entries(value)) {
		if (key.startsWith('$') || child === null) continue;
		out[key] = stripDirectives(child) as Json;
	}
	return out;
}

function parsePointer(pointer: string): string[] {
	if (pointer === '') return [];
	if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`, true);
	return pointer
		.slice(1)
		.split('/')
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(document: Json, path: readonly string[]): Json {
	let current: Json | undefined = document;
	for (const part of path) {
		if (Array.isArray(current)) current = current[arrayIndex(part, current.length - 1)];
		else if (isObject(current)) current = current[part];
		else current = undefined;
		if (current === undefined) throw new PatchError(`doc is missing path: /${path.join('/')}`);
	}
	return current;
}

function add(document: Json, path: readonly string[], value: Json): Json {
	if (path.length === 0) return value;
	const parent = get(document, path.slice(0, -1));
	const last = path[path.length - 1]!;
	if (Array.isArray(parent)) {
		const index = last === '-' ? parent.length : arrayIndex(last, parent.length);
		parent.splice(index, 0, value);
	} else if (isObject(parent)) {
		parent[last] = value;
	} else {
		throw new PatchError(`doc is missing path: /${path.join('/')}`);
	}
	return document;
}

function remove(document: Json, path: readonly string[]): Json {
	if (path.length === 0) return null;
	const parent = get(document, path.slice(0, -1));
	const last = path[path.length - 1]!;
	if (Array.isArray(parent)) {
		parent.splice(arrayIndex(last, parent.length - 1), 1);
	} else if (isObject(parent) && last in parent) {
		delete parent[last];
	} else {
		throw new PatchError(`unable to remove nonexistent key: ${last}: missing value`);
	}
	return document;
}

function arrayIndex(part: string, max: number): number {
	const index = /^(0|[1-9]\d*)$/.test(part) ? Number(part) : Number.NaN;
	if (!(index >= 0 && index <= max)) throw new PatchError(`Unable to access invalid index: ${part}`);
	return index;
}

function requireValue(operation: Operation): Json {
	if (!('value' in operation)) throw new PatchError(`missing value for "${operation.op}" at ${operation.path}`, true);
	return operation.value as Json;
}

function requireFrom(operation: Operation): string {
	if (typeof operation.from !== 'string') throw new PatchError(`missing from for "${operation.op}"`, true);
	return operation.from;
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
