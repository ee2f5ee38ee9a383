import type {KubeConfig} from '@kubernetes/client-node';
import type {ClusterSource, NodeSource} from '../engine/source.js';
import type {NodeInfo} from '../model/report.js';
import {UsageError} from '../model/errors.js';
import {resourceTypes} from '../model/resources.js';
import {inventoryFromNames, inventoryFromNodes} from '../engine/inventory.js';
import {detectFlavour} from '../engine/flavour.js';
import {existsSync} from 'node:fs';
import {manifestSource} from '../transports/manifests.js';
import {reportSkipped, writeErr} from './terminal.js';
import {kubeconfigFiles} from '../transports/kubeconfig-files.js';
import {durationOption, listOption, positiveInt} from './options.js';
import {inventoryNodes, sshNodeSourceFromOptions, sshSettings} from './ssh-options.js';
import type {NodeSession, SshOptions} from '../transports/ssh.js';
import type {NodeRef} from '../fix/model.js';
import {stateDir} from '../paths.js';

export type ConnectionValues = {
	readonly demo?: boolean;
	readonly kubeconfig?: string;
	readonly context?: string;
	readonly manifests?: string[];
	readonly nodes?: string;
	readonly 'no-nodes'?: boolean;
	readonly concurrency?: string;
	readonly [option: string]: unknown;
};

export type Connection = {
	readonly cluster?: ClusterSource;
	readonly clusterUnavailable?: string;
	readonly nodes?: {readonly list: readonly NodeInfo[]; readonly source: NodeSource; readonly concurrency: number};
	readonly info: {readonly context: string | null; readonly server: string | null; readonly flavour: string; readonly isDemo: boolean};
	/** Registries the environment itself vouches for (the demo's own), added to the settings'. */
	readonly allowedRegistries?: readonly string[];
	/** How to reach the API server for writes (guided fixes); absent for manifests and node-only runs. */
	readonly kubeConfig?: KubeConfig;
	/** A session to a node for host fixes, when the environment has its own way there (the demo's nodes). */
	readonly openNode?: (node: NodeRef) => Promise<NodeSession>;
	readonly close: () => Promise<void>;
};

/** Builds the real transports the options ask for. The only place that opens connections. */
export type ConnectOptions = {readonly interactive: boolean; readonly prompts?: Pick<SshOptions, 'onHostKey' | 'passphrase'>};

export async function connect(values: ConnectionValues, options: ConnectOptions): Promise<Connection> {
	const concurrency = positiveInt('concurrency', values.concurrency, 16);
	const nodeNames = listOption(values.nodes);
	// Nodes named only in an --inventory file count as named nodes: a cluster is then optional.
	const inventoryOnly = typeof values['inventory'] === 'string' ? inventoryNodes(sshSettings(values)) : [];
	const named = (known: NodeInfo[]) => (nodeNames ? inventoryFromNames(nodeNames, [...known, ...inventoryOnly]) : inventoryOnly.length && !known.length ? inventoryOnly : known);
	if (values.demo && values.manifests?.length) throw new UsageError('--demo and --manifests cannot be combined', 'choose one source of objects');

	if (values.manifests?.length) {
		const cluster = manifestSource(values.manifests, {onSkip: reportSkipped});
		const nodes = nodeNames || inventoryOnly.length ? {list: named([]), source: await sshNodeSourceFromOptions(values, options), concurrency} : undefined;
		return {cluster, ...(nodes ? {nodes} : {}), info: {context: null, server: null, flavour: 'manifest files', isDemo: false}, close: async () => {}};
	}

	// The Kubernetes client costs most of a second to load: only a run that uses it imports it.
	const hasKubeconfig = kubeconfigFiles({...(values.kubeconfig ? {kubeconfig: values.kubeconfig} : {})}).some((file) => existsSync(file));
	if (!values.demo && !hasKubeconfig && (nodeNames || inventoryOnly.length)) {
		return {
			clusterUnavailable: 'no cluster: no kubeconfig found, so only the named nodes are audited',
			nodes: {list: named([]), source: await sshNodeSourceFromOptions(values, options), concurrency},
			info: {context: null, server: null, flavour: 'unknown', isDemo: false},
			close: async () => {},
		};
	}
	const {KubernetesSource, defaultApiTimeoutMs} = await import('../transports/kubernetes.js');
	if (values.demo) {
		const {startDemoEnvironment} = await import('../demo/environment.js');
		// One demo per state folder: what a fix changed there, the next run finds.
		const demo = await startDemoEnvironment({stateFolder: stateDir()});
		if (demo.notice) writeErr(`aks-harden: ${demo.notice}\n`);
		const cluster = new KubernetesSource(demo.kubeConfig, 'demo');
		const nodeObjects = (await cluster.list(resourceTypes.get('nodes')!)).items;
		const list = inventoryFromNodes(nodeObjects);
		const pods = (await cluster.list(resourceTypes.get('pods')!)).items;
		return {
			cluster,
			...(values['no-nodes'] ? {} : {nodes: {list: nodeNames ? inventoryFromNames(nodeNames, list) : list, source: demo.nodeSource, concurrency}}),
			info: {context: cluster.context, server: cluster.server, flavour: detectFlavour(nodeObjects, pods), isDemo: true},
			allowedRegistries: demo.allowedRegistries,
			kubeConfig: demo.kubeConfig,
			openNode: demo.openNode,
			close: demo.close,
		};
	}

	let cluster: InstanceType<typeof KubernetesSource> | undefined;
	let clusterUnavailable: string | undefined;
	let kubeConfig: KubeConfig | undefined;
	try {
		const {loadKubeconfig} = await import('../transports/kubeconfig.js');
		const config = loadKubeconfig({...(values.kubeconfig ? {kubeconfig: values.kubeconfig} : {}), ...(values.context ? {context: values.context} : {})});
		cluster = new KubernetesSource(config, 'cluster', {timeoutMs: durationOption(values['timeout'] as string | undefined, defaultApiTimeoutMs)});
		await cluster.preflight();
		kubeConfig = config;
	} catch (error) {
		// With --nodes the operator may audit hosts alone; say why the cluster checks are skipped.
		if ((!nodeNames && !inventoryOnly.length) || values.kubeconfig || values.context) throw error;
		clusterUnavailable = `no cluster: ${error instanceof Error ? error.message : String(error)}`;
		cluster = undefined;
	}
	let list: NodeInfo[] = [];
	let flavour = 'unknown';
	if (cluster) {
		const nodeObjects = await cluster.list(resourceTypes.get('nodes')!);
		list = inventoryFromNodes(nodeObjects.items);
		flavour = detectFlavour(nodeObjects.items, []);
		if (nodeObjects.error && !nodeNames && !inventoryOnly.length && !values['no-nodes']) {
			throw new UsageError(`cannot find the nodes: ${nodeObjects.error}`, 'pass --nodes a,b (names or addresses) or --no-nodes');
		}
	}
	const nodes = values['no-nodes']
		? undefined
		: {list: named(list), source: await sshNodeSourceFromOptions(values, options), concurrency};
	return {
		...(cluster ? {cluster} : {clusterUnavailable: clusterUnavailable!}),
		...(nodes ? {nodes} : {}),
		...(kubeConfig ? {kubeConfig} : {}),
		info: {context: cluster?.context ?? null, server: cluster?.server ?? null, flavour, isDemo: false},
		close: async () => {},
	};
}
