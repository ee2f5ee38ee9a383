// Node access through Kubernetes (DESIGN §4): when SSH cannot reach a node, a short-lived pod
// pinned to it runs the very probe script the SSH path runs, as `chroot /host sh -s` over exec.
// Such a pod is itself a privileged workload: its manifest is built here, in one place, so the
// operator is shown exactly what will be created (`aks-harden explain probe-pod`). Pure.
import {createHash} from 'node:crypto';
import type {KubeObject} from '../model/kube.js';

/** Where probe pods run unless the operator names another namespace (--probe-namespace). */
export const PROBE_NAMESPACE = 'aks-harden-probes';

/**
 * A small shell image AKS hybrid nodes already pull from (Microsoft Container Registry, the same
 * registry the node images come from); override with --probe-image for an air-gapped mirror.
 */
export const DEFAULT_PROBE_IMAGE = 'mcr.microsoft.com/cbl-mariner/busybox:2.0';

/** Every object the tool creates for node access carries these, so the next run or `cleanup` finds leftovers. */
export const MANAGED_BY = {key: 'app.kubernetes.io/managed-by', value: 'aks-harden'} as const;
export const PROBE_LABEL = 'aks-harden.io/probe';
export const RUN_LABEL = 'aks-harden.io/run';
/** Set on a namespace the tool created itself (and may therefore delete); never on the operator's own. */
export const CREATED_LABEL = 'aks-harden.io/created';

/** The container command: the node's root is mounted read-only at /host; the script comes on stdin. */
export const PROBE_EXEC = ['chroot', '/host', 'sh', '-s'] as const;

export type ProbePodOptions = {
	readonly node: string;
	readonly namespace: string;
	readonly image: string;
	/** The run this pod belongs to (labels), so a crashed run's pods are told from a live one's. */
	readonly runId: string;
	/** The pod ends itself after this long even if the tool crashed before deleting it. */
	readonly deadlineSeconds: number;
};

/** A DNS-1123 pod name for the node: readable prefix, a hash for uniqueness, the run id. */
export function probePodName(node: string, runId: string): string {
	const readable = node.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'node';
	const hash = createHash('sha256').update(node).digest('hex').slice(0, 8);
	return `aks-harden-probe-${readable}-${hash}-${runId}`.slice(0, 63).replace(/-+$/, '');
}

export function probeNamespaceManifest(namespace: string): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: {
			name: namespace,
			labels: {
				[MANAGED_BY.key]: MANAGED_BY.value,
				[CREATED_LABEL]: 'true',
				// Probe pods are privileged (host namespaces, the host's root): only this namespace allows them.
				'pod-security.kubernetes.io/enforce': 'privileged',
				'pod-security.kubernetes.io/warn': 'privileged',
				'pod-security.kubernetes.io/audit': 'privileged',
			},
		},
	} as KubeObject;
}

export function probePodManifest(options: ProbePodOptions): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: probePodName(options.node, options.runId),
			namespace: options.namespace,
			labels: {[MANAGED_BY.key]: MANAGED_BY.value, [PROBE_LABEL]: 'true', [RUN_LABEL]: options.runId},
			annotations: {'aks-harden.io/node': options.node},
		},
		spec: {
			// Pinned to the node: no scheduler, and taints (NoSchedule, NoExecute) are all tolerated.
			nodeName: options.node,
			tolerations: [{operator: 'Exists'}],
			restartPolicy: 'Never',
			activeDeadlineSeconds: options.deadlineSeconds,
			terminationGracePeriodSeconds: 0,
			automountServiceAccountToken: false,
			enableServiceLinks: false,
			// The probes read the host's processes (kubelet flags) and listening sockets.
			hostPID: true,
			hostNetwork: true,
			nodeSelector: {'kubernetes.io/os': 'linux'},
			containers: [
				{
					name: 'probe',
					image: options.image,
					imagePullPolicy: 'IfNotPresent',
					// Idles until the tool execs the script, and never outlives the deadline.
					command: ['sleep', String(options.deadlineSeconds)],
					securityContext: {privileged: true, readOnlyRootFilesystem: true},
					resources: {requests: {cpu: '10m', memory: '16Mi'}, limits: {cpu: '500m', memory: '128Mi'}},
					// The script's temporary files (each probe's stderr) go to a scratch folder over the
					// host's /tmp, which exists on every Linux node: nothing is ever written on the node.
					volumeMounts: [
						{name: 'host', mountPath: '/host', readOnly: true},
						{name: 'scratch', mountPath: '/host/tmp'},
					],
				},
			],
			volumes: [
				{name: 'host', hostPath: {path: '/', type: 'Directory'}},
				{name: 'scratch', emptyDir: {medium: 'Memory', sizeLimit: '16Mi'}},
			],
		},
	} as KubeObject;
}
