import type {KubeObject} from '../model/kube.js';
import {ago, asKube, container, deployment, digestOf, object, range, type Clock, type NodePlacement, type Obj, type Spec} from './builders.js';

const namespaceCount = 50;
const nodeCount = 20;

/**
 * A large cluster for benchmarks: `deployments` Deployments across fifty namespaces, each with
 * its ReplicaSet and an equal share of `pods`, in a rotating mix of sound and unsound settings.
 */
export function generateBenchCluster(pods = 10_000, deployments = 2_000, options: {readonly now?: Date} = {}): KubeObject[] {
	const clock: Clock = {now: (options.now ?? new Date()).getTime()};
	const nodes: NodePlacement[] = range(nodeCount).map((i) => ({name: `moc-bench${String(i).padStart(3, '0')}`, ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 4}`}));
	const out: Obj[] = [];
	for (const i of range(namespaceCount)) {
		const name = `bench-${String(i).padStart(2, '0')}`;
		const labels: Record<string, string> = {'kubernetes.io/metadata.name': name};
		if (i % 2 === 0) labels['pod-security.kubernetes.io/enforce'] = i % 4 === 0 ? 'restricted' : 'baseline';
		out.push(object('v1', 'Namespace', {name, labels, creationTimestamp: ago(clock, 60)}, {spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}}));
		out.push(object('v1', 'ServiceAccount', {name: 'default', namespace: name, creationTimestamp: ago(clock, 60)}));
	}
	for (const node of nodes) {
		out.push(
			object('v1', 'Node', {name: node.name, labels: {'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node.name}, creationTimestamp: ago(clock, 60)}, {
				status: {
					addresses: [{type: 'InternalIP', address: node.ip}],
					conditions: [{type: 'Ready', status: 'True'}],
					nodeInfo: {osImage: 'CBL-Mariner/Linux', kernelVersion: '5.15.173.1-2.cm2', containerRuntimeVersion: 'containerd://1.6.26', kubeletVersion: 'v1.30.9', operatingSystem: 'linux', architecture: 'amd64'},
				},
			}),
		);
	}
	const base = Math.floor(pods / Math.max(deployments, 1));
	let extra = pods - base * deployments;
	for (const i of range(deployments)) {
		const replicas = base + (extra-- > 0 ? 1 : 0);
		out.push(
			...deployment({
				namespace: `bench-${String(i % namespaceCount).padStart(2, '0')}`,
				name: `app-${String(i).padStart(4, '0')}`,
				created: ago(clock, 1 + (i % 50)),
				replicas,
				nodes: range(replicas).map((r) => nodes[(i * 7 + r) % nodes.length]!),
				spec: variant(i),
			}),
		);
	}
	return asKube(out);
}

/** Five flavours in turn, so every check has passes and failures to sift. */
function variant(i: number): Spec {
	const good = {
		allowPrivilegeEscalation: false,
		readOnlyRootFilesystem: true,
		capabilities: {drop: ['ALL']},
	};
	const limits = {requests: {cpu: '100m', memory: '128Mi'}, limits: {cpu: '500m', memory: '256Mi'}};
	switch (i % 5) {
		case 0:
			return {
				automountServiceAccountToken: false,
				securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: 'RuntimeDefault'}},
				containers: [container({name: 'app', image: `contosoacr.azurecr.io/bench/app@${digestOf(`bench/app:${i}`)}`, resources: limits, securityContext: good})],
			};
		case 1:
			return {containers: [container({name: 'app', image: 'nginx:latest', securityContext: {privileged: true}, env: [{name: 'API_TOKEN', value: 'bench-literal'}]})]};
		case 2:
			return {containers: [container({name: 'app', image: `contosoacr.azurecr.io/bench/app:1.${i % 10}.0`, securityContext: good})]};
		case 3:
			return {
				securityContext: {runAsUser: 0},
				containers: [container({name: 'app', image: 'docker.io/library/redis:7', resources: limits, volumeMounts: [{name: 'host', mountPath: '/host'}]})],
				volumes: [{name: 'host', hostPath: {path: '/var/lib/bench', type: 'DirectoryOrCreate'}}],
			};
		default:
			return {
				hostNetwork: true,
				containers: [
					container({
						name: 'app',
						image: `quay.io/bench/agent:${i % 7}`,
						ports: [{containerPort: 9000 + (i % 100), hostPort: 9000 + (i % 100)}],
						securityContext: {capabilities: {add: ['NET_ADMIN']}},
						resources: limits,
					}),
				],
			};
	}
}
