import {createHash} from 'node:crypto';
import type {KubeObject} from '../model/kube.js';
import {ABSENT} from './model.js';

export function sha256(text: string | Uint8Array): string {
	return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** JSON with keys sorted at every level, so equal objects always digest the same. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as object)
				.sort()
				.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
				.map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
		);
	}
	return value;
}

/** Metadata the API server assigns and keeps rewriting on every write: never what a fix is about. */
const serverKept = new Set(['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp', 'selfLink']);
/** Annotations controllers rewrite after a rollout (not the operator, not a patch). */
const controllerAnnotations = new Set(['deployment.kubernetes.io/revision', 'deprecated.daemonset.template.generation']);

/**
 * Every field a change can touch: the whole object but status and the metadata the server or a
 * controller keeps rewriting (a digest over those would call every plan stale a moment after a
 * rollout). Labels, annotations, ownerReferences and finalizers are in it: a patch that adds an
 * owner to a Deployment changes its digest like one that changes its pod template. Labels and
 * annotations are always maps, so the undo patch built from two views edits single keys and
 * never drops a map a controller also writes to.
 */
export function objectView(object: KubeObject): Record<string, unknown> {
	const {metadata, status: _status, ...rest} = object as KubeObject & {status?: unknown};
	const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !serverKept.has(key)));
	const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([key]) => !controllerAnnotations.has(key)));
	return {...rest, metadata: {...kept, labels: metadata.labels ?? {}, annotations}};
}

export function objectDigest(object: KubeObject | undefined): string {
	return object ? sha256(canonicalJson(objectView(object))) : ABSENT;
}

export function textDigest(text: string | undefined): string {
	return text === undefined ? ABSENT : sha256(text);
}
