import type {KubeObject} from '../model/kube.js';
import {ago, asKube, object, type Clock, type NodePlacement, type Obj, type Spec} from './builders.js';
import {cp, demoNodes, k8sVersion, workers} from './cluster-parts.js';
import {platformObjects} from './cluster-platform.js';
import {platformRbac, userRbac} from './cluster-rbac.js';
import {userObjects} from './cluster-workloads.js';

export {generateBenchCluster} from './bench-cluster.js';
export {DEMO_SECRET_CANARY, demoNodes} from './cluster-parts.js';

export type DemoOptions = {
	/** Timestamps are placed relative to this; pass one for byte-stable output. */
	readonly now?: Date;
};

/**
 * The simulated AKS hybrid workload cluster: platform components shaped like the real ones
 * (static control-plane pods, Calico, CSI, MOC, Arc agents, monitoring) and user namespaces
 * with the problems an audit should find. A fresh copy each call.
 */
export function demoObjects(options: DemoOptions = {}): KubeObject[] {
	const clock: Clock = {now: (options.now ?? new Date()).getTime()};
	return asKube([
		...namespaces(clock),
		...nodes(clock),
		...platformObjects(clock),
		...userObjects(clock),
		...platformRbac(ago(clock, 41)),
		...userRbac(ago(clock, 20)),
	]);
}

function namespaces(clock: Clock): Obj[] {
	const ns = (name: string, days: number, labels: Record<string, string> = {}) =>
		object('v1', 'Namespace', {name, labels: {'kubernetes.io/metadata.name': name, ...labels}, creationTimestamp: ago(clock, days)}, {
			spec: {finalizers: ['kubernetes']},
			status: {phase: 'Active'},
		});
	const system = ['kube-system', 'kube-public', 'kube-node-lease', 'default'].map((name) => ns(name, 41));
	return [
		...system,
		ns('calico-system', 41, {name: 'calico-system'}),
		ns('azure-arc', 40, {'admission.policy.azure.com/ignore': 'true', 'control-plane': 'true'}),
		ns('monitoring', 38),
		ns('shop', 30, {
			'pod-security.kubernetes.io/enforce': 'baseline',
			'pod-security.kubernetes.io/enforce-version': 'latest',
			team: 'storefront',
		}),
		ns('payments', 26, {team: 'payments'}),
		ns('legacy', 35, {team: 'platform-legacy'}),
	];
}

function nodes(clock: Clock): Obj[] {
	const linuxInfo = {
		osImage: 'CBL-Mariner/Linux',
		kernelVersion: '5.15.173.1-2.cm2',
		containerRuntimeVersion: 'containerd://1.6.26',
		kubeletVersion: k8sVersion,
		kubeProxyVersion: k8sVersion,
		operatingSystem: 'linux',
		architecture: 'amd64',
	};
	const windowsInfo = {
		osImage: 'Windows Server 2022 Datacenter',
		kernelVersion: '10.0.20348.2966',
		containerRuntimeVersion: 'containerd://1.6.21+azure',
		kubeletVersion: k8sVersion,
		kubeProxyVersion: k8sVersion,
		operatingSystem: 'windows',
		architecture: 'amd64',
	};
	const node = (placement: NodePlacement, info: Spec, extraLabels: Record<string, string>, spec: Spec, capacity: Spec) => {
		const id = Buffer.from(placement.name).toString('hex').padEnd(32, '0').slice(0, 32);
		return object(
			'v1',
			'Node',
			{
				name: placement.name,
				labels: {
					'beta.kubernetes.io/arch': 'amd64',
					'beta.kubernetes.io/os': info.operatingSystem,
					'kubernetes.io/arch': 'amd64',
					'kubernetes.io/hostname': placement.name,
					'kubernetes.io/os': info.operatingSystem,
					...extraLabels,
				},
				annotations: {
					'node.alpha.kubernetes.io/ttl': '0',
					'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
				},
				creationTimestamp: ago(clock, 41),
			},
			{
				spec: {podCIDR: `10.244.${placement.ip.split('.')[3]}.0/24`, podCIDRs: [`10.244.${placement.ip.split('.')[3]}.0/24`], providerID: `moc://${placement.name}`, ...spec},
				status: {
					addresses: [
						{type: 'InternalIP', address: placement.ip},
						{type: 'Hostname', address: placement.name},
					],
					capacity,
					allocatable: {...capacity, memory: capacity.memory.replace(/(\d+)Ki/, (_: string, n: string) => `${Number(n) - 512_000}Ki`)},
					conditions: [
						['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
						['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
						['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
						['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
					].map(([type, status, reason, message]) => ({type, status, reason, message, lastHeartbeatTime: ago(clock, 0, 0.01), lastTransitionTime: ago(clock, 41)})),
					daemonEndpoints: {kubeletEndpoint: {Port: 10250}},
					nodeInfo: {machineID: id, systemUUID: id.toUpperCase(), bootID: id.split('').reverse().join(''), ...info},
				},
			},
		);
	};
	const linuxCapacity = {cpu: '4', 'ephemeral-storage': '103110128Ki', 'hugepages-2Mi': '0', memory: '16365152Ki', pods: '110'};
	return [
		node(cp, linuxInfo, {'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': ''}, {
			taints: [{key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}],
		}, linuxCapacity),
		...workers.map((w) => node(w, linuxInfo, {}, {}, linuxCapacity)),
		node(demoNodes.windows, windowsInfo, {'node.kubernetes.io/windows-build': '10.0.20348'}, {
			taints: [{key: 'os', value: 'windows', effect: 'NoSchedule'}],
		}, {cpu: '4', 'ephemeral-storage': '133156860Ki', memory: '16776692Ki', pods: '110'}),
	];
}
