// POST pods/NAME/eviction (policy/v1 Eviction), with the server's PodDisruptionBudget rule: a
// pod covered by a budget that allows no disruption now is refused with 429 TooManyRequests;
// otherwise it is deleted. The disruption controller's arithmetic (healthy pods against
// minAvailable / maxUnavailable) is done on the spot from the pods the store holds.
import type {KubeObject} from '../model/kube.js';
import {bucketName, type MutableObject, type ObjectStore} from './object-store.js';
import {ApiError, errors} from './status.js';

type Labels = Readonly<Record<string, string>>;
type Selector = {matchLabels?: Labels; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>};

function selects(selector: Selector | undefined, labels: Labels): boolean {
	if (!selector) return false;
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
	for (const e of selector.matchExpressions ?? []) {
		const has = e.key in labels;
		const inValues = has && (e.values ?? []).includes(labels[e.key]!);
		if ((e.operator === 'In' && !inValues) || (e.operator === 'NotIn' && inValues) || (e.operator === 'Exists' && !has) || (e.operator === 'DoesNotExist' && has)) return false;
	}
	return true;
}

function isHealthy(pod: MutableObject): boolean {
	if (pod.metadata['deletionTimestamp']) return false;
	const status = (pod.status ?? {}) as {phase?: string; conditions?: Array<{type?: string; status?: string}>};
	const ready = status.conditions?.find((condition) => condition.type === 'Ready');
	return ready ? ready.status === 'True' : status.phase === 'Running';
}

function scaled(value: number | string, total: number, roundUp: boolean): number {
	if (typeof value === 'number') return value;
	const percent = Number(value.replace('%', '')) / 100;
	return roundUp ? Math.ceil(percent * total) : Math.floor(percent * total);
}

/** What the disruption controller would put in status.disruptionsAllowed right now. */
export function disruptionsAllowed(budget: KubeObject, pods: readonly MutableObject[]): number {
	const spec = ((budget as {spec?: {selector?: Selector; minAvailable?: number | string; maxUnavailable?: number | string}}).spec ?? {});
	const covered = pods.filter((pod) => pod.metadata.namespace === budget.metadata.namespace && selects(spec.selector, (pod.metadata.labels ?? {}) as Labels));
	const healthy = covered.filter(isHealthy).length;
	const expected = covered.length;
	const desired = spec.minAvailable !== undefined ? scaled(spec.minAvailable, expected, true) : spec.maxUnavailable !== undefined ? expected - scaled(spec.maxUnavailable, expected, true) : expected;
	return Math.max(0, healthy - desired);
}

export function evictPod(store: ObjectStore, namespace: string, name: string, body: unknown, isDryRun: boolean, onDelete: (pod: MutableObject) => void): {status: number; body: unknown} {
	const eviction = (body ?? {}) as {kind?: string; metadata?: {name?: string}};
	if (eviction.kind !== 'Eviction') throw errors.badRequest(`expected an Eviction, got ${eviction.kind ?? 'nothing'}`);
	if (eviction.metadata?.name !== undefined && eviction.metadata.name !== name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
	const podBucket = bucketName('', 'Pod');
	const pod = store.peek(podBucket, namespace, name);
	if (!pod) throw errors.notFound({group: '', plural: 'pods'}, name);
	const pods = [...store.scan(podBucket, {namespace})].map(([, object]) => object);
	const budgets = store.all('PodDisruptionBudget').filter((budget) => budget.metadata.namespace === namespace && selects((budget as {spec?: {selector?: Selector}}).spec?.selector, (pod.metadata.labels ?? {}) as Labels));
	if (budgets.length > 1) throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
	const budget = budgets[0];
	// A pod that is not healthy anyway can go: evicting it costs the budget nothing.
	if (budget && isHealthy(pod) && disruptionsAllowed(budget, pods) < 1) {
		throw new ApiError(429, 'TooManyRequests', `Cannot evict pod as it would violate the pod's disruption budget.`, {
			causes: [{reason: 'DisruptionBudget', message: `The disruption budget ${budget.metadata.name} needs ${String((budget as {spec?: {minAvailable?: unknown}}).spec?.minAvailable ?? 'its')} healthy pods and has ${pods.filter(isHealthy).length} currently`}],
		});
	}
	if (!isDryRun) {
		store.delete(podBucket, namespace, name);
		onDelete(pod);
	}
	return {status: 201, body: {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201}};
}
