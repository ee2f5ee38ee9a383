// The Kubernetes side of a node-safe restart: which pool a node is in, whether others in it are
// Ready, which pods a drain evicts and which PodDisruptionBudgets hold them, cordon and uncordon.
// All of it through the ClusterWriter: the Eviction API, so PDBs are the server's to enforce.
import type {KubeObject} from '../../model/kube.js';
import type {ClusterWriter} from '../../transports/interfaces.js';

const nodeRef = (name: string) => ({apiVersion: 'v1', kind: 'Node', name});

/** Labels that name a node pool on AKS hybrid and AKS; without one, nodes of the same role form the pool. */
const poolLabels = ['kubernetes.azure.com/agentpool', 'agentpool', 'msft.microsoft/nodepool-name'];

type Labels = Readonly<Record<string, string>>;
const labelsOf = (object: KubeObject): Labels => (object.metadata.labels ?? {}) as Labels;

export function poolOf(node: KubeObject): string {
	const labels = labelsOf(node);
	for (const key of poolLabels) if (labels[key]) return `${key}=${labels[key]}`;
	return 'node-role.kubernetes.io/control-plane' in labels ? 'the control-plane nodes' : 'the worker nodes';
}

export function isReady(node: KubeObject | undefined): boolean {
	const conditions = ((node as {status?: {conditions?: Array<{type?: string; status?: string}>}} | undefined)?.status?.conditions) ?? [];
	return conditions.some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

const isCordoned = (node: KubeObject): boolean => (node as {spec?: {unschedulable?: boolean}}).spec?.unschedulable === true;

type Pod = KubeObject & {spec?: {nodeName?: string}; status?: {phase?: string}};
const podName = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** Pods a drain leaves alone: DaemonSet pods (their controller ignores cordons), mirror pods, finished pods. */
function isLeftAlone(pod: Pod): boolean {
	const owners = (pod.metadata.ownerReferences ?? []) as ReadonlyArray<{kind?: string; controller?: boolean}>;
	if (owners.some((owner) => owner.controller && owner.kind === 'DaemonSet')) return true;
	if ((pod.metadata.annotations as Labels | undefined)?.['kubernetes.io/config.mirror']) return true;
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

const hasController = (pod: Pod) => ((pod.metadata.ownerReferences ?? []) as ReadonlyArray<{controller?: boolean}>).some((owner) => owner.controller);

type Pdb = KubeObject & {spec?: {selector?: {matchLabels?: Labels; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>}}; status?: {disruptionsAllowed?: number}};

export function selects(selector: NonNullable<Pdb['spec']>['selector'], labels: Labels): boolean {
	if (!selector) return false;
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
	for (const expression of selector.matchExpressions ?? []) {
		const has = expression.key in labels;
		const value = labels[expression.key];
		const values = expression.values ?? [];
		if (expression.operator === 'In' && !(has && values.includes(value!))) return false;
		if (expression.operator === 'NotIn' && has && values.includes(value!)) return false;
		if (expression.operator === 'Exists' && !has) return false;
		if (expression.operator === 'DoesNotExist' && has) return false;
	}
	return true;
}

export type Preflight = {
	readonly node: KubeObject;
	readonly pool: string;
	/** Other nodes of the pool that are Ready and schedulable: where the drained pods can go. */
	readonly readyPeers: readonly string[];
	readonly wasCordoned: boolean;
	readonly evict: readonly KubeObject[];
	/** Pods without a controller: a drain would delete them for good (kubectl drain refuses without --force). */
	readonly unmanaged: readonly string[];
	/** `ns/pdb allows no disruption now (pods a, b)`. */
	readonly blockingBudgets: readonly string[];
};

/** What the operator must know before the node is touched; reads only. */
export async function preflight(kube: ClusterWriter, nodeName: string): Promise<Preflight | {missing: string}> {
	const node = await kube.get(nodeRef(nodeName));
	if (!node) return {missing: `no Node ${nodeName} in the cluster: the rollout drains through the API, so the node's name must match its Node object`};
	const pool = poolOf(node);
	const nodes = await kube.list({apiVersion: 'v1', kind: 'Node'});
	const readyPeers = nodes.filter((other) => other.metadata.name !== nodeName && poolOf(other) === pool && isReady(other) && !isCordoned(other)).map((other) => other.metadata.name);
	const pods = (await kube.list({apiVersion: 'v1', kind: 'Pod'}, {fieldSelector: `spec.nodeName=${nodeName}`})) as Pod[];
	const evict = pods.filter((pod) => !isLeftAlone(pod));
	const budgets = (await kube.list({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget'})) as Pdb[];
	const blockingBudgets: string[] = [];
	for (const budget of budgets) {
		const held = evict.filter((pod) => pod.metadata.namespace === budget.metadata.namespace && selects(budget.spec?.selector, labelsOf(pod)));
		if (held.length && (budget.status?.disruptionsAllowed ?? 0) < held.length) {
			blockingBudgets.push(`PodDisruptionBudget ${budget.metadata.namespace}/${budget.metadata.name} allows ${budget.status?.disruptionsAllowed ?? 0} disruption${budget.status?.disruptionsAllowed === 1 ? '' : 's'} now (holds ${held.map((pod) => pod.metadata.name).join(', ')})`);
		}
	}
	return {node, pool, readyPeers, wasCordoned: isCordoned(node), evict, unmanaged: evict.filter((pod) => !hasController(pod)).map(podName), blockingBudgets};
}

export async function setCordon(kube: ClusterWriter, nodeName: string, unschedulable: boolean): Promise<void> {
	await kube.patch(nodeRef(nodeName), 'merge', {spec: {unschedulable: unschedulable ? true : null}}, {dryRun: false});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Evicts every pod until none is left or the deadline passes. A 429 is a PodDisruptionBudget
 * saying "not now": that pod is tried again every two seconds, as `kubectl drain` does.
 */
export async function drain(kube: ClusterWriter, nodeName: string, pods: readonly KubeObject[], deadline: number, onProgress: (message: string) => void): Promise<{ok: true} | {ok: false; reason: string}> {
	const pending = new Map(pods.map((pod) => [podName(pod), pod]));
	let lastBlock = '';
	while (pending.size) {
		for (const [name, pod] of [...pending]) {
			const result = await kube.evict(pod.metadata.namespace!, pod.metadata.name);
			if ('evicted' in result) {
				pending.delete(name);
				onProgress(`evicted ${name}`);
			} else if (result.blocked !== lastBlock) {
				lastBlock = result.blocked;
				onProgress(`${name}: ${result.blocked} (retrying)`);
			}
		}
		if (!pending.size) break;
		if (Date.now() > deadline) return {ok: false, reason: `the drain timed out: ${[...pending.keys()].join(', ')} could not be evicted (${lastBlock})`};
		await sleep(2000);
	}
	// Evicted pods terminate on their own schedule; the node is drained when they are gone.
	for (;;) {
		const left = (await kube.list({apiVersion: 'v1', kind: 'Pod'}, {fieldSelector: `spec.nodeName=${nodeName}`})).filter((pod) => pods.some((evicted) => podName(evicted) === podName(pod)));
		if (!left.length) return {ok: true};
		if (Date.now() > deadline) return {ok: false, reason: `the drain timed out: ${left.map(podName).join(', ')} still terminating`};
		await sleep(1000);
	}
}

export async function nodeReady(kube: ClusterWriter, nodeName: string): Promise<boolean> {
	return isReady(await kube.get(nodeRef(nodeName)));
}
