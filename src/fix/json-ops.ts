/** Small JSON helpers shared by the planners: paths, deep get/set, RFC 7386 merge, RFC 6902 diff. */
export type Json = Record<string, unknown>;
export type Path = ReadonlyArray<string | number>;

export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getIn(root: unknown, path: Path): unknown {
	let node = root;
	for (const key of path) {
		if (node === null || typeof node !== 'object') return undefined;
		node = (node as Record<string | number, unknown>)[key];
	}
	return node;
}

/** Sets a value, creating maps on the way; the caller owns `root` (a clone). */
export function setIn(root: Json, path: Path, value: unknown): void {
	let node: Record<string | number, unknown> = root;
	path.slice(0, -1).forEach((key, index) => {
		const next = node[key];
		if (next === null || typeof next !== 'object') node[key] = typeof path[index + 1] === 'number' ? [] : {};
		node = node[key] as Record<string | number, unknown>;
	});
	node[path[path.length - 1]!] = value;
}

/** Deletes a value and any map left empty by it, so an edit never leaves `securityContext: {}` behind. */
export function deleteIn(root: Json, path: Path): void {
	const parents: Array<[Record<string | number, unknown>, string | number]> = [];
	let node: unknown = root;
	for (const key of path.slice(0, -1)) {
		if (!isObject(node) && !Array.isArray(node)) return;
		parents.push([node as Record<string | number, unknown>, key]);
		node = (node as Record<string | number, unknown>)[key];
	}
	if (!isObject(node)) return;
	delete node[path[path.length - 1]!];
	for (let i = parents.length - 1; i >= 0; i--) {
		const [parent, key] = parents[i]!;
		const child = parent[key];
		if (isObject(child) && Object.keys(child).length === 0 && !Array.isArray(parent)) delete parent[key];
		else break;
	}
}

export function splitPath(dotted: string): string[] {
	return dotted.split('.');
}

/** RFC 7386 merge patch: maps merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
	if (!isObject(patch)) return structuredClone(patch);
	const result: Json = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete result[key];
		else result[key] = mergePatch(result[key], value);
	}
	return result;
}

export type JsonPatchOp =
	| {readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown}
	| {readonly op: 'remove'; readonly path: string};

function pointer(path: Path): string {
	return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * The JSON patch that turns `from` into `to`. Lists of the same length are compared item by
 * item, others are replaced whole: undo applies it only to an object whose digest proves it is
 * still exactly `from`, so positions cannot have moved.
 */
export function jsonDiff(from: unknown, to: unknown, path: Path = []): JsonPatchOp[] {
	if (JSON.stringify(from) === JSON.stringify(to)) return [];
	if (isObject(from) && isObject(to)) {
		const ops: JsonPatchOp[] = [];
		for (const key of Object.keys(from)) {
			if (!(key in to) || to[key] === undefined) ops.push({op: 'remove', path: pointer([...path, key])});
		}
		for (const [key, value] of Object.entries(to)) {
			if (value === undefined) continue;
			if (!(key in from) || from[key] === undefined) ops.push({op: 'add', path: pointer([...path, key]), value});
			else ops.push(...jsonDiff(from[key], value, [...path, key]));
		}
		return ops;
	}
	if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
		return from.flatMap((item, index) => jsonDiff(item, to[index], [...path, index]));
	}
	return [{op: 'replace', path: pointer(path), value: to}];
}

/** Leaf-level differences as (path, value | delete): what the manifest editor writes into YAML. */
export type LeafOp = {readonly path: Path; readonly value?: unknown; readonly isDelete?: boolean};

export function leafOps(from: unknown, to: unknown, path: Path = []): LeafOp[] {
	if (JSON.stringify(from) === JSON.stringify(to)) return [];
	if (isObject(from) && isObject(to)) {
		const ops: LeafOp[] = [];
		for (const key of Object.keys(from)) if (!(key in to)) ops.push({path: [...path, key], isDelete: true});
		for (const [key, value] of Object.entries(to)) ops.push(...leafOps(from[key], value, [...path, key]));
		return ops;
	}
	// Lists of the same length are edited item by item, so one container's change leaves the others' lines alone.
	if (Array.isArray(from) && Array.isArray(to) && from.length === to.length && to.some((item) => isObject(item))) {
		return from.flatMap((item, index) => leafOps(item, to[index], [...path, index]));
	}
	return [{path, value: to}];
}

/** A strategic-merge fragment from two versions of a map: changed keys, null for removed ones. */
export function mergeFragment(from: Json, to: Json): Json {
	const fragment: Json = {};
	for (const key of Object.keys(from)) if (!(key in to)) fragment[key] = null;
	for (const [key, value] of Object.entries(to)) {
		if (JSON.stringify(from[key]) === JSON.stringify(value)) continue;
		fragment[key] = isObject(from[key]) && isObject(value) ? mergeFragment(from[key] as Json, value) : value;
	}
	return fragment;
}
