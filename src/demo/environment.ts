import {KubeConfig} from '@kubernetes/client-node';
import {startApiServer} from './api-server.js';
import {demoObjects} from './cluster.js';
import {recordedNodeSource} from './recorded-node-source.js';
import type {NodeSource} from '../engine/source.js';

export type DemoEnvironment = {
	readonly kubeConfig: KubeConfig;
	readonly kubeconfigYaml: string;
	readonly nodeSource: NodeSource;
	/** The demo's private registry, as an operator would list theirs in .aks-harden.yaml. */
	readonly allowedRegistries: readonly string[];
	readonly close: () => Promise<void>;
};

/**
 * The built-in demo: a real HTTPS Kubernetes API server on 127.0.0.1 serving a simulated AKS
 * hybrid cluster, and nodes answering from recorded probe output. The audit reaches it through
 * the same client code as a real cluster.
 */
export async function startDemoEnvironment(): Promise<DemoEnvironment> {
	const server = await startApiServer({objects: demoObjects(), tokens: {'demo-operator-token': 'demo-operator'}});
	const kubeconfigYaml = server.kubeconfigYaml({token: 'demo-operator-token', context: 'aks-harden-demo'});
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromString(kubeconfigYaml);
	return {kubeConfig, kubeconfigYaml, nodeSource: recordedNodeSource(), allowedRegistries: ['contosoacr.azurecr.io'], close: () => server.close()};
}
