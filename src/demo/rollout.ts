import {createHash} from 'node:crypto';
import {bucketName, stableUid, type MutableObject, type ObjectStore} from './object-store.js';
import {clone} from './clone.js';

/**
 * A stand-in for the controllers: after a workload is written, its pods (and a Deployment's
 * ReplicaSets) are made to match the new template at once, so a fix that is applied and then
 * re-verified sees running pods with the new spec, and rollout status reads as complete.
 */
export function reconcile(store: ObjectStore, object: MutableObject, previous: MutableObject | undefined): void {
	if (previous && JSON.stringify(previous.spec) === JSON.stringify(object.spec)) return;
	switch (`${object.apiVersion}/${object.kind}`) {
		case 'apps/v1/Deployment':
			return reconcileDeployment(store, object);
		case 'apps/v1/ReplicaSet':
		case 'v1/ReplicationController':
			return reconcileReplicas(store, object);
		case 'apps/v1/StatefulSet':
			return reconcileStatefulSet(store, object);
		case 'apps/v1/DaemonSet':
			return reconcileDaemonSet(store, object);
	}
}

/** A controller replaces a pod it owns that was deleted, as a real one would within seconds. */
export function replaceDeletedPod(store: ObjectStore, pod: MutableObject): void {
	const ref = ((pod.metadata.ownerReferences ?? []) as Array<{apiVersion?: string; kind?: string; name?: string; controller?: boolean}>).find((r) => r.controller);
	if (!ref?.kind || !ref.name || !ref.apiVersion) return;
	const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0]! : '';
	const owner = store.peek(bucketName(group, ref.kind), pod.metadata.namespace, ref.name);
	if (owner) reconcile(store, owner, undefined);
}

/** Status a finished rollout would show, from the spec alone. */
export function settleWorkloadStatus(object: MutableObject): void {
	const spec = (object.spec ?? {}) as Record<string, any>;
	const status = ((object.status as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
	const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
	const generation = object.metadata.generation;
	switch (object.kind) {
		case 'Deployment':
			Object.assign(status, {observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas});
			if (replicas === 0) for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas']) delete status[k];
			status.conditions = [
				condition('Available', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
				condition('Progressing', 'NewReplicaSetAvailable', `Deployment "${object.metadata.name}" has successfully progressed.`),
			];
			break;
		case 'ReplicaSet':
		case 'ReplicationController':
			Object.assign(status, {observedGeneration: generation, replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas});
			break;
		case 'StatefulSet': {
			const revision = `${object.metadata.name}-${templateHash(spec.template)}`;
			Object.assign(status, {
				observedGeneration: generation,
				replicas,
				readyReplicas: replicas,
				currentReplicas: replicas,
				updatedReplicas: replicas,
				availableReplicas: replicas,
				currentRevision: revision,
				updateRevision: revision,
			});
			break;
		}
		case 'DaemonSet': {
			const desired = typeof status.desiredNumberScheduled === 'number' ? status.desiredNumberScheduled : 0;
			Object.assign(status, {
				observedGeneration: generation,
				currentNumberScheduled: desired,
				numberReady: desired,
				updatedNumberScheduled: desired,
				numberAvailable: desired,
				numberMisscheduled: 0,
			});
			break;
		}
		default:
			return;
	}
	object.status = status;
}

function reconcileDeployment(store: ObjectStore, deployment: MutableObject): void {
	const spec = deployment.spec as Record<string, any>;
	const namespace = deployment.metadata.namespace;
	const owned = ownedBy(store, 'apps', 'ReplicaSet', deployment);
	const wanted = canonical(spec.template);
	let current = owned.find((rs) => canonical(withoutHashLabel((rs.spec as any)?.template)) === wanted);
	const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
	for (const old of owned) {
		if (old === current || (old.spec as any)?.replicas === 0) continue;
		const scaledDown = clone(old) as MutableObject & {spec: any};
		scaledDown.spec.replicas = 0;
		settleWorkloadStatus(scaledDown);
		reconcileReplicas(store, store.write(scaledDown));
	}
	const hash = templateHash(spec.template);
	const template = clone(spec.template ?? {});
	template.metadata = {...template.metadata, labels: {...template.metadata?.labels, 'pod-template-hash': hash}};
	const next: MutableObject = current
		? clone(current)
		: {
				apiVersion: 'apps/v1',
				kind: 'ReplicaSet',
				metadata: {
					name: `${deployment.metadata.name}-${hash}`,
					...(namespace !== undefined ? {namespace} : {}),
					labels: template.metadata.labels,
					annotations: {'deployment.kubernetes.io/revision': String(owned.length + 1)},
					ownerReferences: [controllerRef(deployment)],
					creationTimestamp: now(),
					generation: 1,
				},
				spec: {
					replicas,
					selector: {matchLabels: {...spec.selector?.matchLabels, 'pod-template-hash': hash}},
					template,
				},
			};
	(next.spec as any).replicas = replicas;
	settleWorkloadStatus(next);
	current = store.write(next);
	reconcileReplicas(store, current);
}

function reconcileReplicas(store: ObjectStore, owner: MutableObject): void {
	const spec = owner.spec as Record<string, any>;
	const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
	const pods = ownedBy(store, '', 'Pod', owner);
	const wanted = canonical(withoutHashLabel(spec.template)?.spec);
	const keep = pods.filter((pod) => canonical(podTemplateSpec(pod)) === wanted).slice(0, replicas);
	const nodes = pods.map((pod) => (pod.spec as any)?.nodeName).filter(Boolean) as string[];
	for (const pod of pods) if (!keep.includes(pod)) deletePod(store, pod);
	for (let i = keep.length; i < replicas; i++) {
		const node = nodes[i % Math.max(nodes.length, 1)] ?? pickNodes(store, spec.template)[i % Math.max(pickNodes(store, spec.template).length, 1)];
		store.write(newPod(owner, `${owner.metadata.name}-${suffix(`${owner.metadata.name}/${i}/${store.resourceVersion}`)}`, spec.template, node));
	}
}

function reconcileStatefulSet(store: ObjectStore, set: MutableObject): void {
	const spec = set.spec as Record<string, any>;
	const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
	const wanted = canonical(spec.template?.spec);
	const pods = ownedBy(store, '', 'Pod', set);
	const nodes = pickNodes(store, spec.template);
	for (const pod of pods) {
		const ordinal = Number(pod.metadata.name.slice(set.metadata.name.length + 1));
		if (ordinal >= replicas || canonical(podTemplateSpec(pod)) !== wanted) deletePod(store, pod);
	}
	for (let i = 0; i < replicas; i++) {
		const name = `${set.metadata.name}-${i}`;
		if (store.peek(bucketName('', 'Pod'), set.metadata.namespace, name)) continue;
		const previous = pods.find((p) => p.metadata.name === name);
		store.write(newPod(set, name, spec.template, (previous?.spec as any)?.nodeName ?? nodes[i % Math.max(nodes.length, 1)]));
	}
}

function reconcileDaemonSet(store: ObjectStore, set: MutableObject): void {
	const spec = set.spec as Record<string, any>;
	const wanted = canonical(spec.template?.spec);
	const nodes = pickNodes(store, spec.template);
	const pods = ownedBy(store, '', 'Pod', set);
	const covered = new Set<string>();
	for (const pod of pods) {
		const node = (pod.spec as any)?.nodeName as string | undefined;
		if (node && nodes.includes(node) && canonical(podTemplateSpec(pod)) === wanted && !covered.has(node)) covered.add(node);
		else deletePod(store, pod);
	}
	for (const node of nodes) {
		if (!covered.has(node)) store.write(newPod(set, `${set.metadata.name}-${suffix(`${set.metadata.name}/${node}/${store.resourceVersion}`)}`, spec.template, node));
	}
	const status = clone(store.peek(bucketName('apps', 'DaemonSet'), set.metadata.namespace, set.metadata.name)) as MutableObject;
	if (!status) return;
	status.status = {...(status.status as object), desiredNumberScheduled: nodes.length};
	settleWorkloadStatus(status);
	store.write(status);
}

function newPod(owner: MutableObject, name: string, template: any, nodeName: string | undefined): MutableObject {
	const spec = clone(template?.spec ?? {});
	if (nodeName) spec.nodeName = nodeName;
	const containers: any[] = spec.containers ?? [];
	const namespace = owner.metadata.namespace;
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			...(namespace !== undefined ? {namespace} : {}),
			labels: {...template?.metadata?.labels},
			...(template?.metadata?.annotations ? {annotations: {...template.metadata.annotations}} : {}),
			ownerReferences: [controllerRef(owner)],
			creationTimestamp: now(),
		},
		spec,
		status: {
			phase: 'Running',
			conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({type, status: 'True', lastTransitionTime: now()})),
			hostIP: '10.0.0.5',
			podIP: `10.244.${1 + (hashNumber(name) % 3)}.${2 + (hashNumber(name) % 250)}`,
			startTime: now(),
			qosClass: containers.every((c) => c.resources?.limits) ? 'Guaranteed' : containers.some((c) => c.resources) ? 'Burstable' : 'BestEffort',
			containerStatuses: containers.map((c) => ({
				name: c.name,
				image: c.image,
				imageID: '',
				containerID: `containerd://${createHash('sha256').update(`${name}/${c.name}`).digest('hex')}`,
				ready: true,
				started: true,
				restartCount: 0,
				state: {running: {startedAt: now()}},
			})),
		},
	};
}

function deletePod(store: ObjectStore, pod: MutableObject): void {
	store.delete(bucketName('', 'Pod'), pod.metadata.namespace, pod.metadata.name);
}

function ownedBy(store: ObjectStore, group: string, kind: string, owner: MutableObject): MutableObject[] {
	const uid = owner.metadata.uid;
	const out: MutableObject[] = [];
	for (const [, object] of store.scan(bucketName(group, kind), {namespace: owner.metadata.namespace})) {
		const refs = (object.metadata.ownerReferences ?? []) as Array<{uid?: string; controller?: boolean}>;
		if (refs.some((r) => r.uid === uid && r.controller)) out.push(object);
	}
	return out;
}

/** Linux or Windows nodes the template's nodeSelector allows, skipping tainted control planes it does not tolerate. */
function pickNodes(store: ObjectStore, template: any): string[] {
	const selector: Record<string, string> = template?.spec?.nodeSelector ?? {};
	const tolerations: any[] = template?.spec?.tolerations ?? [];
	const out: string[] = [];
	for (const [, node] of store.scan(bucketName('', 'Node'))) {
		const labels = (node.metadata.labels ?? {}) as Record<string, string>;
		if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
		const taints: any[] = (node.spec as any)?.taints ?? [];
		const isTolerated = taints.every((t) =>
			tolerations.some((tol) => (tol.operator === 'Exists' && (tol.key === undefined || tol.key === t.key)) || (tol.key === t.key && tol.value === t.value)),
		);
		if (isTolerated) out.push(node.metadata.name);
	}
	return out;
}

function podTemplateSpec(pod: MutableObject): unknown {
	const {nodeName: _n, ephemeralContainers: _e, ...rest} = (pod.spec ?? {}) as Record<string, unknown>;
	return rest;
}

function withoutHashLabel(template: any): any {
	if (!template?.metadata?.labels?.['pod-template-hash']) return template;
	const {'pod-template-hash': _h, ...labels} = template.metadata.labels;
	return {...template, metadata: {...template.metadata, labels}};
}

export function controllerRef(owner: MutableObject): Record<string, unknown> {
	return {
		apiVersion: owner.apiVersion,
		kind: owner.kind,
		name: owner.metadata.name,
		uid: owner.metadata.uid ?? stableUid(owner),
		controller: true,
		blockOwnerDeletion: true,
	};
}

/** JSON with sorted keys, so two equal templates compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
	);
}

export function templateHash(template: unknown): string {
	return suffix(canonical(withoutHashLabel(template)), 10);
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The consonant-and-digit suffixes Kubernetes uses in generated names, derived from `seed`. */
export function suffix(seed: string, length = 5): string {
	const digest = createHash('sha256').update(seed).digest();
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[digest[i]! % alphabet.length];
	return out;
}

function hashNumber(seed: string): number {
	return createHash('sha256').update(seed).digest().readUInt32BE(0);
}

function condition(type: string, reason: string, message: string) {
	return {type, status: 'True', reason, message, lastUpdateTime: now(), lastTransitionTime: now()};
}

function now(): string {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
