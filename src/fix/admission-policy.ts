// Cluster checks as ValidatingAdmissionPolicies: the assertion that audits what runs becomes
// the rule that stops the same thing at deploy time. The check's CEL is rewritten for the
// variables an admission policy has: `object` and `namespaceObject` as they are, `podSpec` as a
// policy variable, and the per-container variables (`container`, `securityContext`,
// `containerType`) as an `.all()` over each container list. The effective securityContext, which
// the audit computes in TypeScript, is spelled out in CEL: the container's field where it sets
// one, else the pod's for the fields a pod-level securityContext passes down.
import {parse, unparse} from '@bufbuild/cel';
import type {Expr, ParsedExpr} from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import {stringify} from 'yaml';
import type {CompiledCheck} from '../catalog/load.js';
import type {KubeObject} from '../model/kube.js';
import {newestPssMinor, pssLabelPrefix} from '../model/pss.js';
import type {ClusterWriter} from '../transports/interfaces.js';
import {KubeRejection} from '../model/errors.js';
import {objectDigest} from './digest.js';
import type {KubeChange, ObjectRef, Plan} from './model.js';
import {displayObject, newId} from './plan-base.js';
import {unifiedDiff} from './text-diff.js';

type Json = Record<string, unknown>;

export class PolicyConversionError extends Error {}

const inherited = new Set(['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'windowsOptions']);
const containerLists = ['containers', 'initContainers', 'ephemeralContainers'] as const;

// ---------------------------------------------------------------- building expressions

let nextId = 1n;
function node(kind: Expr['exprKind']): Expr {
	return {$typeName: 'cel.expr.Expr', id: nextId++, exprKind: kind} as Expr;
}
const ident = (name: string) => node({case: 'identExpr', value: {$typeName: 'cel.expr.Expr.Ident', name}} as Expr['exprKind']);
const select = (operand: Expr, field: string, testOnly = false) =>
	node({case: 'selectExpr', value: {$typeName: 'cel.expr.Expr.Select', operand, field, testOnly}} as Expr['exprKind']);
const call = (fn: string, args: Expr[], target?: Expr) =>
	node({case: 'callExpr', value: {$typeName: 'cel.expr.Expr.Call', function: fn, args, ...(target ? {target} : {})}} as Expr['exprKind']);
const str = (value: string) => node({case: 'constExpr', value: {$typeName: 'cel.expr.Constant', constantKind: {case: 'stringValue', value}}} as Expr['exprKind']);
const list = (values: readonly string[]) => node({case: 'listExpr', value: {$typeName: 'cel.expr.Expr.CreateList', elements: values.map(str), optionalIndices: []}} as Expr['exprKind']);
const and = (a: Expr, b: Expr) => call('_&&_', [a, b]);
const or = (a: Expr, b: Expr) => call('_||_', [a, b]);
const not = (a: Expr) => call('!_', [a]);
const ternary = (c: Expr, a: Expr, b: Expr) => call('_?_:_', [c, a, b]);
const path = (base: Expr, fields: readonly string[]) => fields.reduce((operand, field) => select(operand, field), base);

// ---------------------------------------------------------------- macro calls back to source form

/**
 * The parser expands macros (has, all, exists, map, filter) into comprehensions and keeps their
 * source form aside. This rebuilds a tree of the source form only, so it can be rewritten and
 * printed back as CEL someone can read.
 */
/** A list or map literal with each element (key and value) passed through `each`; both tree walks need it. */
function mapLiteral(expr: Expr, each: (item: Expr) => Expr): Expr {
	const kind = expr.exprKind;
	if (kind.case === 'listExpr') return node({...kind, value: {...kind.value, elements: kind.value.elements.map(each)}} as Expr['exprKind']);
	if (kind.case !== 'structExpr') return expr;
	return node({
		...kind,
		value: {
			...kind.value,
			entries: kind.value.entries.map((entry) => ({
				...entry,
				...(entry.value ? {value: each(entry.value)} : {}),
				...(entry.keyKind.case === 'mapKey' ? {keyKind: {case: 'mapKey', value: each(entry.keyKind.value)}} : {}),
			})),
		},
	} as Expr['exprKind']);
}

function sourceTree(parsed: ParsedExpr & {expr: Expr}): Expr {
	const calls = (parsed.sourceInfo?.macroCalls ?? {}) as Record<string, Expr>;
	const resolve = (expr: Expr): Expr => {
		const macro = calls[expr.id.toString()];
		if (macro && macro.exprKind.case === 'callExpr') {
			const value = macro.exprKind.value;
			if (value.function === 'has' && value.args.length === 1) {
				const arg = resolve(value.args[0]!);
				if (arg.exprKind.case !== 'selectExpr') throw new PolicyConversionError('has() needs a field selection');
				return select(arg.exprKind.value.operand!, arg.exprKind.value.field, true);
			}
			return call(value.function, value.args.map(resolve), value.target ? resolve(value.target) : undefined);
		}
		switch (expr.exprKind.case) {
			case 'selectExpr': {
				const value = expr.exprKind.value;
				return select(resolve(value.operand!), value.field, value.testOnly);
			}
			case 'callExpr': {
				const value = expr.exprKind.value;
				return call(value.function, value.args.map(resolve), value.target ? resolve(value.target) : undefined);
			}
			case 'listExpr':
			case 'structExpr':
				return mapLiteral(expr, resolve);
			case 'comprehensionExpr':
				throw new PolicyConversionError('a comprehension without its macro form');
			default:
				return expr;
		}
	};
	return resolve(parsed.expr);
}

// ---------------------------------------------------------------- rewriting

type Scope = {
	readonly iter?: string;
	readonly containerType?: string;
	readonly settings: {readonly allowedRegistries: readonly string[]; readonly systemNamespaces: readonly string[]};
};

const unsupported: Readonly<Record<string, string>> = {
	image: 'it reads the parsed image reference, which admission CEL cannot compute',
	cluster: 'it reads other objects of the cluster, which an admission policy cannot see',
	namespaced: 'it reads other objects of the namespace, which an admission policy cannot see',
};

function chainOf(expr: Expr): {root?: string; fields: string[]} {
	const fields: string[] = [];
	let current = expr;
	while (current.exprKind.case === 'selectExpr') {
		fields.unshift(current.exprKind.value.field);
		current = current.exprKind.value.operand!;
	}
	return current.exprKind.case === 'identExpr' ? {root: current.exprKind.value.name, fields} : {fields};
}

function securityContextChain(fields: readonly string[], testOnly: boolean, scope: Scope): Expr {
	if (!scope.iter) throw new PolicyConversionError('securityContext is only known per container');
	if (!fields.length) throw new PolicyConversionError('securityContext is used as a whole');
	const ctr = select(ident(scope.iter), 'securityContext');
	const pod = select(select(ident('variables'), 'podSpec'), 'securityContext');
	const hasCtr = select(ident(scope.iter), 'securityContext', true);
	const hasPod = select(select(ident('variables'), 'podSpec'), 'securityContext', true);
	const presence = (base: Expr, all: readonly string[]) => select(path(base, all.slice(0, -1)), all[all.length - 1]!, true);
	const first = fields[0]!;
	if (!inherited.has(first)) {
		return testOnly ? and(hasCtr, presence(ctr, fields)) : path(ctr, fields);
	}
	const ctrHasField = and(hasCtr, presence(ctr, [first]));
	if (!testOnly) return ternary(ctrHasField, path(ctr, fields), path(pod, fields));
	if (fields.length === 1) return or(ctrHasField, and(hasPod, presence(pod, [first])));
	return ternary(ctrHasField, presence(ctr, fields), presence(pod, fields));
}

function rewrite(expr: Expr, scope: Scope, bound: ReadonlySet<string>): Expr {
	switch (expr.exprKind.case) {
		case 'identExpr': {
			const name = expr.exprKind.value.name;
			if (bound.has(name)) return expr;
			if (name === 'container') {
				if (!scope.iter) throw new PolicyConversionError('container is only known per container');
				return ident(scope.iter);
			}
			if (name === 'podSpec' || name === 'podMetadata' || name === 'pssVersion') return select(ident('variables'), name);
			if (name === 'containerType') {
				if (!scope.containerType) throw new PolicyConversionError('containerType is only known per container');
				return str(scope.containerType);
			}
			if (name === 'object' || name === 'namespaceObject') return expr;
			if (name in unsupported) throw new PolicyConversionError(`it reads ${name}: ${unsupported[name]}`);
			throw new PolicyConversionError(`it reads ${name}, which an admission policy does not have`);
		}
		case 'selectExpr': {
			const value = expr.exprKind.value;
			const {root, fields} = chainOf(expr);
			if (root === 'securityContext' && !bound.has(root)) return securityContextChain(fields, value.testOnly, scope);
			if (root === 'settings' && !bound.has(root) && fields.length === 1 && (fields[0] === 'allowedRegistries' || fields[0] === 'systemNamespaces')) {
				return list(scope.settings[fields[0]]);
			}
			return select(rewrite(value.operand!, scope, bound), value.field, value.testOnly);
		}
		case 'callExpr': {
			const value = expr.exprKind.value;
			const isMacro = value.target && ['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter'].includes(value.function) && value.args[0]?.exprKind.case === 'identExpr';
			const inner = isMacro ? new Set([...bound, (value.args[0]!.exprKind.value as {name: string}).name]) : bound;
			return call(
				value.function,
				value.args.map((arg, index) => (isMacro && index === 0 ? arg : rewrite(arg, scope, inner))),
				value.target ? rewrite(value.target, scope, bound) : undefined,
			);
		}
		case 'listExpr':
		case 'structExpr':
			return mapLiteral(expr, (item) => rewrite(item, scope, bound));
		default:
			return expr;
	}
}

/** Identifiers a check already uses, so the per-container variable never shadows one. */
function identifiers(expr: Expr, out = new Set<string>()): Set<string> {
	switch (expr.exprKind.case) {
		case 'identExpr':
			out.add(expr.exprKind.value.name);
			break;
		case 'selectExpr':
			identifiers(expr.exprKind.value.operand!, out);
			break;
		case 'callExpr':
			for (const arg of expr.exprKind.value.args) identifiers(arg, out);
			if (expr.exprKind.value.target) identifiers(expr.exprKind.value.target, out);
			break;
		case 'listExpr':
			for (const item of expr.exprKind.value.elements) identifiers(item, out);
			break;
		case 'structExpr':
			for (const entry of expr.exprKind.value.entries) if (entry.value) identifiers(entry.value, out);
			break;
		default:
			break;
	}
	return out;
}

// ---------------------------------------------------------------- policies

export type PolicySettings = {readonly allowedRegistries: readonly string[]; readonly systemNamespaces: readonly string[]};

export type ExportedPolicy = {
	readonly checkId: string;
	readonly name: string;
	readonly policy: Json;
	readonly binding: Json;
	/** Every CEL expression in the policy, for validation. */
	readonly expressions: readonly string[];
};

export type Skipped = {readonly checkId: string; readonly reason: string};

const podSpecVariable =
	"object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)";

/** The pod's metadata, where PSA reads annotations: the Pod's own or its template's. */
const podMetadataVariable =
	"object.kind == 'Pod' ? object.metadata : (object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {}) : (has(object.spec.template.metadata) ? object.spec.template.metadata : {}))";

/**
 * The PSS version a namespace declares (its enforce-version label's minor), as the audit reads
 * it; latest is the newest version the catalogue knows, since a policy cannot ask the server.
 */
const versionLabel = `namespaceObject.metadata.labels['${pssLabelPrefix}enforce-version']`;
const pssVersionVariable =
	`namespaceObject != null && has(namespaceObject.metadata.labels) && '${pssLabelPrefix}enforce-version' in namespaceObject.metadata.labels && ` +
	`${versionLabel}.matches('^v1\\.(0|[1-9][0-9]*)$') && int(${versionLabel}.substring(3)) < ${newestPssMinor} ? int(${versionLabel}.substring(3)) : ${newestPssMinor}`;

/** Pods a controller creates are judged through that controller: one warning per workload, not per pod. */
const ownedByController =
	"has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, r.kind in ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'])";

export function policyName(checkId: string): string {
	return `aks-harden-${checkId.replaceAll('.', '-')}`;
}

/** The validation expression of one check, or why it cannot be one. */
export function validationFor(compiled: CompiledCheck, settings: PolicySettings): {expression: string} | {skipped: string} {
	const {check} = compiled;
	if (check.scope !== 'container' && check.scope !== 'workload') return {skipped: `scope ${check.scope}: only container and workload checks become admission policies`};
	if (check.manual || !check.assert) return {skipped: 'a manual check has no assertion'};
	if (check.needs.length) return {skipped: `it reads ${check.needs.join(', ')}, which an admission policy cannot see`};
	try {
		const assert = sourceTree(parse(check.assert));
		const when = check.when ? sourceTree(parse(check.when)) : undefined;
		const used = new Set([...identifiers(assert), ...(when ? identifiers(when) : [])]);
		// A PSS control that does not exist yet at the namespace's version judges nothing there.
		const since = check.pss ? Number(check.pss.since.slice(3)) : 0;
		const before = since > 0 ? parse(`variables.pssVersion < ${since}`).expr! : undefined;
		const predicate = (scope: Scope) => {
			const body = rewrite(assert, scope, new Set());
			const judged = when ? or(not(rewrite(when, scope, new Set())), body) : body;
			return before ? or(before, judged) : judged;
		};
		if (check.scope === 'workload') return {expression: unparse(predicate({settings}))};
		let iter = 'ctr';
		while (used.has(iter)) iter = `${iter}_`;
		const parts = containerLists.map((listName) =>
			call('all', [ident(iter), predicate({iter, containerType: listName, settings})], select(ident('variables'), listName)),
		);
		return {expression: unparse(parts.reduce((a, b) => and(a, b)))};
	} catch (error) {
		if (error instanceof PolicyConversionError) return {skipped: error.message};
		throw error;
	}
}

export function admissionPolicyFor(compiled: CompiledCheck, settings: PolicySettings, options: {readonly deny: boolean}): ExportedPolicy | Skipped {
	const validation = validationFor(compiled, settings);
	const {check} = compiled;
	if ('skipped' in validation) return {checkId: check.id, reason: validation.skipped};
	const name = policyName(check.id);
	const variables = [
		{name: 'podSpec', expression: podSpecVariable},
		{name: 'podMetadata', expression: podMetadataVariable},
		{name: 'pssVersion', expression: pssVersionVariable},
		...containerLists.map((listName) => ({name: listName, expression: `has(variables.podSpec.${listName}) ? variables.podSpec.${listName} : []`})),
	];
	const matchCondition = {name: 'not-owned-by-a-controller', expression: `!(${ownedByController})`};
	const policy: Json = {
		apiVersion: 'admissionregistration.k8s.io/v1',
		kind: 'ValidatingAdmissionPolicy',
		metadata: {name, labels: {'app.kubernetes.io/managed-by': 'aks-harden'}, annotations: {'aks-harden/check': check.id, 'aks-harden/title': check.title}},
		spec: {
			failurePolicy: 'Fail',
			matchConstraints: {
				resourceRules: [
					{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'replicationcontrollers']},
					{apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets']},
					{apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs']},
				],
			},
			matchConditions: [matchCondition],
			variables,
			validations: [{expression: validation.expression, message: `${check.title} (aks-harden check ${check.id})`, reason: 'Forbidden'}],
		},
	};
	const binding: Json = {
		apiVersion: 'admissionregistration.k8s.io/v1',
		kind: 'ValidatingAdmissionPolicyBinding',
		metadata: {name, labels: {'app.kubernetes.io/managed-by': 'aks-harden'}},
		spec: {
			policyName: name,
			// Warn and Audit report without blocking; Deny is the operator's later, explicit choice.
			validationActions: options.deny ? ['Deny'] : ['Warn', 'Audit'],
			matchResources: {
				namespaceSelector: {matchExpressions: [{key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...settings.systemNamespaces]}]},
			},
		},
	};
	return {
		checkId: check.id,
		name,
		policy,
		binding,
		expressions: [...variables.map((variable) => variable.expression), matchCondition.expression, validation.expression],
	};
}

export function exportPolicies(checks: readonly CompiledCheck[], settings: PolicySettings, options: {readonly deny: boolean}): {policies: ExportedPolicy[]; skipped: Skipped[]} {
	const policies: ExportedPolicy[] = [];
	const skipped: Skipped[] = [];
	for (const compiled of checks) {
		if (compiled.check.scope !== 'container' && compiled.check.scope !== 'workload') continue;
		const result = admissionPolicyFor(compiled, settings, options);
		if ('reason' in result) skipped.push(result);
		else policies.push(result);
	}
	return {policies, skipped};
}

/** The policy and its binding as one YAML file with two documents. */
export function policyYaml(policy: ExportedPolicy): string {
	const header = `# ${policy.checkId}: generated by aks-harden from the check's CEL. Review before applying.\n`;
	return `${header}${stringify(policy.policy, {lineWidth: 0})}---\n${stringify(policy.binding, {lineWidth: 0})}`;
}

/**
 * Applying the exported policies is a guided step like any other change: each object is
 * dry-run on the server (which also type-checks the CEL), shown as a diff, and created or
 * replaced only once the plan is confirmed.
 */
export async function planAdmissionPolicies(policies: readonly ExportedPolicy[], kube: ClusterWriter, options: {readonly deny: boolean}): Promise<Plan> {
	const actions = options.deny ? 'Deny' : 'Warn, Audit';
	const plan: Plan = {
		id: newId('plan'),
		title: `Admission policies for ${policies.length} check${policies.length === 1 ? '' : 's'} (${actions})`,
		playbooks: [{id: 'admission-policies', title: 'ValidatingAdmissionPolicies from the checks', risk: 'guided', durability: 'persistent'}],
		risk: 'guided',
		durability: 'persistent',
		summary: `Creates or replaces a ValidatingAdmissionPolicy and its binding per check, validationActions ${actions}; system namespaces are excluded by the binding.`,
		impact: options.deny
			? 'Deny rejects every new or updated workload that fails the check, the rollouts of existing ones included: export with Warn and Audit first and apply Deny once nothing is reported.'
			: 'Warn and Audit block nothing: whoever deploys sees a warning and the API audit log records it.',
		findings: [],
		status: 'ready',
		missing: [],
		parameters: {},
		notes: [],
		changes: [],
	};
	const changes: KubeChange[] = [];
	try {
		for (const policy of policies) {
			for (const object of [policy.policy, policy.binding] as unknown as KubeObject[]) {
				const ref: ObjectRef = {apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name};
				const live = await kube.get(ref);
				const label = `${ref.kind}/${ref.name}`;
				const dry = live
					? await kube.patch(ref, 'json', [{op: 'replace', path: '/spec', value: object['spec']}, {op: 'add', path: '/metadata/labels', value: object.metadata.labels ?? {}}], {dryRun: true})
					: await kube.create(object, {dryRun: true});
				if (live && objectDigest(live) === objectDigest(dry.object)) continue;
				changes.push({
					id: newId('change'),
					type: 'kube',
					summary: `${live ? 'replace' : 'create'} ${label} (check ${policy.checkId})`,
					fixes: [],
					target: ref,
					operation: live ? 'patch' : 'create',
					...(live ? {patchType: 'json' as const, body: [{op: 'replace', path: '/spec', value: object['spec']}, {op: 'add', path: '/metadata/labels', value: object.metadata.labels ?? {}}]} : {body: object}),
					beforeDigest: objectDigest(live),
					afterDigest: objectDigest(dry.object),
					diff: unifiedDiff(label, displayObject(live), displayObject(dry.object), {before: live ? ' (as stored)' : ' (absent)', after: ' (server dry-run)'}),
					effects: [object.kind === 'ValidatingAdmissionPolicyBinding' ? `validationActions ${actions}` : 'takes effect once its binding exists'],
					warnings: [...dry.warnings],
				});
			}
		}
	} catch (error) {
		if (error instanceof KubeRejection) return {...plan, status: 'rejected', reason: `the API server refused the dry-run (${error.status} ${error.reason}): ${error.message}`};
		throw error;
	}
	return changes.length ? {...plan, changes} : {...plan, status: 'nothing-to-do', reason: 'every policy is already on the cluster as exported'};
}
