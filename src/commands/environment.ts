// The composition root: the only place that builds the real transports (cluster reader and
// writer, node shells) from the command line, for every command alike — audit, walkthrough,
// fix, undo, baseline. A bad argument fails here before anything is opened; an environment that
// cannot be reached is a ConnectionError with the reason in full, never a quiet switch to the demo.
import {existsSync} from 'node:fs';
import type {KubeConfig} from '@kubernetes/client-node';
import type {NodeSource} from '../engine/source.js';
import {inventoryFromNames, inventoryFromNodes} from '../engine/inventory.js';
import {detectFlavour} from '../engine/flavour.js';
import {ConnectionError, UsageError} from '../model/errors.js';
import type {NodeInfo, Report} from '../model/report.js';
import {resourceTypes} from '../model/resources.js';
import type {ClusterReader, ClusterWriter, NodeAddress, NodeShell} from '../transports/interfaces.js';
import {kubeconfigFiles} from '../transports/kubeconfig-files.js';
import type {SshOptions} from '../transports/ssh.js';
import {durationOption, listOption, positiveInt} from './options.js';
import {inventoryNodes, sshSettings, type SshSettings} from './ssh-options.js';
import {reportSkipped, writeErr} from './terminal.js';
import {stateDir} from '../paths.js';
import {nodeAccessSettings, openNodeAccess, type NodeAccessSettings} from './node-access.js';
import {readSettingsFile} from './settings.js';
import type {SettingsFile} from '../model/settings.js';

/** The connection flags as parseArgs gives them (options.ts: connectionOptions). */
export type ConnectionValues = {
	readonly demo?: boolean;
	readonly kubeconfig?: string;
	readonly context?: string;
	readonly manifests?: string[];
	readonly nodes?: string;
	readonly 'no-nodes'?: boolean;
	readonly concurrency?: string;
	readonly timeout?: string;
	readonly [option: string]: unknown;
};

/** The connection flags, checked and typed once. Every value an operator can get wrong is judged here. */
export type ConnectionSettings = {
	readonly demo: boolean;
	readonly kubeconfig?: string;
	readonly context?: string;
	readonly manifests: readonly string[];
	/** --nodes a,b */
	readonly nodeNames?: readonly string[];
	/** Nodes named only in an --inventory file: they count as named nodes, a cluster is then optional. */
	readonly inventoryNodes: readonly NodeInfo[];
	readonly noNodes: boolean;
	readonly concurrency: number;
	/** --timeout: each API request, each node's probe run, the SSH connect. */
	readonly timeoutMs: number;
	readonly ssh: SshSettings;
	/** --node-access and the probe pod options. */
	readonly nodeAccess: NodeAccessSettings;
};

/** Default bound of each API request and each node (--timeout). */
const defaultTimeoutMs = 60_000;

/** `file`: the settings file the command has already read (its `nodeAccess:`); read here when absent. */
export function connectionSettings(values: ConnectionValues, file: SettingsFile = readSettingsFile(values['waivers'] as string | undefined)): ConnectionSettings {
	if (values.demo && values.manifests?.length) throw new UsageError('--demo and --manifests cannot be combined', 'choose one source of objects');
	const ssh = sshSettings(values);
	const nodeNames = listOption(values.nodes);
	return {
		demo: values.demo === true,
		...(values.kubeconfig ? {kubeconfig: values.kubeconfig} : {}),
		...(values.context ? {context: values.context} : {}),
		manifests: values.manifests ?? [],
		...(nodeNames ? {nodeNames} : {}),
		inventoryNodes: inventoryNodes(ssh),
		noNodes: values['no-nodes'] === true,
		concurrency: positiveInt('concurrency', values.concurrency, 16),
		timeoutMs: durationOption(values.timeout, defaultTimeoutMs),
		ssh,
		nodeAccess: nodeAccessSettings(values, file.nodeAccess, ssh.inventory),
	};
}

export type EnvironmentInfo = {
	readonly context: string | null;
	readonly server: string | null;
	readonly flavour: string;
	readonly isDemo: boolean;
	/** Why this environment and not the one the operator may have expected (the demo without a kubeconfig). */
	readonly note?: string;
};

export type Environment = {
	/** Where the audit reads objects; absent when only nodes are audited (the reason is in `readerUnavailable`). */
	readonly reader?: ClusterReader;
	readonly readerUnavailable?: string;
	/** Where fixes write; absent for manifest files and node-only runs. */
	readonly writer?: ClusterWriter;
	/** The nodes the audit probes, and how. */
	readonly nodes?: {readonly list: readonly NodeInfo[]; readonly source: NodeSource; readonly concurrency: number};
	/** A shell on one node, for fixes and undo; the caller closes it. */
	readonly openNode?: (node: NodeAddress) => Promise<NodeShell>;
	readonly info: EnvironmentInfo;
	/** Registries the environment itself vouches for (the demo's own), added to the settings'. */
	readonly allowedRegistries?: readonly string[];
	readonly close: () => Promise<void>;
};

export type EnvironmentOptions = {
	/** The walkthrough's answers to an unknown host key or a key's passphrase; headless runs refuse. */
	readonly prompts?: Pick<SshOptions, 'onHostKey' | 'passphrase'>;
	/** What the command uses: `cluster: false` opens no kubeconfig, `nodes: false` lists no nodes. */
	readonly use?: {readonly cluster?: boolean; readonly nodes?: boolean};
	/** The walkthrough only: with no kubeconfig at all (and nothing else named), show the demo. */
	readonly demoWithoutKubeconfig?: boolean;
};

const nothingToClose = async () => {};

export async function openEnvironment(settings: ConnectionSettings, options: EnvironmentOptions = {}): Promise<Environment> {
	const useCluster = options.use?.cluster ?? true;
	const useNodes = (options.use?.nodes ?? true) && !settings.noNodes;
	const named = settings.nodeNames !== undefined || settings.inventoryNodes.length > 0;
	const nodeList = (known: readonly NodeInfo[]): NodeInfo[] =>
		settings.nodeNames ? inventoryFromNames([...settings.nodeNames], [...known, ...settings.inventoryNodes]) : settings.inventoryNodes.length && !known.length ? [...settings.inventoryNodes] : [...known];
	const sshNodes = async (known: readonly NodeInfo[]) => (useNodes ? {nodes: {list: nodeList(known), source: await sshNodeSource(settings, options), concurrency: settings.concurrency}} : {});
	const openNode = sshOpener(settings, options);

	if (settings.demo) return openDemo(settings, useNodes);
	if (useNodes && settings.nodeAccess.mode === 'kubernetes' && (settings.manifests.length || !useCluster)) {
		throw new UsageError('--node-access kubernetes reaches nodes through the cluster, and this run reads no cluster', 'drop --manifests, or use --node-access ssh');
	}

	if (settings.manifests.length) {
		const {manifestSource} = await import('../transports/manifests.js');
		const reader = manifestSource([...settings.manifests], {onSkip: reportSkipped});
		return {reader, ...(named ? await sshNodes([]) : {}), openNode, info: {context: null, server: null, flavour: 'manifest files', isDemo: false}, close: nothingToClose};
	}

	const noKubeconfig = !kubeconfigFiles(settings).some((file) => existsSync(file));
	if (!useCluster || (noKubeconfig && named)) {
		return {
			...(useCluster ? {readerUnavailable: 'no cluster: no kubeconfig found, so only the named nodes are audited'} : {}),
			...(named ? await sshNodes([]) : {}),
			openNode,
			info: {context: null, server: null, flavour: 'unknown', isDemo: false},
			close: nothingToClose,
		};
	}
	// The demo stands in only when there is no kubeconfig at all: never for a bad argument, a
	// missing --kubeconfig file or a cluster that does not answer.
	if (noKubeconfig && options.demoWithoutKubeconfig && !settings.kubeconfig) {
		const demo = await openDemo(settings, useNodes);
		return {...demo, info: {...demo.info, note: `no kubeconfig found (${kubeconfigFiles(settings).join(', ')}): showing the demo environment`}};
	}

	// The Kubernetes client costs most of a second to load: only a run that uses it imports it.
	const [{KubernetesSource}, {KubernetesWriter}, {loadKubeconfig}] = await Promise.all([
		import('../transports/kubernetes.js'),
		import('../transports/kubernetes-writer.js'),
		import('../transports/kubeconfig.js'),
	]);
	let config: KubeConfig;
	let reader: InstanceType<typeof KubernetesSource>;
	try {
		config = loadKubeconfig({...(settings.kubeconfig ? {kubeconfig: settings.kubeconfig} : {}), ...(settings.context ? {context: settings.context} : {})});
		reader = new KubernetesSource(config, 'cluster', {timeoutMs: settings.timeoutMs});
		await reader.preflight();
	} catch (error) {
		// With named nodes and no cluster asked for by name, the operator may audit hosts alone:
		// the cluster checks are then skipped with the reason in full.
		const expected = error instanceof ConnectionError || error instanceof UsageError;
		if (!named || settings.kubeconfig || settings.context || !expected) throw error;
		return {readerUnavailable: `no cluster: ${error.message}`, ...(await sshNodes([])), openNode, info: {context: null, server: null, flavour: 'unknown', isDemo: false}, close: nothingToClose};
	}
	const writer = new KubernetesWriter(config, {timeoutMs: settings.timeoutMs});
	const access = useNodes ? await openNodeAccess(settings.nodeAccess, config, settings.timeoutMs, () => sshNodeSource(settings, options)) : undefined;
	let known: NodeInfo[] = [];
	let flavour = 'unknown';
	// The node list also tells the flavour (AKS hybrid, Arc…) shown on screen, nodes probed or not.
	if (options.use?.nodes ?? true) {
		const nodeObjects = await reader.list(resourceTypes.get('nodes')!);
		known = inventoryFromNodes(nodeObjects.items);
		flavour = detectFlavour(nodeObjects.items, []);
		if (nodeObjects.error && useNodes && !named) {
			throw new ConnectionError(`cannot find the nodes: ${nodeObjects.error}`, 'pass --nodes a,b (names or addresses) or --no-nodes');
		}
	}
	return {
		reader,
		writer,
		...(access ? {nodes: {list: nodeList(known), source: access.source, concurrency: settings.concurrency}} : {}),
		openNode,
		info: {context: reader.context, server: reader.server, flavour, isDemo: false},
		close: access?.close ?? nothingToClose,
	};
}

/** The built-in demo: its API server in this process, its nodes answering from recordings. */
async function openDemo(settings: ConnectionSettings, useNodes: boolean): Promise<Environment> {
	const [{startDemoEnvironment}, {KubernetesSource}, {KubernetesWriter}] = await Promise.all([
		import('../demo/environment.js'),
		import('../transports/kubernetes.js'),
		import('../transports/kubernetes-writer.js'),
	]);
	// One demo per state folder: what a fix changed there, the next run finds.
	const demo = await startDemoEnvironment({stateFolder: stateDir()});
	if (demo.notice) writeErr(`aks-harden: ${demo.notice}\n`);
	const reader = new KubernetesSource(demo.kubeConfig, 'demo');
	const nodeObjects = (await reader.list(resourceTypes.get('nodes')!)).items;
	const pods = (await reader.list(resourceTypes.get('pods')!)).items;
	const list = inventoryFromNodes(nodeObjects);
	// --node-access kubernetes on the demo: its nodes answer through probe pods on its API server.
	const access = useNodes && settings.nodeAccess.mode !== 'ssh' ? await openNodeAccess(settings.nodeAccess, demo.kubeConfig, settings.timeoutMs, async () => demo.nodeSource) : undefined;
	return {
		reader,
		writer: new KubernetesWriter(demo.kubeConfig),
		...(useNodes ? {nodes: {list: settings.nodeNames ? inventoryFromNames([...settings.nodeNames], list) : list, source: access?.source ?? demo.nodeSource, concurrency: settings.concurrency}} : {}),
		// The demo's Linux nodes are simulated: host fixes open a shell on them as on a real node.
		openNode: demo.openNode,
		info: {context: reader.context, server: reader.server, flavour: detectFlavour(nodeObjects, pods), isDemo: true},
		allowedRegistries: demo.allowedRegistries,
		close: async () => {
			await access?.close();
			await demo.close();
		},
	};
}

/** The SSH node source, one connection per node, with per-node user, port, key and jump host. */
async function sshNodeSource(settings: ConnectionSettings, options: EnvironmentOptions): Promise<NodeSource> {
	const {sshNodeSource: source} = await import('../transports/node-source.js');
	return {
		gather(node, probes, signal) {
			const target = settings.ssh.targetFor(node);
			return source({
				user: target.user,
				port: target.port,
				keyPaths: target.keyPaths ?? [],
				...(target.jump ? {jump: target.jump} : {}),
				ssh: {...settings.ssh.ssh, ...(options.prompts ?? {})},
			}).gather({...node, address: target.address}, probes, signal);
		},
	};
}

/** Shells for fixes, with the same options an audit uses (user, keys, known_hosts, jump, prompts). */
function sshOpener(settings: ConnectionSettings, options: EnvironmentOptions): (node: NodeAddress) => Promise<NodeShell> {
	return async (node) => {
		const {connectNode} = await import('../transports/ssh.js');
		// Windows nodes log in as Administrator: the node's OS (from the audit) picks the default user.
		const info: NodeInfo = {name: node.name, address: node.address, os: node.os ?? 'linux', role: 'worker', reachable: null, error: null};
		return connectNode(settings.ssh.targetFor(info), {...settings.ssh.ssh, ...(options.prompts ?? {})});
	};
}

/**
 * Fail closed: node checks were asked for and not one node answered (unreachable, refused, host
 * key changed). A report of cluster checks alone would read as a clean bill of health.
 */
export function noNodeReached(report: Pick<Report, 'nodes'>): ConnectionError | undefined {
	const tried = report.nodes.filter((node) => node.reachable !== null);
	if (!tried.length || !tried.every((node) => node.reachable === false)) return undefined;
	return new ConnectionError(
		`no node could be reached: ${tried.length === 1 ? 'the one node' : `all ${tried.length} nodes`} asked for ${tried.length === 1 ? 'was' : 'were'} unreachable or refused, so no node check was judged`,
		'see the reasons above (address, --ssh-port, --ssh-user, --known-hosts, --timeout); or pass --no-nodes to audit the cluster alone',
	);
}
