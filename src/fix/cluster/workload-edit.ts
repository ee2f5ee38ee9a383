import type {KubeObject} from '../../model/kube.js';
import {effectiveSecurityContext} from '../../engine/security-context.js';
import {podSpecOf} from '../../engine/workloads.js';
import {deleteIn, getIn, isObject, leafOps, mergeFragment, setIn, splitPath, type Json, type LeafOp, type Path} from '../json-ops.js';
import {resolveValue, type ParameterValues} from '../parameters.js';
import type {Parameter, Playbook, WorkloadPatch} from '../playbook.js';

/** Controllers whose pod template may be patched; the finding's target is already the top one. */
const patchable = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'CronJob']);

export type WorkloadEditRequest = {
	readonly playbook: Playbook;
	/** The finding's container; absent for workload-scope checks. */
	readonly container?: string;
	readonly values: ParameterValues;
};

export type WorkloadEdit =
	| {
			readonly ok: true;
			readonly after: KubeObject;
			/** Strategic merge patch, containers keyed by name so other containers stay untouched. */
			readonly patch: Json;
			/** The same change as leaf edits from the object root, for manifest files. */
			readonly ops: readonly LeafOp[];
	  }
	| {readonly ok: false; readonly status: 'refused' | 'needs-parameters' | 'error'; readonly reason: string; readonly missing?: readonly Parameter[]};

/** Why a kind cannot be fixed through its pod template, or undefined when it can. */
export function refusalFor(object: KubeObject): string | undefined {
	if (patchable.has(object.kind)) return undefined;
	if (object.kind === 'Pod') {
		return 'a bare Pod has no controller to patch, and a running Pod\'s securityContext cannot be changed: fix its manifest and recreate it (or run it from a Deployment)';
	}
	if (object.kind === 'Job') return 'a Job\'s pod template cannot be changed once created: fix the manifest (or the CronJob that creates it) for the next run';
	return `${object.kind} is not a workload aks-harden patches`;
}

type ContainerSlot = {readonly list: 'containers' | 'initContainers'; readonly index: number};

function findContainer(podSpec: Json, name: string): ContainerSlot | undefined {
	for (const list of ['containers', 'initContainers'] as const) {
		const items = podSpec[list];
		if (!Array.isArray(items)) continue;
		const index = items.findIndex((item) => isObject(item) && item['name'] === name);
		if (index >= 0) return {list, index};
	}
	return undefined;
}

/**
 * Applies workload-patch steps to a local copy of the controller: pure, no I/O. Several
 * playbooks (privileged, capabilities, seccomp…) compose onto one object, so a workload gets
 * one patch, one dry-run and one rollout instead of one per finding.
 */
export function editWorkload(object: KubeObject, requests: readonly WorkloadEditRequest[]): WorkloadEdit {
	const refusal = refusalFor(object);
	if (refusal) return {ok: false, status: 'refused', reason: refusal};
	const found = podSpecOf(object);
	if (!found) return {ok: false, status: 'error', reason: `${object.kind} ${object.metadata.name} has no pod template`};
	const podPath = splitPath(found.path);
	const after = structuredClone(object) as unknown as Json;
	const missing: Parameter[] = [];
	for (const request of requests) {
		for (const step of request.playbook.steps) {
			if (step.type !== 'workload-patch') continue;
			const podSpec = getIn(after, podPath) as Json;
			let base: Path = podPath;
			let effective: Json = {};
			if (step.level === 'container') {
				if (!request.container) return {ok: false, status: 'error', reason: `playbook ${request.playbook.id} edits a container but the finding names none`};
				const slot = findContainer(podSpec, request.container);
				if (!slot) {
					return {
						ok: false,
						status: 'refused',
						reason: `container ${request.container} is not in the pod template of ${object.kind} ${object.metadata.name}: an ephemeral debug container lives on one Pod only; delete that Pod instead`,
					};
				}
				base = [...podPath, slot.list, slot.index];
				effective = effectiveSecurityContext(podSpec, getIn(after, base) as Json);
			}
			// An explicit uid 0 must be replaced; otherwise runAsNonRoot alone passes and the image's USER applies.
			const isRoot = effective['runAsUser'] === 0;
			const problem = applyStep(after, base, step, request, isRoot, missing);
			if (problem) return {ok: false, status: 'error', reason: problem};
		}
	}
	if (missing.length) {
		const unique = [...new Map(missing.map((parameter) => [parameter.name, parameter])).values()];
		return {ok: false, status: 'needs-parameters', reason: `needs ${unique.map((p) => p.name).join(', ')}`, missing: unique};
	}
	const afterObject = after as unknown as KubeObject;
	return {ok: true, after: afterObject, patch: strategicPatch(object, afterObject, podPath), ops: leafOps(object, afterObject)};
}

function applyStep(target: Json, base: Path, step: WorkloadPatch, request: WorkloadEditRequest, isRoot: boolean, missing: Parameter[]): string | undefined {
	const write = (entries: Record<string, unknown>, onlyIfAbsent: boolean) => {
		for (const [field, raw] of Object.entries(entries)) {
			const path = [...base, ...splitPath(field)];
			if (onlyIfAbsent && getIn(target, path) !== undefined) continue;
			const resolved = resolveValue(raw, request.playbook, request.values, isRoot);
			if ('missing' in resolved) missing.push(resolved.missing);
			else if ('value' in resolved) setIn(target, path, resolved.value);
		}
	};
	write(step.set, false);
	write(step.fill, true);
	for (const [field, rule] of Object.entries(step.replace)) {
		const path = [...base, ...splitPath(field)];
		const current = getIn(target, path);
		const same = (value: unknown) => JSON.stringify(value) === JSON.stringify(current);
		const wrong = rule.when ? current !== undefined && rule.when.some(same) : !(current !== undefined && rule.unless!.some(same));
		if (!wrong) continue;
		if (rule.with === null) {
			deleteIn(target, path);
			continue;
		}
		// The value is resolved only where it is written: a uid is asked for only where 0 is set.
		const resolved = resolveValue(rule.with, request.playbook, request.values, true);
		if ('missing' in resolved) missing.push(resolved.missing);
		else if ('value' in resolved) setIn(target, path, resolved.value);
	}
	for (const field of step.unset) deleteIn(target, [...base, ...splitPath(field)]);
	for (const [field, allowed] of Object.entries(step.keep)) {
		const path = [...base, ...splitPath(field)];
		const list = getIn(target, path);
		if (list === undefined) continue;
		if (!Array.isArray(list)) return `${field} is not a list`;
		// `cap_net_bind_service` means NET_BIND_SERVICE to the runtime, but PSA accepts only that spelling.
		const name = (value: unknown) => String(value).toUpperCase().replace(/^CAP_/, '');
		const kept = [...new Set(list.flatMap((item) => allowed.filter((value) => name(value) === name(item))))];
		if (kept.length) setIn(target, path, kept);
		else deleteIn(target, path);
	}
	return undefined;
}

/**
 * The strategic merge patch for what changed in the pod template: a container entry carries its
 * name (the merge key) and only the fields that changed, so the API server merges it into that
 * container and leaves the others as they are.
 */
function strategicPatch(before: KubeObject, after: KubeObject, podPath: readonly string[]): Json {
	const beforeSpec = getIn(before, podPath) as Json;
	const afterSpec = getIn(after, podPath) as Json;
	const fragment: Json = {};
	for (const [key, value] of Object.entries(afterSpec)) {
		if (key === 'containers' || key === 'initContainers') continue;
		if (JSON.stringify(beforeSpec[key]) !== JSON.stringify(value)) fragment[key] = isObject(beforeSpec[key]) && isObject(value) ? mergeFragment(beforeSpec[key] as Json, value) : value;
	}
	for (const key of Object.keys(beforeSpec)) if (!(key in afterSpec)) fragment[key] = null;
	for (const list of ['containers', 'initContainers'] as const) {
		const beforeList = (beforeSpec[list] ?? []) as Json[];
		const afterList = (afterSpec[list] ?? []) as Json[];
		const entries: Json[] = [];
		afterList.forEach((container, index) => {
			const previous = beforeList[index] ?? {};
			const changed = mergeFragment(previous, container);
			if (Object.keys(changed).length) entries.push({name: container['name'], ...changed});
		});
		if (entries.length) fragment[list] = entries;
	}
	const patch: Json = {};
	setIn(patch, podPath, fragment);
	return patch;
}

/** What applying the patch sets in motion, in the operator's words. */
export function rolloutOf(object: KubeObject): string {
	const spec = (object['spec'] ?? {}) as Json;
	const status = (object['status'] ?? {}) as Json;
	const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
	const pods = (n: number) => `${n} pod${n === 1 ? '' : 's'}`;
	switch (object.kind) {
		case 'Deployment':
			return `rolling restart of ${pods(replicas)} (Deployment ${object.metadata.name})`;
		case 'StatefulSet': {
			const strategy = (spec['updateStrategy'] as Json | undefined)?.['type'];
			if (strategy === 'OnDelete') return 'no restart now: updateStrategy OnDelete, pods pick up the change when each is deleted';
			return `rolling restart of ${pods(replicas)}, one at a time from the highest ordinal (StatefulSet ${object.metadata.name})`;
		}
		case 'DaemonSet': {
			const desired = typeof status['desiredNumberScheduled'] === 'number' ? status['desiredNumberScheduled'] : undefined;
			return `rolling restart of ${desired === undefined ? 'its pods' : pods(desired)}, one per node (DaemonSet ${object.metadata.name})`;
		}
		case 'CronJob':
			return 'no restart: the next scheduled Job runs with the change';
		case 'ReplicaSet':
		case 'ReplicationController':
			return `no restart: the ${pods(replicas)} ${replicas === 1 ? 'keeps' : 'keep'} the old template until replaced`;
		default:
			return 'no rollout';
	}
}
