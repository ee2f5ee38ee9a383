import type {KubeObject, OwnerReference} from '../model/kube.js';

type Json = Record<string, unknown>;

export const containerLists = ['containers', 'initContainers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof containerLists)[number];

export type ContainerRef = {
	readonly container: Json;
	readonly list: ContainerList;
	/** Object path of the container, as an auditor would look it up (`spec.template.spec.containers[0]`). */
	readonly path: string;
	/** Set when the container lives on a Pod that is reported against its controller (kubectl debug). */
	readonly fromPod?: string;
};

/** One thing that runs pods, reported once: the top controller, never its ReplicaSets or Pods. */
export type Workload = {
	readonly object: KubeObject;
	readonly podSpec: Json;
	readonly podSpecPath: string;
	/** The pod's metadata: the Pod's own, or the template's (annotations are read by PSA). */
	readonly podMetadata: Json;
	readonly containers: readonly ContainerRef[];
};

const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
	Pod: ['spec'],
	Deployment: ['spec', 'template', 'spec'],
	StatefulSet: ['spec', 'template', 'spec'],
	DaemonSet: ['spec', 'template', 'spec'],
	ReplicaSet: ['spec', 'template', 'spec'],
	ReplicationController: ['spec', 'template', 'spec'],
	Job: ['spec', 'template', 'spec'],
	CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function podSpecOf(object: KubeObject): {spec: Json; path: string} | undefined {
	const path = podSpecPaths[object.kind];
	if (!path) return undefined;
	let node: unknown = object;
	for (const key of path) node = (node as Json | undefined)?.[key];
	if (!node || typeof node !== 'object') return undefined;
	return {spec: node as Json, path: path.join('.')};
}

/** The metadata beside the pod spec: a Pod's own, a template's `metadata` (possibly absent). */
export function podMetadataOf(object: KubeObject): Json {
	const path = podSpecPaths[object.kind];
	if (!path) return {};
	let node: unknown = object;
	for (const key of [...path.slice(0, -1), 'metadata']) node = (node as Json | undefined)?.[key];
	return node && typeof node === 'object' ? (node as Json) : {};
}

function key(kind: string, namespace: string | undefined, name: string): string {
	return `${kind}/${namespace ?? ''}/${name}`;
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
	const owners = object.metadata.ownerReferences ?? [];
	return owners.find((owner) => owner.controller) ?? owners[0];
}

/**
 * Every pod-template object, deduplicated to the top controller we can see: a Pod owned by a
 * ReplicaSet owned by a Deployment is the Deployment. An owner we did not list (an operator's
 * custom resource, or a Node for static pods) leaves the object as the top.
 */
export function collectWorkloads(objects: Iterable<KubeObject>): Workload[] {
	const all: KubeObject[] = [];
	const byUid = new Map<string, KubeObject>();
	const byKey = new Map<string, KubeObject>();
	for (const object of objects) {
		if (!podSpecPaths[object.kind]) continue;
		all.push(object);
		if (object.metadata.uid) byUid.set(object.metadata.uid, object);
		byKey.set(key(object.kind, object.metadata.namespace, object.metadata.name), object);
	}
	const ownerOf = (object: KubeObject): KubeObject | undefined => {
		const ref = controllerOf(object);
		if (!ref) return undefined;
		const owner = (ref.uid ? byUid.get(ref.uid) : undefined) ?? byKey.get(key(ref.kind, object.metadata.namespace, ref.name));
		return owner === object ? undefined : owner;
	};
	const topOf = (object: KubeObject): KubeObject => {
		let current = object;
		for (let depth = 0; depth < 8; depth++) {
			const owner = ownerOf(current);
			if (!owner) return current;
			current = owner;
		}
		return current;
	};

	const tops = new Map<KubeObject, {podSpec: Json; podSpecPath: string; podMetadata: Json; containers: ContainerRef[]; names: Set<string>}>();
	const entryFor = (object: KubeObject) => {
		let entry = tops.get(object);
		if (!entry) {
			const found = podSpecOf(object);
			if (!found) return undefined;
			entry = {podSpec: found.spec, podSpecPath: found.path, podMetadata: podMetadataOf(object), containers: [], names: new Set()};
			for (const list of containerLists) {
				const items = found.spec[list];
				if (!Array.isArray(items)) continue;
				items.forEach((container: Json, index) => {
					entry!.containers.push({container, list, path: `${found.path}.${list}[${index}]`});
					entry!.names.add(`${list}/${String(container['name'])}`);
				});
			}
			tops.set(object, entry);
		}
		return entry;
	};

	for (const object of all) {
		const top = topOf(object);
		if (top === object) {
			entryFor(object);
			continue;
		}
		// Ephemeral containers exist only on Pods; report them against the controller.
		if (object.kind !== 'Pod') continue;
		const ephemeral = (object as {spec?: Json}).spec?.['ephemeralContainers'];
		if (!Array.isArray(ephemeral) || ephemeral.length === 0) continue;
		const entry = entryFor(top);
		if (!entry) continue;
		ephemeral.forEach((container: Json, index) => {
			const id = `ephemeralContainers/${String(container['name'])}`;
			if (entry.names.has(id)) return;
			entry.names.add(id);
			entry.containers.push({container, list: 'ephemeralContainers', path: `spec.ephemeralContainers[${index}]`, fromPod: object.metadata.name});
		});
	}
	return [...tops].map(([object, entry]) => ({object, podSpec: entry.podSpec, podSpecPath: entry.podSpecPath, podMetadata: entry.podMetadata, containers: entry.containers}));
}
