// --node-access: how host checks reach nodes. `ssh` (the default), `kubernetes` (configz and
// probe pods through the API server) or `auto` (SSH where it works, else Kubernetes). Probe pods
// are privileged workloads: they run only with --allow-probe-pods, in a namespace the tool
// creates (and deletes after the run) unless the operator made it.
import {randomBytes} from 'node:crypto';
import type {KubeConfig} from '@kubernetes/client-node';
import type {NodeSource} from '../engine/source.js';
import {DEFAULT_PROBE_IMAGE, PROBE_NAMESPACE, probeNamespaceManifest} from '../engine/probe-pod.js';
import {UsageError} from '../model/errors.js';
import {didYouMean} from '../model/suggest.js';
import {interrupts} from './interrupt.js';

export const nodeAccessModes = ['ssh', 'kubernetes', 'auto'] as const;
export type NodeAccessMode = (typeof nodeAccessModes)[number];

export type NodeAccessSettings = {
	readonly mode: NodeAccessMode;
	/** Nodes the inventory file sends another way than `mode`. */
	readonly perNode: ReadonlyMap<string, NodeAccessMode>;
	readonly image: string;
	readonly namespace: string;
	readonly allowPods: boolean;
	readonly keepNamespace: boolean;
};

/** What `.aks-harden.yaml` says under `nodeAccess:`; the flags win over it. */
export type NodeAccessFile = {readonly mode?: NodeAccessMode; readonly probeImage?: string; readonly probeNamespace?: string};

export function nodeAccessSettings(values: Readonly<Record<string, unknown>>, file: NodeAccessFile = {}, inventory: ReadonlyArray<{readonly name: string; readonly access?: NodeAccessMode}> = []): NodeAccessSettings {
	const mode = (values['node-access'] as string | undefined) ?? file.mode ?? 'ssh';
	if (!(nodeAccessModes as readonly string[]).includes(mode)) {
		throw new UsageError(`--node-access must be one of ${nodeAccessModes.join(', ')}, not "${mode}"${didYouMean(mode, nodeAccessModes)}`, 'see README "Nodes through Kubernetes"');
	}
	const namespace = (values['probe-namespace'] as string | undefined) ?? file.probeNamespace ?? PROBE_NAMESPACE;
	if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new UsageError(`probe namespace "${namespace}" is not a namespace name`, 'use lower-case letters, digits and dashes, at most 63');
	const image = (values['probe-image'] as string | undefined) ?? file.probeImage ?? DEFAULT_PROBE_IMAGE;
	if (!image.trim() || /\s/.test(image)) throw new UsageError(`probe image "${image}" is not an image reference`, 'e.g. --probe-image myregistry.azurecr.io/busybox:1.36');
	const perNode = new Map(inventory.flatMap((entry) => (entry.access ? [[entry.name, entry.access] as const] : [])));
	return {mode: mode as NodeAccessMode, perNode, image, namespace, allowPods: values['allow-probe-pods'] === true, keepNamespace: values['keep-probe-namespace'] === true};
}

export type NodeAccess = {readonly source: NodeSource; readonly close: () => Promise<void>};

/** The node source for the access mode; `ssh` builds the SSH source (it is also auto's first try). */
export async function openNodeAccess(
	settings: NodeAccessSettings,
	config: KubeConfig | undefined,
	timeoutMs: number,
	ssh: () => Promise<NodeSource>,
): Promise<NodeAccess> {
	const {withAccess, kubernetesNodeSource, autoNodeSource} = await import('../transports/kubernetes-nodes.js');
	const modes = new Set([settings.mode, ...settings.perNode.values()]);
	if (modes.size === 1 && modes.has('ssh')) return {source: withAccess(await ssh(), 'ssh'), close: async () => {}};
	if (!config) throw new UsageError(`node access ${[...modes].filter((mode) => mode !== 'ssh').join('/')} reaches nodes through the cluster, and no cluster is configured`, 'pass --kubeconfig (or --context), or --node-access ssh');

	const {probePods, deleteLeftoverPods} = await import('../transports/probe-pods.js');
	const {KubernetesWriter} = await import('../transports/kubernetes-writer.js');
	const {KubeRejection} = await import('../model/errors.js');
	const writer = new KubernetesWriter(config, {timeoutMs});
	const namespaceRef = {apiVersion: 'v1', kind: 'Namespace', name: settings.namespace} as const;
	const runId = randomBytes(3).toString('hex');
	let created = false;
	let podsUnavailable: string | undefined;
	let pods: ReturnType<typeof probePods> | undefined;
	if (settings.allowPods) {
		const exists = await writer.get(namespaceRef).then((found) => found !== undefined, () => undefined);
		if (exists === false) {
			try {
				await writer.create(probeNamespaceManifest(settings.namespace), {dryRun: false});
				created = true;
			} catch (error) {
				podsUnavailable = error instanceof KubeRejection && error.status === 403
					? `forbidden: cannot create namespaces (needs RBAC "create" on namespaces, or create namespace ${settings.namespace} yourself; see README "Nodes through Kubernetes")`
					: `cannot create namespace ${settings.namespace}: ${error instanceof Error ? error.message : String(error)}`;
			}
		}
		if (!podsUnavailable) {
			// Pods an earlier run left behind (a crash, a kill) go first: their deadline would end them anyway.
			await deleteLeftoverPods(writer, settings.namespace).catch(() => 0);
			pods = probePods({kubeConfig: config, writer, namespace: settings.namespace, image: settings.image, runId, deadlineSeconds: Math.max(60, Math.ceil((3 * timeoutMs) / 1000)), startTimeoutMs: timeoutMs});
		}
	} else {
		podsUnavailable = `probe pods are not allowed: rerun with --allow-probe-pods to let aks-harden run one privileged pod per node in namespace ${settings.namespace} (see \`aks-harden explain probe-pod\`)`;
	}
	const cleanup = async () => {
		pods?.stop();
		await pods?.settle();
		if (pods) await deleteLeftoverPods(writer, settings.namespace).catch(() => 0);
		if (created && !settings.keepNamespace) await writer.delete(namespaceRef, {dryRun: false}).catch(() => undefined);
	};
	// A Ctrl-C mid-run deletes the pods (and the namespace the run created) before the process ends.
	const forget = pods || created ? interrupts.onInterrupt(cleanup) : () => undefined;
	const kubernetes = kubernetesNodeSource({kubeConfig: config, ...(pods ? {pods} : {}), ...(podsUnavailable ? {podsUnavailable} : {}), namespace: settings.namespace, runTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs});
	const overSsh = withAccess(await ssh(), 'ssh');
	const byMode: Record<NodeAccessMode, NodeSource> = {ssh: overSsh, kubernetes, auto: autoNodeSource(overSsh, kubernetes)};
	// Each node its own way: the inventory's word for it, else the run's.
	const source: NodeSource = {gather: (node, probes, signal) => byMode[settings.perNode.get(node.name) ?? settings.mode].gather(node, probes, signal)};
	return {
		source,
		close: async () => {
			forget();
			await cleanup();
		},
	};
}
