import {forNodeOs, type CompiledCheck} from '../catalog/load.js';
import type {Check} from '../model/check.js';
import type {PlatformExceptions} from '../model/exceptions.js';
import type {Evidence, Finding} from '../model/finding.js';
import type {KubeObject} from '../model/kube.js';
import type {Status} from '../model/status.js';
import type {Target} from '../model/target.js';
import type {CelInput} from '@bufbuild/cel';
import {toCel, fromCel, type Bindings} from './cel.js';
import {resolveEvidence} from './evidence.js';
import {findException, isSystemNamespace} from './exceptions.js';
import type {AuditSettings, ClusterFacts, NodeFacts} from './facts.js';
import {parseImageRef} from './image-ref.js';
import {effectiveSecurityContext} from './security-context.js';
import {collectWorkloads, type Workload} from './workloads.js';
import {namespacePodSecurity, PssVerdicts, pssVersionResolver, type PssVersions} from './pod-security.js';
import {pssVersionName} from '../model/pss.js';
import {workloadKinds} from '../model/check.js';
import {resourceByKind} from '../model/resources.js';

export type EvaluationContext = {
	readonly exceptions: PlatformExceptions;
	readonly settings: AuditSettings;
	/** The whole catalogue: a namespace's Pod Security verdict uses every PSS check, selected or not. */
	readonly catalog?: readonly CompiledCheck[];
};

type Roots = Record<string, {value: unknown; label: string}>;

/** One target's bindings, before the check's own CEL runs. */
export type Subject = {
	readonly target: Target;
	readonly bindings: Bindings;
	readonly roots: Roots;
	readonly object?: KubeObject;
	readonly preset?: {status: Status; reason: string};
	/** A PSS check's subject: the workload and version it judges, so the verdict can be reused. */
	readonly pss?: {readonly workload: Workload; readonly minor: number};
};

const workloadPlurals = workloadKinds.map((kind) => resourceByKind.get(kind)!.plural);

/** The lists a check reads, workload scopes implying every pod-template kind. */
export function listsNeeded(check: Check): string[] {
	const needs = new Set(check.needs);
	if (check.scope === 'workload' || check.scope === 'container' || check.needs.includes('pod-security')) for (const plural of workloadPlurals) needs.add(plural);
	if (check.scope === 'namespace' || check.scope === 'workload' || check.scope === 'container') needs.add('namespaces');
	if (check.scope === 'object') for (const kind of check.kinds ?? []) {
		const resource = resourceByKind.get(kind);
		if (resource) needs.add(resource.plural);
	}
	return [...needs];
}

function camel(name: string): string {
	return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function clusterBinding(check: Check, facts: ClusterFacts): {value: Map<string, CelInput>; raw: Record<string, unknown>; errors: string[]; notApplicable: string[]} {
	const value = new Map<string, CelInput>();
	const raw: Record<string, unknown> = {};
	const errors: string[] = [];
	const notApplicable: string[] = [];
	for (const need of listsNeeded(check)) {
		const list = facts.lists.get(need);
		const extra = facts.extra.get(need);
		if (list) {
			if (list.error) errors.push(list.error);
			value.set(need, toCel(list.items));
			raw[need] = list.items;
		} else if (extra) {
			if (extra.error) errors.push(extra.error);
			else if (extra.notApplicable) notApplicable.push(extra.notApplicable);
			else {
				value.set(camel(need), toCel(extra.value));
				raw[camel(need)] = extra.value;
			}
		}
	}
	return {value, raw, errors, notApplicable};
}

function namespaceOf(object: KubeObject): string | undefined {
	return object.metadata.namespace;
}

/** `ctx` and `facts` are the cluster's; node findings have neither objects to except nor locations. */
export function finish(
	compiled: CompiledCheck,
	subject: Subject,
	ctx: EvaluationContext | undefined,
	facts: ClusterFacts | undefined,
): Finding | undefined {
	const {check} = compiled;
	const base = {
		checkId: check.id,
		section: check.section,
		severity: check.severity,
		target: subject.target,
		remediation: check.remediation,
		...(check.playbook ? {playbook: check.playbook} : {}),
		...(subject.object && facts?.locations?.get(subject.object) ? {location: facts.locations.get(subject.object)!} : {}),
	};
	if (subject.preset) {
		return {...base, status: subject.preset.status, message: subject.preset.reason, evidence: {}, reason: subject.preset.reason};
	}
	if (compiled.when) {
		const applies = compiled.when(subject.bindings);
		if (!applies.ok) return {...base, status: 'error', message: `cannot evaluate: ${applies.error}`, evidence: {}, reason: applies.error};
		if (applies.value !== true) return undefined;
	}
	const outcome = compiled.assert!(subject.bindings);
	if (!outcome.ok) {
		return {...base, status: 'error', message: `cannot evaluate: ${outcome.error}`, evidence: {}, reason: outcome.error};
	}
	const evidence: Record<string, unknown> = resolveEvidence(check.evidence, subject.roots);
	// Which version of the PSS rule judged it: the same pod can pass at v1.24 and fail at v1.25.
	if (check.pss && typeof subject.bindings['pssVersion'] === 'bigint') evidence['pssVersion'] = pssVersionName(Number(subject.bindings['pssVersion']));
	if (outcome.value === true) {
		if (compiled.warnWhen) {
			const caveat = compiled.warnWhen(subject.bindings);
			if (!caveat.ok) return {...base, status: 'error', message: `cannot evaluate: ${caveat.error}`, evidence: {}, reason: caveat.error};
			if (caveat.value === true) return {...base, status: 'warn', message: compiled.warnMessage!(subject.bindings), evidence};
		}
		const message = compiled.passMessage ? compiled.passMessage(subject.bindings) : check.title;
		return {...base, status: 'pass', message, evidence};
	}
	let bindings = subject.bindings;
	if (compiled.violations) {
		const found = compiled.violations(subject.bindings);
		if (found.ok) {
			const list = fromCel(found.value);
			evidence['violations'] = list;
			bindings = {...bindings, violations: toCel(list)};
		}
	}
	const message = compiled.message(bindings);
	if (ctx && subject.object && check.onFail !== 'manual') {
		const exception = findException(ctx.exceptions, check.id, subject.object);
		if (exception) {
			const reason = `platform component ${exception.component}: ${exception.reason}`;
			return {...base, status: 'accepted', message, evidence, reason};
		}
	}
	const status: Status = check.onFail;
	return {...base, status, message, evidence: evidence as Evidence, ...(status === 'manual' && check.question ? {reason: check.question} : {})};
}

/** What every check reads of one workload and its containers, the same for all of them. */
type PreparedWorkload = {
	readonly targetBase: Target;
	readonly bindings: Bindings;
	readonly roots: Roots;
	readonly containers: readonly {readonly target: Target; readonly bindings: Bindings; readonly roots: Roots}[];
};

/**
 * Made once per workload, not once per check: some 40 checks read each of 10,000 pods, and the
 * effective securityContext, the parsed image and their CEL views were otherwise rebuilt (and
 * thrown away) by every one of them.
 */
const preparedWorkloads = new WeakMap<Workload, PreparedWorkload>();

function prepareWorkload(workload: Workload): PreparedWorkload {
	const known = preparedWorkloads.get(workload);
	if (known) return known;
	const {object, podSpec, podSpecPath, podMetadata} = workload;
	const targetBase = {kind: object.kind, ...(object.metadata.namespace ? {namespace: object.metadata.namespace} : {}), name: object.metadata.name};
	const roots: Roots = {object: {value: object, label: ''}, podSpec: {value: podSpec, label: podSpecPath}, podMetadata: {value: podMetadata, label: podSpecPath.replace(/spec$/, 'metadata')}};
	const containers = workload.containers.map((ref) => {
		const name = String(ref.container['name'] ?? '');
		const securityContext = effectiveSecurityContext(podSpec, ref.container);
		const label = ref.fromPod ? `Pod/${ref.fromPod} ${ref.path}` : ref.path;
		return {
			target: {...targetBase, container: name},
			bindings: {
				container: toCel(ref.container),
				containerType: ref.list,
				securityContext: toCel(securityContext),
				image: toCel(parseImageRef(String(ref.container['image'] ?? ''))),
			},
			roots: {...roots, container: {value: ref.container, label}, securityContext: {value: securityContext, label: `effective securityContext of ${name}`}},
		};
	});
	const prepared = {targetBase, bindings: {object: toCel(object), podSpec: toCel(podSpec), podMetadata: toCel(podMetadata)}, roots, containers};
	preparedWorkloads.set(workload, prepared);
	return prepared;
}

const minors = new Map<number, bigint>();
const minorValue = (minor: number) => minors.get(minor) ?? minors.set(minor, BigInt(minor)).get(minor)!;

/**
 * The targets of a workload or container check on one workload. PSS checks also get the pod's
 * metadata and the version they are judged at (`pssVersion`, the minor number); a control that
 * does not exist yet at that version is a `skip` with the reason, never a verdict.
 */
export function* workloadSubjects(check: Check, workload: Workload, common: Bindings, version: {minor: number; source: string}): Generator<Subject> {
	const {object} = workload;
	const prepared = prepareWorkload(workload);
	const {targetBase, roots} = prepared;
	const bindings: Bindings = {...common, ...prepared.bindings, pssVersion: minorValue(version.minor)};
	const since = check.pss ? Number(check.pss.since.slice(3)) : 0;
	const preset =
		check.pss && version.minor < since
			? {status: 'skip' as const, reason: `PSS control ${check.pss.control} exists from ${check.pss.since}; ${version.source} is ${pssVersionName(version.minor)}`}
			: undefined;
	const pss = check.pss && !preset ? {workload, minor: version.minor} : undefined;
	if (check.scope === 'workload') {
		yield {target: targetBase, object, bindings, roots, ...(preset ? {preset} : {}), ...(pss ? {pss} : {})};
		return;
	}
	for (const container of prepared.containers) {
		if (preset) {
			yield {target: container.target, object, bindings, roots, preset};
			continue;
		}
		yield {target: container.target, object, bindings: {...bindings, ...container.bindings}, roots: container.roots, ...(pss ? {pss} : {})};
	}
}

type PodSecurityMemo = <T>(namespace: KubeObject, compute: () => T) => T;

function* clusterSubjects(
	compiled: CompiledCheck,
	facts: ClusterFacts,
	ctx: EvaluationContext,
	workloads: () => Workload[],
	versions: PssVersions,
	podSecurityOf: PodSecurityMemo,
	verdicts: PssVerdicts,
): Generator<Subject> {
	const {check} = compiled;
	const cluster = clusterBinding(check, facts);
	const settings = toCel({allowedRegistries: [...ctx.settings.allowedRegistries], systemNamespaces: ctx.exceptions.systemNamespaces});
	const common: Bindings = {cluster: cluster.value, settings};
	if (cluster.notApplicable.length && !cluster.errors.length) {
		yield {target: {cluster: true}, bindings: common, roots: {}, preset: {status: 'skip', reason: [...new Set(cluster.notApplicable)].join('; ')}};
		return;
	}
	if (cluster.errors.length && check.scope !== 'workload' && check.scope !== 'container') {
		yield {target: {cluster: true}, bindings: common, roots: {}, preset: {status: 'error', reason: [...new Set(cluster.errors)].join('; ')}};
		return;
	}
	if (cluster.errors.length) {
		// Judge what could be read, and say plainly what could not.
		yield {target: {cluster: true}, bindings: common, roots: {}, preset: {status: 'error', reason: [...new Set(cluster.errors)].join('; ')}};
	}
	const namespaces = new Map((facts.lists.get('namespaces')?.items ?? []).map((ns) => [ns.metadata.name, ns]));
	let byNamespace: Map<string, Workload[]> | undefined;
	const workloadsIn = (name: string): Workload[] => {
		if (!byNamespace) {
			byNamespace = new Map();
			for (const workload of workloads()) {
				const key = namespaceOf(workload.object) ?? '';
				byNamespace.set(key, [...(byNamespace.get(key) ?? []), workload]);
			}
		}
		return byNamespace.get(name) ?? [];
	};
	const namespaceValue = (name: string | undefined) => toCel(namespaces.get(name ?? '') ?? {metadata: {name: name ?? ''}});
	switch (check.scope) {
		case 'cluster':
			yield {target: {cluster: true}, bindings: common, roots: {cluster: {value: cluster.raw, label: ''}}};
			return;
		case 'namespace':
			for (const ns of namespaces.values()) {
				const name = ns.metadata.name;
				const target = {namespace: name};
				if (check.userNamespacesOnly && isSystemNamespace(ctx.exceptions, name)) {
					yield {target, bindings: common, roots: {}, preset: {status: 'accepted', reason: `system namespace ${name}: platform-managed, not judged by this check`}};
					continue;
				}
				const namespaced = new Map<string, CelInput>();
				for (const need of listsNeeded(check)) {
					const list = facts.lists.get(need);
					if (list) namespaced.set(need, toCel(list.items.filter((item) => namespaceOf(item) === name)));
				}
				const podSecurity = check.needs.includes('pod-security') ? podSecurityOf(ns, () => namespacePodSecurity(ctx.catalog ?? [], ns, workloadsIn(name), versions, common, verdicts)) : undefined;
				yield {
					target,
					bindings: {...common, namespaceObject: toCel(ns), namespaced, ...(podSecurity ? {podSecurity: toCel(podSecurity)} : {})},
					roots: {namespaceObject: {value: ns, label: `Namespace/${name}`}, ...(podSecurity ? {podSecurity: {value: podSecurity, label: 'Pod Security Admission'}} : {})},
				};
			}
			return;
		case 'object':
			for (const kind of check.kinds ?? []) {
				const plural = resourceByKind.get(kind)?.plural ?? '';
				for (const object of facts.lists.get(plural)?.items ?? []) {
					const target = {kind: object.kind, ...(object.metadata.namespace ? {namespace: object.metadata.namespace} : {}), name: object.metadata.name};
					yield {target, object, bindings: {...common, object: toCel(object), namespaceObject: namespaceValue(namespaceOf(object))}, roots: {object: {value: object, label: ''}}};
				}
			}
			return;
		case 'workload':
		case 'container':
		{
			// A PSS control not defined at a namespace's version is one skip for the namespace,
			// not one per container: a v1.30 cluster would otherwise list every pod as skipped.
			const skipped = new Map<string, {reason: string; workloads: number}>();
			for (const workload of workloads()) {
				const namespace = namespaceOf(workload.object);
				let first = true;
				for (const subject of workloadSubjects(check, workload, {...common, namespaceObject: namespaceValue(namespace)}, versions(namespaces.get(namespace ?? '')))) {
					if (subject.preset?.status !== 'skip') {
						yield subject;
						continue;
					}
					const entry = skipped.get(namespace ?? '') ?? {reason: subject.preset.reason, workloads: 0};
					if (first) entry.workloads++;
					first = false;
					skipped.set(namespace ?? '', entry);
				}
			}
			for (const [namespace, {reason, workloads: count}] of skipped) {
				const detail = `${reason}; ${count} workload${count === 1 ? '' : 's'} not judged by this control`;
				yield {target: namespace ? {namespace} : {cluster: true}, bindings: common, roots: {}, preset: {status: 'skip', reason: detail}};
			}
			return;
		}
		case 'node':
			return;
	}
}

/**
 * Evaluate every cluster-side check against facts already gathered. Pure: no I/O, and the
 * findings come out in catalogue order, each target once.
 */
export function evaluateCluster(
	checks: readonly CompiledCheck[],
	facts: ClusterFacts,
	ctx: EvaluationContext,
	emit: (finding: Finding) => void,
): void {
	for (const finding of clusterFindings(checks, facts, ctx)) if (finding) emit(finding);
}

/**
 * The same findings one at a time, so a caller sharing its thread with a terminal UI can let
 * key presses through between two targets (a large cluster takes seconds to evaluate).
 */
export function* clusterFindings(checks: readonly CompiledCheck[], facts: ClusterFacts, ctx: EvaluationContext): Generator<Finding | undefined, void, undefined> {
	let workloads: Workload[] | undefined;
	const allWorkloads = () => {
		if (!workloads) {
			const objects: KubeObject[] = [];
			for (const plural of workloadPlurals) objects.push(...(facts.lists.get(plural)?.items ?? []));
			workloads = collectWorkloads(objects);
		}
		return workloads;
	};
	const versions = pssVersionResolver(facts, ctx.settings);
	// A namespace's PSA verdict is shared by the checks that report it: computed once per namespace.
	const podSecurity = new Map<KubeObject, unknown>();
	const podSecurityOf: PodSecurityMemo = (namespace, compute) => {
		if (!podSecurity.has(namespace)) podSecurity.set(namespace, compute());
		return podSecurity.get(namespace) as ReturnType<typeof compute>;
	};
	// The PSS checks' own verdicts, kept so a namespace's PSA summary need not judge every pod again.
	const verdicts = new PssVerdicts();
	// Checks that summarise namespaces run after the PSS checks they reuse; the findings still
	// come out in catalogue order.
	const summarises = (compiled: CompiledCheck) => compiled.check.needs.includes('pod-security');
	const order = [...checks.filter((compiled) => !summarises(compiled)), ...checks.filter(summarises)];
	const made = new Map<CompiledCheck, Finding[]>();
	for (const compiled of order) {
		const {check} = compiled;
		if (check.scope === 'node') continue;
		const out: Finding[] = [];
		made.set(compiled, out);
		const base = {checkId: check.id, section: check.section, severity: check.severity, remediation: check.remediation, evidence: {}};
		if (facts.unavailable) {
			out.push({...base, status: 'skip', target: {cluster: true}, message: `skipped: ${facts.unavailable}`, reason: facts.unavailable});
			continue;
		}
		if (check.manual) {
			out.push({...base, status: 'manual', target: {cluster: true}, message: check.question!, reason: 'awaiting the operator\'s attestation'});
			continue;
		}
		for (const subject of clusterSubjects(compiled, facts, ctx, allWorkloads, versions, podSecurityOf, verdicts)) {
			const finding = finish(compiled, subject, ctx, facts);
			if (subject.pss) verdicts.record(compiled, subject.pss.workload, subject.pss.minor, finding);
			if (finding) out.push(finding);
			// A pause point between two targets: the caller may give the thread to a key press here.
			yield undefined;
		}
	}
	for (const compiled of checks) yield* made.get(compiled) ?? [];
}

/** Node checks for one node: unreachable nodes and failed probes give `error`, never a verdict. */
export function evaluateNode(checks: readonly CompiledCheck[], facts: NodeFacts, emit: (finding: Finding) => void): void {
	for (const finding of nodeFindings(checks, facts)) emit(finding);
}

/** The same findings one at a time (see clusterFindings). */
export function* nodeFindings(checks: readonly CompiledCheck[], facts: NodeFacts): Generator<Finding, void, undefined> {
	const {node} = facts;
	for (const shared of checks) {
		if (shared.check.scope !== 'node') continue;
		const compiled = forNodeOs(shared, node.os);
		const {check} = compiled;
		const target: Target = {node: node.name};
		const base = {checkId: check.id, section: check.section, severity: check.severity, remediation: check.remediation, target, evidence: {}};
		const platforms = check.platforms ?? [];
		if (node.os !== 'linux' && node.os !== 'windows') {
			yield {...base, status: 'skip', message: 'node OS unknown', reason: 'the node did not report its operating system'};
			continue;
		}
		// Like a `when` that is false: a check for the other OS does not apply, so nothing is reported.
		if (!platforms.includes(node.os)) continue;
		if (node.reachable === false) {
			const reason = node.error ?? 'node unreachable';
			yield {...base, status: 'error', message: `cannot check: ${reason}`, reason};
			continue;
		}
		const bindings: Bindings = {node: toCel({name: node.name, address: node.address, os: node.os, role: node.role})};
		const roots: Roots = {};
		const commands: Record<string, string> = {};
		const failures: string[] = [];
		for (const probe of check.probes) {
			const result = facts.probes.get(probe);
			if (!result) {
				failures.push(`probe ${probe} did not run`);
				continue;
			}
			commands[probe] = result.command;
			if (result.error) failures.push(`${probe}: ${result.error}`);
			else {
				bindings[probe.replaceAll('-', '_')] = toCel(result.facts);
				roots[probe.replaceAll('-', '_')] = {value: result.facts, label: probe};
			}
		}
		if (failures.length) {
			const reason = failures.join('; ');
			yield {...base, status: 'error', message: `cannot check: ${reason}`, reason, evidence: {commands}};
			continue;
		}
		const finding = finish(compiled, {target, bindings, roots}, undefined, undefined);
		if (finding) yield {...finding, evidence: {commands, ...finding.evidence}};
	}
}
