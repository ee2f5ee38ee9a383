import type {KubeObject} from '../model/kube.js';
import type {NodeInfo} from '../model/report.js';

type Json = Record<string, unknown>;

/**
 * Nodes as AKS hybrid reports them: the address to SSH to is the InternalIP (EXTERNAL-IP is
 * <none> on AKS Arc), the OS comes from status.nodeInfo, the role from the control-plane label
 * (or the older `master`).
 */
export function inventoryFromNodes(nodes: readonly KubeObject[]): NodeInfo[] {
	return nodes.map((node) => {
		const status = (node['status'] ?? {}) as Json;
		const addresses = (status['addresses'] ?? []) as Array<{type?: string; address?: string}>;
		const address = addresses.find((entry) => entry.type === 'InternalIP')?.address ?? addresses[0]?.address ?? '';
		const info = (status['nodeInfo'] ?? {}) as Json;
		const labels = node.metadata.labels ?? {};
		const osName = String(info['operatingSystem'] ?? labels['kubernetes.io/os'] ?? '').toLowerCase();
		const os = osName === 'linux' || osName === 'windows' ? osName : 'unknown';
		const isControlPlane = 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
		return {name: node.metadata.name, address, os, role: isControlPlane ? 'control-plane' : 'worker', reachable: null, error: null};
	});
}

/** `--nodes a,b`: names or addresses, OS unknown until asked, assumed Linux as AKS hybrid workers mostly are. */
export function inventoryFromNames(names: readonly string[], known: readonly NodeInfo[] = []): NodeInfo[] {
	return names.map((entry) => {
		const match = known.find((node) => node.name === entry || node.address === entry);
		return match ?? {name: entry, address: entry, os: 'linux', role: 'worker', reachable: null, error: null};
	});
}
