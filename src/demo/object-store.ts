import {createHash, randomUUID} from 'node:crypto';
import type {KubeObject} from '../model/kube.js';
import {splitApiVersion} from './resource-table.js';
import {clone} from './clone.js';

/** What the server works on: a stored object it may mutate after copying. */
export type MutableObject = {apiVersion: string; kind: string; metadata: MutableMetadata; [field: string]: unknown};
export type MutableMetadata = {name: string; namespace?: string; [field: string]: unknown};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type StoreEvent = {
	readonly type: WatchEventType;
	readonly resourceVersion: number;
	readonly bucket: string;
	readonly object: MutableObject;
};

export type ScanOptions = {
	readonly namespace?: string;
	/** Resume strictly after this key, as a continue token does. */
	readonly after?: string;
};

/** Keeps an event window this long so a watch can resume from a recent list. */
const historyLength = 5000;

/**
 * Objects by group and kind, each bucket a map plus a lazily sorted key array. The sort order is
 * etcd's (namespace/name, byte order), so one namespace is one contiguous range and a page is
 * a binary search plus a slice, however many pages a list takes.
 */
export class ObjectStore {
	#resourceVersion = 0;
	readonly #buckets = new Map<string, Bucket>();
	readonly #history: StoreEvent[] = [];
	readonly #listeners = new Set<(event: StoreEvent) => void>();

	constructor(objects: Iterable<KubeObject> = []) {
		for (const object of objects) this.#insert(clone(object) as MutableObject);
	}

	get resourceVersion(): number {
		return this.#resourceVersion;
	}

	/** The oldest resourceVersion a watch can still resume from. */
	get oldestWatchable(): number {
		return this.#history[0]?.resourceVersion ?? this.#resourceVersion;
	}

	/** A copy of one object, or undefined. */
	get(apiVersionOrGroup: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
		const object = this.peek(bucketName(groupOf(apiVersionOrGroup), kind), namespace, name);
		return object === undefined ? undefined : (clone(object) as KubeObject);
	}

	/** Finds by kind alone, whatever the group; convenient in tests. */
	find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
		for (const [bucket, entries] of this.#buckets) {
			if (!bucket.endsWith(`/${kind}`)) continue;
			const object = entries.objects.get(keyOf(namespace, name));
			if (object) return clone(object) as KubeObject;
		}
		return undefined;
	}

	/** Copies of every stored object, or of those of one kind. */
	all(kind?: string): KubeObject[] {
		const out: KubeObject[] = [];
		for (const [bucket, entries] of this.#buckets) {
			if (kind !== undefined && !bucket.endsWith(`/${kind}`)) continue;
			for (const object of entries.objects.values()) out.push(clone(object) as KubeObject);
		}
		return out;
	}

	/** Every stored object with its bucket, uncopied; collect before writing. */
	*entries(): Generator<readonly [bucket: string, object: MutableObject]> {
		for (const [bucket, entries] of this.#buckets) for (const object of entries.objects.values()) yield [bucket, object];
	}

	/** Stores a new or replacement object as a write would, giving it a new resourceVersion. */
	put(object: KubeObject): KubeObject {
		return clone(this.write(clone(object) as MutableObject)) as KubeObject;
	}

	remove(apiVersionOrGroup: string, kind: string, namespace: string | undefined, name: string): boolean {
		return this.delete(bucketName(groupOf(apiVersionOrGroup), kind), namespace, name) !== undefined;
	}

	/** The stored object itself; callers must copy before changing it. */
	peek(bucket: string, namespace: string | undefined, name: string): MutableObject | undefined {
		return this.#buckets.get(bucket)?.objects.get(keyOf(namespace, name));
	}

	/** Takes ownership of `object`. */
	write(object: MutableObject): MutableObject {
		const bucket = bucketName(groupOf(object.apiVersion), object.kind);
		const key = keyOf(object.metadata.namespace, object.metadata.name);
		const existing = this.#buckets.get(bucket)?.objects.get(key);
		const resourceVersion = ++this.#resourceVersion;
		object.metadata.resourceVersion = String(resourceVersion);
		if (!existing) {
			// A re-created object is a different object: clients tell them apart by uid.
			object.metadata.uid ??= randomUUID();
			fillDefaults(object);
		}
		this.#bucket(bucket).set(key, object);
		this.#emit({type: existing ? 'MODIFIED' : 'ADDED', resourceVersion, bucket, object});
		return object;
	}

	delete(bucket: string, namespace: string | undefined, name: string): MutableObject | undefined {
		const entries = this.#buckets.get(bucket);
		const key = keyOf(namespace, name);
		const existing = entries?.objects.get(key);
		if (!entries || !existing) return undefined;
		entries.delete(key);
		const resourceVersion = ++this.#resourceVersion;
		const object = {...existing, metadata: {...existing.metadata, resourceVersion: String(resourceVersion)}};
		this.#emit({type: 'DELETED', resourceVersion, bucket, object});
		return object;
	}

	/** Sorted keys with their objects, from a namespace range and after a key. */
	*scan(bucket: string, options: ScanOptions = {}): Generator<readonly [key: string, object: MutableObject, remaining: number]> {
		const entries = this.#buckets.get(bucket);
		if (!entries) return;
		const keys = entries.sortedKeys();
		const prefix = options.namespace === undefined ? '' : `${options.namespace}/`;
		let index = lowerBound(keys, prefix);
		const end = prefix === '' ? keys.length : lowerBound(keys, prefixEnd(prefix));
		if (options.after !== undefined) index = Math.max(index, upperBound(keys, options.after));
		for (; index < end; index++) {
			const key = keys[index]!;
			yield [key, entries.objects.get(key)!, end - index - 1];
		}
	}

	count(bucket: string): number {
		return this.#buckets.get(bucket)?.objects.size ?? 0;
	}

	/** Events after `resourceVersion`, or undefined when the window no longer reaches back that far. */
	eventsSince(resourceVersion: number): readonly StoreEvent[] | undefined {
		if (resourceVersion >= this.#resourceVersion) return [];
		const first = this.#history[0];
		if (!first || first.resourceVersion > resourceVersion + 1) return undefined;
		return this.#history.filter((e) => e.resourceVersion > resourceVersion);
	}

	subscribe(listener: (event: StoreEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#insert(object: MutableObject): void {
		object.metadata.resourceVersion = String(++this.#resourceVersion);
		fillDefaults(object);
		this.#bucket(bucketName(groupOf(object.apiVersion), object.kind)).set(keyOf(object.metadata.namespace, object.metadata.name), object);
	}

	#bucket(name: string): Bucket {
		let bucket = this.#buckets.get(name);
		if (!bucket) this.#buckets.set(name, (bucket = new Bucket()));
		return bucket;
	}

	#emit(event: StoreEvent): void {
		this.#history.push(event);
		if (this.#history.length > historyLength) this.#history.splice(0, this.#history.length - historyLength);
		for (const listener of this.#listeners) listener(event);
	}
}

class Bucket {
	readonly objects = new Map<string, MutableObject>();
	#sorted: string[] | undefined;

	set(key: string, object: MutableObject): void {
		if (!this.objects.has(key)) this.#sorted = undefined;
		this.objects.set(key, object);
	}

	delete(key: string): void {
		this.objects.delete(key);
		this.#sorted = undefined;
	}

	sortedKeys(): readonly string[] {
		return (this.#sorted ??= [...this.objects.keys()].sort(byteOrder));
	}
}

export function bucketName(group: string, kind: string): string {
	return `${group}/${kind}`;
}

export function keyOf(namespace: string | undefined, name: string): string {
	return namespace ? `${namespace}/${name}` : name;
}

function groupOf(apiVersionOrGroup: string): string {
	// A bare group ("apps") and a full apiVersion ("apps/v1") both name the group; "v1" is core.
	if (apiVersionOrGroup.includes('/')) return splitApiVersion(apiVersionOrGroup).group;
	return /^v\d+((alpha|beta)\d+)?$/.test(apiVersionOrGroup) ? '' : apiVersionOrGroup;
}

function fillDefaults(object: MutableObject): void {
	const metadata = object.metadata;
	metadata.uid ??= stableUid(object);
	metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	if (object.spec !== undefined) metadata.generation ??= 1;
}

/** A UUID derived from the object's identity, so fixtures and owner references agree across runs. */
export function stableUid(object: {readonly apiVersion: string; readonly kind: string; readonly metadata: {readonly name: string; readonly namespace?: string}}): string {
	const hex = createHash('sha1')
		.update(`${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`)
		.digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function byteOrder(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(keys: readonly string[], target: string): number {
	let lo = 0;
	let hi = keys.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (keys[mid]! < target) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function upperBound(keys: readonly string[], target: string): number {
	let lo = 0;
	let hi = keys.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (keys[mid]! <= target) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

// The smallest string greater than every string that starts with `prefix` ("ns/" → "ns0").
function prefixEnd(prefix: string): string {
	return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
