// A Ready Linux Node object for a test node, as the kubelet would register it (pool `pool1`).
import type {KubeObject} from '../../src/model/kube.js';

export function nodeObject(name: string, address: string): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {name, labels: {'kubernetes.io/os': 'linux', agentpool: 'pool1'}},
		spec: {},
		status: {addresses: [{type: 'InternalIP', address}], conditions: [{type: 'Ready', status: 'True', reason: 'KubeletReady'}], nodeInfo: {osImage: 'Debian GNU/Linux 12 (bookworm)', kubeletVersion: 'v1.30.9'}},
	} as unknown as KubeObject;
}
