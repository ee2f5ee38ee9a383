import {KubeConfig} from '@kubernetes/client-node';
import {startApiServer} from './api-server.js';
import {demoObjects} from './cluster.js';
import {demoNodeRecordings} from '../probes/demo-nodes.js';
import type {NodeSource} from '../engine/source.js';
import type {NodeRef} from '../fix/model.js';
import type {NodeShell} from '../transports/interfaces.js';
import {shellNodeSource} from '../engine/gather-node.js';
import {shellNodeExec} from './pod-exec.js';
import {recordedShell} from '../probes/recorded.js';
import {windowsDemoRecording} from './windows-node.js';
import {initialNodes, type SimNode} from './node-files.js';
import {DemoNodeShell} from './node-shell.js';
import {readSavedDemo, saveDemo} from './saved-state.js';
import {demoContext} from './context.js';


export type DemoEnvironment = {
	readonly kubeConfig: KubeConfig;
	readonly kubeconfigYaml: string;
	readonly nodeSource: NodeSource;
	/** A session to a demo node, as `ssh` gives one to a real node: host fixes go through it. */
	readonly openNode: (node: NodeRef) => Promise<NodeShell>;
	/** The demo's private registry, as an operator would list theirs in .aks-harden.yaml. */
	readonly allowedRegistries: readonly string[];
	/** Why a saved demo could not be read (it then starts afresh), to be shown once. */
	readonly notice?: string;
	readonly close: () => Promise<void>;
};

export type DemoOptions = {
	/** Keep the demo in this state folder: start from what an earlier run left, save what changes. */
	readonly stateFolder?: string;
};

/**
 * The built-in demo: a real HTTPS Kubernetes API server on 127.0.0.1 serving a simulated AKS
 * hybrid cluster, and Linux nodes with simulated files that answer the same scripts a real node
 * gets. The audit and the fixes reach both through the same client code as a real cluster.
 */
export async function startDemoEnvironment(options: DemoOptions = {}): Promise<DemoEnvironment> {
	const {saved, problem} = options.stateFolder ? readSavedDemo(options.stateFolder) : {};
	// Probe pods (--node-access kubernetes) on a demo node run their script on its simulated files.
	const server = await startApiServer({
		objects: saved?.objects ?? demoObjects(),
		tokens: {'demo-operator-token': 'demo-operator'},
		nodeExec: shellNodeExec((name) => (recordings.has(name) ? shellFor(name) : undefined)),
		execNodes: (name) => recordings.has(name),
	});
	const kubeconfigYaml = server.kubeconfigYaml({token: 'demo-operator-token', context: demoContext});
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromString(kubeconfigYaml);

	const nodes: Record<string, SimNode> = {...initialNodes(), ...saved?.nodes};
	// What this run changed: only that is written over what another run may have saved meanwhile.
	let isClusterChanged = false;
	const changedNodes = new Set<string>();
	const save = () => {
		if (options.stateFolder && (isClusterChanged || changedNodes.size)) {
			saveDemo(options.stateFolder, {
				...(isClusterChanged ? {objects: server.store.all()} : {}),
				nodes: Object.fromEntries([...changedNodes].map((name) => [name, nodes[name]!])),
			});
		}
		isClusterChanged = false;
		changedNodes.clear();
	};
	// Saved after each write, not only at the end: a run stopped by Ctrl-C keeps what it applied.
	let pending: NodeJS.Immediate | undefined;
	const later = () => {
		pending ??= setImmediate(() => {
			pending = undefined;
			save();
		});
	};
	const unsubscribe = server.store.subscribe(() => {
		isClusterChanged = true;
		later();
	});
	const windows = windowsDemoRecording();
	const recordings = new Map(demoNodeRecordings().map((recording) => [recording.name, recording]));
	const shellFor = (name: string): NodeShell => {
		const recording = recordings.get(name);
		if (!recording) throw new Error(name === windows.name ? `${name} is the demo's Windows node: it answers audits from recorded cmdlet output, and its fixes need a real Windows node (the plan shows what would run)` : `${name} is not a node of the demo`);
		const onChange = () => {
			changedNodes.add(name);
			later();
		};
		return new DemoNodeShell({recording, files: (nodes[name] ??= {files: {}}), onChange});
	};
	const windowsSource = shellNodeSource(async () => recordedShell(windows), {runTimeoutMs: 60_000});
	const linux = shellNodeSource(async (node) => shellFor(node.name), {runTimeoutMs: 60_000});
	const nodeSource: NodeSource = {
		async gather(node, probes, signal) {
			// The Windows node answers the PowerShell script from recorded cmdlet output.
			if (node.name === windows.name) return windowsSource.gather(node, probes, signal);
			if (!recordings.has(node.name)) return {node: {...node, reachable: false, error: 'not a node of the demo'}, probes: new Map()};
			return linux.gather(node, probes, signal);
		},
	};
	return {
		kubeConfig,
		kubeconfigYaml,
		nodeSource,
		openNode: async (node) => shellFor(node.name),
		allowedRegistries: ['contosoacr.azurecr.io'],
		...(problem ? {notice: problem} : {}),
		close: async () => {
			if (pending) clearImmediate(pending);
			pending = undefined;
			unsubscribe();
			save();
			await server.close();
		},
	};
}
