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

/**
 * The part of an object a fix is about: everything but status and server-kept metadata. The
 * controllers keep rewriting status, resourceVersion, generation and annotations such as the
 * Deployment revision; a digest over those would call every plan stale a moment after a rollout.
 */
export function objectView(object: KubeObject): Record<string, unknown> {
	const {metadata, status: _status, ...rest} = object as KubeObject & {status?: unknown};
	return {...rest, metadata: {name: metadata.name, ...(metadata.namespace ? {namespace: metadata.namespace} : {}), labels: metadata.labels ?? {}}};
}

export function objectDigest(object: KubeObject | undefined): string {
	return object ? sha256(canonicalJson(objectView(object))) : ABSENT;
}

export function textDigest(text: string | undefined): string {
	return text === undefined ? ABSENT : sha256(text);
}
