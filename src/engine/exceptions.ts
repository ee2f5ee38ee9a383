import type {KubeObject} from '../model/kube.js';
import type {PlatformException, PlatformExceptions} from '../model/exceptions.js';
import {parseImageRef} from './image-ref.js';
import {podSpecOf, containerLists} from './workloads.js';

const criticalPriorities = new Set(['system-node-critical', 'system-cluster-critical']);

function matchesGlob(pattern: string, value: string): boolean {
	if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
	return pattern === value;
}

/** Names are prefixes (a static pod is `<prefix><node>`); a trailing `$` asks for the exact name. */
function matchesName(pattern: string, name: string): boolean {
	return pattern.endsWith('$') ? name === pattern.slice(0, -1) : name.startsWith(pattern);
}

function runsPlatformImages(object: KubeObject, registries: readonly string[]): boolean {
	const found = podSpecOf(object);
	if (!found) return false;
	if (criticalPriorities.has(String(found.spec['priorityClassName'] ?? ''))) return true;
	const images: string[] = [];
	for (const list of containerLists) {
		const containers = found.spec[list];
		if (Array.isArray(containers)) for (const container of containers) images.push(String(container?.image ?? ''));
	}
	return images.length > 0 && images.every((image) => registries.includes(parseImageRef(image).registry));
}

/** The platform exception that accepts this check on this object, if any. */
export function findException(
	exceptions: PlatformExceptions,
	checkId: string,
	object: KubeObject,
): PlatformException | undefined {
	const namespace = object.metadata.namespace ?? '';
	return exceptions.exceptions.find(
		(entry) =>
			entry.checks.some((pattern) => matchesGlob(pattern, checkId)) &&
			entry.namespaces.some((pattern) => matchesGlob(pattern, namespace)) &&
			(!entry.kinds || entry.kinds.includes(object.kind)) &&
			entry.names.some((name) => matchesName(name, object.metadata.name)) &&
			(!entry.requirePlatformImage || runsPlatformImages(object, exceptions.platformRegistries)),
	);
}

export function isSystemNamespace(exceptions: PlatformExceptions, namespace: string): boolean {
	return exceptions.systemNamespaces.some((pattern) => matchesGlob(pattern, namespace));
}
