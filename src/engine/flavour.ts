import type {KubeObject} from '../model/kube.js';

/**
 * Which AKS hybrid this looks like, from what any reader of the cluster can see. Used for the
 * operator's orientation only; no check depends on it.
 */
export function detectFlavour(nodes: readonly KubeObject[], pods: readonly KubeObject[]): string {
	const images = nodes.map((node) => String(((node['status'] as {nodeInfo?: {osImage?: string}} | undefined)?.nodeInfo?.osImage) ?? ''));
	const hasMoc = pods.some((pod) => pod.metadata.name.startsWith('moc-cloud-controller-manager'));
	const arc = pods.some((pod) => pod.metadata.namespace === 'azure-arc');
	if (images.some((image) => /Azure Linux/i.test(image))) return 'AKS Arc on Azure Local (Azure Linux 3 nodes)';
	if (images.some((image) => /CBL-Mariner/i.test(image)) || hasMoc) {
		return arc ? 'AKS hybrid, Arc-connected (CBL-Mariner nodes)' : 'AKS hybrid on Azure Stack HCI / Windows Server (CBL-Mariner nodes)';
	}
	return 'Kubernetes (no AKS hybrid markers found)';
}
