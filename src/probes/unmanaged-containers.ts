import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, missingMarkers, sections} from './shell.js';

export type UnmanagedContainer = {readonly id: string; readonly name: string; readonly image: string; readonly state: string};

export type UnmanagedContainersFacts = {
	readonly crictl: boolean;
	readonly ctr: boolean;
	readonly containers: number;
	readonly pods: number;
	/** CRI containers whose pod sandbox is not among the node's pods. */
	readonly unmanaged: readonly UnmanagedContainer[];
	/** containerd namespaces other than k8s.io (Kubernetes) and moby (Docker's, harmless when empty). */
	readonly namespaces: readonly string[];
	readonly allNamespaces: readonly string[];
};

type Json = Record<string, unknown>;

function json(body: string, what: string): Json | {error: string} {
	const start = body.indexOf('{');
	if (start < 0) return {error: `${what}: ${lines(body)[0] ?? 'no output'}`};
	try {
		return JSON.parse(body.slice(start)) as Json;
	} catch (error) {
		return {error: `${what}: cannot parse JSON (${error instanceof Error ? error.message : String(error)})`};
	}
}

function obj(value: unknown): Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** IMG-09: containers that no pod owns, and containerd namespaces Kubernetes does not use. */
export function parseUnmanagedContainers(output: string): ProbeParse {
	const parts = sections(output);
	const missing = missingMarkers(output);
	const hasCrictl = !missing.includes('crictl');
	const hasCtr = !missing.includes('ctr');
	// Without crictl nothing can be said about containers: an empty list would read as a pass.
	if (!hasCrictl) return {error: hasCtr ? 'command not found: crictl' : 'command not found: crictl and ctr'};
	let unmanaged: UnmanagedContainer[] = [];
	let containerCount = 0;
	let podCount = 0;
	{
		const containers = json(parts.find((part) => part.name === 'containers')?.body ?? '', 'crictl ps');
		if ('error' in containers) return {error: String(containers.error)};
		const pods = json(parts.find((part) => part.name === 'pods')?.body ?? '', 'crictl pods');
		if ('error' in pods) return {error: String(pods.error)};
		const podIds = new Set((Array.isArray(pods['items']) ? pods['items'] : []).map((pod) => String(obj(pod)['id'] ?? '')));
		const list = Array.isArray(containers['containers']) ? (containers['containers'] as unknown[]) : [];
		containerCount = list.length;
		podCount = podIds.size;
		unmanaged = list
			.map(obj)
			.filter((container) => !podIds.has(String(container['podSandboxId'] ?? '')))
			.map((container) => ({
				id: String(container['id'] ?? '').slice(0, 13),
				name: String(obj(container['metadata'])['name'] ?? ''),
				image: String(obj(container['image'])['image'] ?? container['imageRef'] ?? ''),
				state: String(container['state'] ?? ''),
			}));
	}
	const allNamespaces = hasCtr ? lines(parts.find((part) => part.name === 'namespaces')?.body ?? '').filter((name) => /^[\w.-]+$/.test(name)) : [];
	const facts: UnmanagedContainersFacts = {
		crictl: hasCrictl,
		ctr: hasCtr,
		containers: containerCount,
		pods: podCount,
		unmanaged,
		namespaces: allNamespaces.filter((name) => name !== 'k8s.io' && name !== 'moby'),
		allNamespaces,
	};
	return {facts};
}

export const unmanagedContainersProbe: Probe = {
	name: 'unmanaged-containers',
	platforms: ['linux'],
	needsSudo: true,
	command: 'sudo crictl ps -a -o json; sudo crictl pods -o json; sudo ctr namespaces ls -q',
	script: [
		"ep=''",
		'[ -S /run/containerd/containerd.sock ] && ep=unix:///run/containerd/containerd.sock',
		'if command -v crictl >/dev/null 2>&1; then',
		'  set -- crictl',
		'  [ -n "$ep" ] && set -- crictl --runtime-endpoint "$ep"',
		`  echo '${SECTION} containers'`,
		'  "$@" ps -a -o json 2>&1',
		`  echo '${SECTION} pods'`,
		'  "$@" pods -o json 2>&1',
		'else',
		`  echo '${MISSING} crictl'`,
		'fi',
		'if command -v ctr >/dev/null 2>&1; then',
		`  echo '${SECTION} namespaces'`,
		'  ctr namespaces ls -q 2>&1',
		'else',
		`  echo '${MISSING} ctr'`,
		'fi',
	].join('\n'),
	parse: parseUnmanagedContainers,
};
