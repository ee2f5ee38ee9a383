// Host checks through the cluster itself, for nodes SSH cannot reach (AKS hybrid's restricted
// SSH, an operator who reaches the API server but not the node network): the kubelet's live
// configuration through the API server's node proxy (no pod at all), and, where the operator
// allowed them, probe pods running the same script the SSH path runs.
import type {KubeConfig} from '@kubernetes/client-node';
import type {NodeFacts, ProbeResult} from '../engine/facts.js';
import type {NodeSource} from '../engine/source.js';
import type {NodeInfo} from '../model/report.js';
import {effectiveKubelet, type KubeletFacts} from '../probes/kubelet-config.js';
import {probes as registry} from '../probes/index.js';
import {rawGet} from './kubernetes.js';
import {forbidden, type ProbePods} from './probe-pods.js';
import {shellNodeSource} from '../engine/gather-node.js';

export type KubernetesNodeSourceOptions = {
	readonly kubeConfig: KubeConfig;
	/** Absent when probe pods are not allowed: then only configz answers, and the reason below stands for the rest. */
	readonly pods?: ProbePods;
	readonly podsUnavailable?: string;
	readonly namespace: string;
	readonly runTimeoutMs: number;
	readonly requestTimeoutMs: number;
};

const KUBELET_PROBE = 'kubelet-config';

/**
 * The kubelet's running configuration (`/api/v1/nodes/NAME/proxy/configz`) as the kubelet-config
 * probe's facts: configz is the merged result of file, drop-ins and flags, so it needs no flags.
 */
export async function kubeletFromConfigz(kubeConfig: KubeConfig, node: string, timeoutMs: number): Promise<ProbeResult> {
	const command = `kubectl get --raw /api/v1/nodes/${node}/proxy/configz`;
	let body: string;
	try {
		body = await rawGet(kubeConfig, `/api/v1/nodes/${encodeURIComponent(node)}/proxy/configz`, timeoutMs);
	} catch (error) {
		const code = (error as {code?: string}).code;
		if (code === 'HTTP_403') return {command, error: `forbidden: cannot get nodes/proxy (needs RBAC "get" on nodes/proxy at the cluster scope; see README "Nodes through Kubernetes")`};
		return {command, error: `configz: ${error instanceof Error ? error.message : String(error)}`};
	}
	let config: Record<string, unknown>;
	try {
		const parsed = JSON.parse(body) as {kubeletconfig?: unknown};
		if (!parsed.kubeletconfig || typeof parsed.kubeletconfig !== 'object') return {command, error: 'configz: no kubeletconfig in the answer'};
		config = parsed.kubeletconfig as Record<string, unknown>;
	} catch {
		return {command, error: 'configz: the answer is not JSON'};
	}
	const facts: KubeletFacts = {configPath: 'configz', config, dropIns: [], flags: {}, flagsSource: 'configz', effective: effectiveKubelet(config, {})};
	return {command, facts};
}

export function kubernetesNodeSource(options: KubernetesNodeSourceOptions): NodeSource {
	const pods = options.pods;
	const viaPods = pods ? withAccess(shellNodeSource((node) => pods.connect(node.name), {runTimeoutMs: options.runTimeoutMs}), 'kubernetes') : undefined;
	return {
		async gather(node, probeNames, signal): Promise<NodeFacts> {
			let facts: NodeFacts;
			if (viaPods && node.os === 'linux') {
				facts = await viaPods.gather(node, probeNames, signal);
			} else {
				const why = viaPods ? `probe pods run on Linux nodes only` : (options.podsUnavailable ?? forbidden('create', 'pods', options.namespace));
				const results = new Map<string, ProbeResult>();
				for (const name of probeNames) results.set(name, {command: registry.get(name)?.command ?? name, error: why});
				facts = {node: {...node, reachable: false, error: why}, probes: results};
			}
			const kubelet = facts.probes.get(KUBELET_PROBE);
			if (!probeNames.includes(KUBELET_PROBE) || (kubelet && !('error' in kubelet))) return facts;
			const live = await kubeletFromConfigz(options.kubeConfig, node.name, options.requestTimeoutMs);
			if (live.error !== undefined) {
				// A missing permission is said with the verb and resource to grant; a kubelet that does
				// not answer adds nothing to what the node's own files said.
				if (!live.error.startsWith('forbidden:')) return facts;
				const reason = `${kubelet?.error ?? facts.node.error ?? 'not read'}; the kubelet's live configuration: ${live.error}`;
				if (!facts.node.reachable) return {node: {...facts.node, error: `${facts.node.error ?? 'not reached'}; the kubelet's live configuration: ${live.error}`}, probes: facts.probes};
				const probes = new Map(facts.probes);
				probes.set(KUBELET_PROBE, {command: kubelet?.command ?? live.command, error: reason});
				return {node: facts.node, probes};
			}
			const probes = new Map(facts.probes);
			probes.set(KUBELET_PROBE, live);
			if (facts.node.reachable) return {node: facts.node, probes};
			// Only configz answered: the node counts as reached for the kubelet check, and every other
			// probe keeps the reason the rest could not be read.
			const reason = facts.node.error ?? 'not reached';
			for (const [name, result] of probes) if (name !== KUBELET_PROBE && !('error' in result)) probes.set(name, {command: result.command, error: reason});
			for (const name of probeNames) if (!probes.has(name)) probes.set(name, {command: name, error: reason});
			const reached: NodeInfo = {...node, reachable: true, error: null, access: 'configz'};
			return {node: reached, probes};
		},
	};
}

/** Records on each reached node how its host checks reached it (reports and the walkthrough show it). */
export function withAccess(source: NodeSource, access: NonNullable<NodeInfo['access']>): NodeSource {
	return {
		async gather(node, probeNames, signal) {
			const facts = await source.gather(node, probeNames, signal);
			return facts.node.reachable && !facts.node.access ? {node: {...facts.node, access}, probes: facts.probes} : facts;
		},
	};
}

/** SSH where it works, else Kubernetes: a node SSH cannot reach is asked through the cluster. */
export function autoNodeSource(ssh: NodeSource, kubernetes: NodeSource): NodeSource {
	return {
		async gather(node, probeNames, signal) {
			const first = await ssh.gather(node, probeNames, signal);
			if (first.node.reachable !== false || signal.aborted) return first;
			const second = await kubernetes.gather(node, probeNames, signal);
			if (second.node.reachable) return second;
			return {node: {...first.node, error: `${first.node.error ?? 'SSH failed'}; through Kubernetes: ${second.node.error ?? 'failed'}`}, probes: first.probes};
		},
	};
}
