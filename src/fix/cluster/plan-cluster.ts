import {parse as parseYaml} from 'yaml';
import {isSystemNamespace} from '../../engine/exceptions.js';
import type {KubeObject} from '../../model/kube.js';
import {resourceByKind} from '../../model/resources.js';
import type {FixContext} from '../context.js';
import {objectDigest} from '../digest.js';
import {isObject, mergePatch, type Json} from '../json-ops.js';
import {ABSENT, labelOf, type KubeChange, type ObjectRef, type Plan} from '../model.js';
import {formatCpu, formatMemory, parameterValues, parseQuantity, ParameterError, resolveValue, type ParameterValues} from '../parameters.js';
import {basePlan, displayObject, instructionsOf, newId, withChanges, withStatus, type PlanItem} from '../plan-base.js';
import type {Playbook} from '../playbook.js';
import {unifiedDiff} from '../text-diff.js';
import type {ClusterWriter} from '../../transports/interfaces.js';
import {KubeRejection} from '../../model/errors.js';
import {editWorkload, rolloutOf, type WorkloadEditRequest} from './workload-edit.js';

function refOf(target: {kind: string; namespace?: string; name: string}): ObjectRef {
	const apiVersion = resourceByKind.get(target.kind)?.apiVersion ?? 'v1';
	return {apiVersion, kind: target.kind, ...(target.namespace ? {namespace: target.namespace} : {}), name: target.name};
}

function rejection(error: unknown): string {
	if (error instanceof KubeRejection) return `the API server refused the dry-run (${error.status} ${error.reason}): ${error.message}`;
	throw error;
}

function needKube(context: FixContext): ClusterWriter {
	if (!context.transport.kube) throw new ParameterError('no cluster connection: cluster fixes need a kubeconfig (or use --manifests for files)');
	return context.transport.kube;
}

/**
 * One plan per workload: every workload-patch playbook its findings name, composed into one
 * strategic merge patch, dry-run on the server, shown as the diff between the object as stored
 * and as the dry-run returned it.
 */
export async function planWorkload(items: readonly PlanItem[], context: FixContext): Promise<Plan> {
	const target = items[0]!.finding.target as {kind: string; namespace?: string; name: string};
	const ref = refOf(target);
	let plan = basePlan(items, `${items.map(({loaded}) => loaded.playbook.title).filter(unique).join('; ')} — ${labelOf(ref)}`);
	const kube = needKube(context);
	const live = await kube.get(ref);
	if (!live) return withStatus(plan, 'error', `${labelOf(ref)} no longer exists`);
	const suggestions = await suggestResources(kube, live, items.map(({loaded}) => loaded.playbook));
	// Each finding on its own first: one that needs a value or cannot be fixed here is set aside
	// with its reason, and the others still make one patch.
	const accepted: Array<{item: PlanItem; request: WorkloadEditRequest}> = [];
	const notes: string[] = [];
	const missing = new Map<string, Plan['missing'][number]>();
	let firstProblem: {status: 'refused' | 'needs-parameters' | 'error'; reason: string} | undefined;
	for (const item of items) {
		const {finding, loaded} = item;
		let values: Record<string, string | number>;
		try {
			values = parameterValues(loaded.playbook, context.parameters ?? {}, suggestions.values);
		} catch (error) {
			if (error instanceof ParameterError) return withStatus(plan, 'needs-parameters', error.message);
			throw error;
		}
		const container = 'container' in finding.target ? finding.target.container : undefined;
		const request: WorkloadEditRequest = {playbook: loaded.playbook, ...(container ? {container} : {}), values};
		const trial = editWorkload(live, [request]);
		if (!trial.ok) {
			for (const parameter of trial.missing ?? []) {
				missing.set(parameter.name, {name: parameter.name, description: parameter.description, ...(suggestions.notes[parameter.name] ? {suggestion: suggestions.notes[parameter.name]} : {})});
			}
			notes.push(`${finding.checkId}${container ? ` (container ${container})` : ''} left out: ${trial.reason}`);
			firstProblem ??= {status: trial.status, reason: trial.reason};
			continue;
		}
		plan = {...plan, parameters: {...plan.parameters, ...values}};
		accepted.push({item, request});
	}
	plan = {...plan, notes, missing: [...missing.values()]};
	if (!accepted.length) {
		const status = missing.size ? 'needs-parameters' : firstProblem!.status;
		return withStatus(plan, status, missing.size ? `needs ${[...missing.keys()].join(', ')}` : firstProblem!.reason, {notes, missing: [...missing.values()]});
	}
	plan = {...plan, findings: accepted.map(({item}) => ({checkId: item.finding.checkId, target: item.finding.target}))};
	const edit = editWorkload(live, accepted.map(({request}) => request));
	if (!edit.ok) return withStatus(plan, edit.status, edit.reason);
	let dry;
	try {
		dry = await kube.patch(ref, 'strategic', edit.patch, {dryRun: true});
	} catch (error) {
		return withStatus(plan, 'rejected', rejection(error));
	}
	const change: KubeChange = {
		id: newId('change'),
		type: 'kube',
		summary: `patch ${labelOf(ref)}: ${accepted.map(({item}) => item.loaded.playbook.title.toLowerCase()).filter(unique).join(', ')}`,
		fixes: accepted.map(({item}) => ({checkId: item.finding.checkId, target: item.finding.target})),
		target: ref,
		operation: 'patch',
		patchType: 'strategic',
		body: edit.patch,
		beforeDigest: objectDigest(live),
		afterDigest: objectDigest(dry.object),
		diff: unifiedDiff(labelOf(ref), displayObject(live), displayObject(dry.object), {before: ' (as stored)', after: ' (server dry-run)'}),
		effects: [rolloutOf(live), ...Object.values(suggestions.notes)],
		warnings: [...dry.warnings],
	};
	return withChanges(plan, change.beforeDigest === change.afterDigest ? [] : [change]);
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
	return all.indexOf(value) === index;
}

/**
 * Requests and limits suggested from metrics-server: the highest usage seen across the
 * workload's pods, with headroom. Without metrics-server there is nothing to suggest from and
 * the operator gives the values.
 */
async function suggestResources(kube: ClusterWriter, live: KubeObject, playbooks: readonly Playbook[]): Promise<{values: ParameterValues; notes: Record<string, string>}> {
	const wanted = playbooks.flatMap((playbook) => playbook.parameters.filter((parameter) => parameter.suggest));
	if (!wanted.length || !live.metadata.namespace) return {values: {}, notes: {}};
	const metrics = await kube.podMetrics(live.metadata.namespace).catch(() => undefined);
	if (!metrics) return {values: {}, notes: {}};
	const selector = selectorOf(live);
	const pods = metrics.filter((pod) => Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value));
	if (!pods.length || !Object.keys(selector).length) return {values: {}, notes: {}};
	let cpu = 0;
	let memory = 0;
	for (const pod of pods) {
		for (const container of pod.containers) {
			cpu = Math.max(cpu, parseQuantity(container.usage['cpu'] ?? '0') ?? 0);
			memory = Math.max(memory, parseQuantity(container.usage['memory'] ?? '0') ?? 0);
		}
	}
	const values: Record<string, string> = {};
	const notes: Record<string, string> = {};
	for (const parameter of wanted) {
		// Requests at peak usage plus a fifth; limits at twice the request.
		const isLimit = /limit/i.test(parameter.name);
		const factor = isLimit ? 2.4 : 1.2;
		const value = parameter.suggest === 'metrics-cpu' ? formatCpu(cpu * factor) : formatMemory(memory * factor);
		values[parameter.name] = value;
		notes[parameter.name] = `${parameter.name} ${value} suggested from metrics-server (peak ${parameter.suggest === 'metrics-cpu' ? formatCpu(cpu) : formatMemory(memory)} over ${pods.length} pod${pods.length === 1 ? '' : 's'})`;
	}
	return {values, notes};
}

function selectorOf(object: KubeObject): Record<string, string> {
	const spec = (object['spec'] ?? {}) as Json;
	const selector = spec['selector'];
	if (isObject(selector) && isObject(selector['matchLabels'])) return selector['matchLabels'] as Record<string, string>;
	if (object.kind === 'ReplicationController' && isObject(selector)) return selector as Record<string, string>;
	return {};
}

const psaRank: Readonly<Record<string, number>> = {privileged: 0, baseline: 1, restricted: 2};

/**
 * Namespace-scoped playbooks: Pod Security Admission labels in stages, the default
 * ServiceAccount, or an object (LimitRange, ResourceQuota) shown and editable before it is created.
 */
export async function planNamespace(item: PlanItem, context: FixContext): Promise<Plan> {
	const {finding, loaded} = item;
	const namespace = 'namespace' in finding.target && finding.target.namespace ? finding.target.namespace : '';
	let plan = basePlan([item], `${loaded.playbook.title} — namespace ${namespace}`);
	if (!namespace) return withStatus(plan, 'error', 'the finding names no namespace');
	if (loaded.playbook.refuseSystemNamespaces && isSystemNamespace(context.catalog.exceptions, namespace)) {
		return withStatus(plan, 'refused', `${namespace} is a system namespace: the platform's own pods run there and are privileged by design (kube-proxy, Calico, CSI, Arc agents); aks-harden never labels, limits or restricts it`);
	}
	let values: Record<string, string | number>;
	try {
		values = {namespace, ...parameterValues(loaded.playbook, context.parameters ?? {})};
	} catch (error) {
		if (error instanceof ParameterError) return withStatus(plan, 'needs-parameters', error.message);
		throw error;
	}
	plan = {...plan, parameters: values};
	if (loaded.playbook.risk === 'manual' || loaded.playbook.risk === 'never') {
		return withStatus(plan, loaded.playbook.risk === 'manual' ? 'manual' : 'refused', loaded.playbook.why?.trim() ?? '', {instructions: renderManual(item, values)});
	}
	const kube = needKube(context);
	const changes: KubeChange[] = [];
	for (const step of loaded.playbook.steps) {
		try {
			if (step.type === 'namespace-label') changes.push(...(await planLabels(kube, namespace, step.stages, item, values)));
			else if (step.type === 'service-account-patch') {
				const change = await planServiceAccount(kube, namespace, step.name, resolved(step.set, loaded.playbook, values) as Json, item);
				if (change) changes.push(change);
			} else if (step.type === 'apply-object') {
				const text = values[step.parameter];
				if (text === undefined) return withStatus(plan, 'needs-parameters', `needs ${step.parameter}`, {missing: [{name: step.parameter, description: parameterOf(loaded.playbook, step.parameter)}]});
				const change = await planCreate(kube, namespace, String(resolved(String(text), loaded.playbook, values)), item);
				if ('refused' in change) return withStatus(plan, 'refused', change.refused);
				if (change.change) changes.push(change.change);
			}
		} catch (error) {
			if (error instanceof KubeRejection) return withStatus(plan, 'rejected', rejection(error));
			if (error instanceof ParameterError) return withStatus(plan, 'needs-parameters', error.message);
			throw error;
		}
	}
	return withChanges(plan, changes);
}

function parameterOf(playbook: Playbook, name: string): string {
	return playbook.parameters.find((parameter) => parameter.name === name)?.description ?? name;
}

function resolved(value: unknown, playbook: Playbook, values: ParameterValues): unknown {
	const result = resolveValue(value, playbook, values);
	if ('missing' in result) throw new ParameterError(`needs ${result.missing.name}`);
	return 'value' in result ? result.value : undefined;
}

/** A manual playbook with an object to show: the YAML the operator reviews and applies themselves. */
function renderManual(item: PlanItem, values: ParameterValues): string {
	const parts = [instructionsOf(item.loaded)];
	for (const step of item.loaded.playbook.steps) {
		if (step.type !== 'apply-object') continue;
		const text = values[step.parameter];
		if (text === undefined) continue;
		const shown = resolveValue(String(text), item.loaded.playbook, values);
		parts.push(`The object, to review and apply yourself (kubectl apply -f):\n\n${String('value' in shown ? shown.value : text).trimEnd()}\n`);
	}
	return parts.filter(Boolean).join('\n\n');
}

async function planLabels(kube: ClusterWriter, namespace: string, stages: ReadonlyArray<{name: string; labels: Record<string, string>; preview?: Record<string, string>}>, item: PlanItem, values: ParameterValues): Promise<KubeChange[]> {
	const ref: ObjectRef = {apiVersion: 'v1', kind: 'Namespace', name: namespace};
	const live = await kube.get(ref);
	if (!live) throw new KubeRejection(404, 'NotFound', `namespace ${namespace} does not exist`);
	const changes: KubeChange[] = [];
	let current: KubeObject = live;
	for (const stage of stages) {
		const labels = resolved(stage.labels, item.loaded.playbook, values) as Record<string, string>;
		const wanted = strongerLabels(current.metadata.labels ?? {}, labels);
		if (!Object.keys(wanted).length) continue;
		const body = {metadata: {labels: wanted}};
		const effects: string[] = [];
		let warnings: string[] = [];
		if (stage.preview) {
			const preview = resolved(stage.preview, item.loaded.playbook, values) as Record<string, string>;
			const dryPreview = await kube.patch(ref, 'merge', {metadata: {labels: preview}}, {dryRun: true});
			warnings = [...dryPreview.warnings];
			effects.push(
				dryPreview.warnings.length
					? `a dry-run of ${Object.entries(preview).map(([k, v]) => `${k}=${v}`).join(', ')} says existing pods would be rejected once enforced (see warnings); fix them before the enforce stage`
					: `a dry-run of ${Object.entries(preview).map(([k, v]) => `${k}=${v}`).join(', ')} reports no pod it would reject`,
			);
		}
		const dry = await kube.patch(ref, 'merge', body, {dryRun: true});
		warnings.push(...dry.warnings.filter((warning) => !warnings.includes(warning)));
		const after = mergePatch(current, body) as KubeObject;
		if (/enforce/.test(Object.keys(wanted).join(' '))) {
			effects.push('new pods that violate the level are rejected from now on; running pods keep running until they are replaced');
		} else {
			effects.push('violations are reported as warnings to whoever deploys, and in the API audit log; nothing is blocked');
		}
		changes.push({
			id: newId('change'),
			type: 'kube',
			summary: `label namespace ${namespace}: ${Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(', ')}`,
			fixes: [{checkId: item.finding.checkId, target: item.finding.target}],
			target: ref,
			operation: 'patch',
			patchType: 'merge',
			body,
			beforeDigest: objectDigest(current),
			afterDigest: objectDigest(after),
			diff: unifiedDiff(`Namespace/${namespace}`, displayObject(current), displayObject(after), {before: ' (as stored)', after: ` (after ${stage.name})`}),
			effects,
			warnings,
			stage: stage.name,
		});
		current = after;
	}
	return changes;
}

/** PSA labels only ever get stricter: a namespace already at restricted is not lowered to baseline. */
function strongerLabels(current: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(wanted)) {
		const existing = current[key];
		if (existing === value) continue;
		const isLevel = /^pod-security\.kubernetes\.io\/(enforce|warn|audit)$/.test(key);
		if (isLevel && existing !== undefined && (psaRank[existing] ?? -1) >= (psaRank[value] ?? 0)) continue;
		if (!isLevel && existing !== undefined) continue;
		out[key] = value;
	}
	return out;
}

async function planServiceAccount(kube: ClusterWriter, namespace: string, name: string, set: Json, item: PlanItem): Promise<KubeChange | undefined> {
	const ref: ObjectRef = {apiVersion: 'v1', kind: 'ServiceAccount', namespace, name};
	const live = await kube.get(ref);
	if (!live) throw new KubeRejection(404, 'NotFound', `ServiceAccount ${namespace}/${name} does not exist`);
	const dry = await kube.patch(ref, 'merge', set, {dryRun: true});
	const change: KubeChange = {
		id: newId('change'),
		type: 'kube',
		summary: `patch ServiceAccount ${namespace}/${name}: ${Object.entries(set).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}`,
		fixes: [{checkId: item.finding.checkId, target: item.finding.target}],
		target: ref,
		operation: 'patch',
		patchType: 'merge',
		body: set,
		beforeDigest: objectDigest(live),
		afterDigest: objectDigest(dry.object),
		diff: unifiedDiff(`ServiceAccount/${namespace}/${name}`, displayObject(live), displayObject(dry.object), {before: ' (as stored)', after: ' (server dry-run)'}),
		effects: ['pods that use this ServiceAccount lose the mounted token at their next restart; pods that call the API need their own ServiceAccount'],
		warnings: [...dry.warnings],
	};
	return change.beforeDigest === change.afterDigest ? undefined : change;
}

/** An object given as YAML text (a parameter the operator may edit), created in the finding's namespace. */
async function planCreate(kube: ClusterWriter, namespace: string, text: string, item: PlanItem): Promise<{change?: KubeChange} | {refused: string}> {
	let object: unknown;
	try {
		object = parseYaml(text);
	} catch (error) {
		throw new ParameterError(`the object is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
	}
	if (!isObject(object) || typeof object['kind'] !== 'string' || typeof object['apiVersion'] !== 'string' || !isObject(object['metadata']) || typeof object['metadata']['name'] !== 'string') {
		throw new ParameterError('the object needs apiVersion, kind and metadata.name');
	}
	const metadata = object['metadata'] as Json;
	if (metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) return {refused: `the object names namespace ${String(metadata['namespace'])}, but the finding is about ${namespace}`};
	const kubeObject = {...object, metadata: {...metadata, namespace}} as KubeObject;
	const ref: ObjectRef = {apiVersion: kubeObject.apiVersion, kind: kubeObject.kind, namespace, name: kubeObject.metadata.name};
	const existing = await kube.get(ref);
	if (existing) return {refused: `${labelOf(ref)} already exists: review it (kubectl get -o yaml) rather than overwrite it`};
	const dry = await kube.create(kubeObject, {dryRun: true});
	return {
		change: {
			id: newId('change'),
			type: 'kube',
			summary: `create ${labelOf(ref)}`,
			fixes: [{checkId: item.finding.checkId, target: item.finding.target}],
			target: ref,
			operation: 'create',
			body: kubeObject,
			beforeDigest: ABSENT,
			afterDigest: objectDigest(dry.object),
			diff: unifiedDiff(labelOf(ref), '', displayObject(dry.object), {before: ' (absent)', after: ' (server dry-run)'}),
			effects: [item.loaded.playbook.impact?.trim() ?? 'applies to pods created after it'],
			warnings: [...dry.warnings],
		},
	};
}
