import {loadCatalog, type CompiledCheck} from '../catalog/load.js';
import type {KubeObject} from '../model/kube.js';
import {latestPssMinor, namespacePssMinor, pssLabelPrefix, pssVersionName, serverMinor, type PssLevel} from '../model/pss.js';
import {objectViolations, type PodViolation, type PssVersion} from '../engine/pod-security.js';
import {bucketName} from './object-store.js';
import type {WriteHook, WriteRequest} from './write-hook.js';

type Level = 'privileged' | PssLevel;

const levels: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const label = (mode: string) => `${pssLabelPrefix}${mode}`;

// The catalogue's PSS checks are the definition the admission applies: what the demo refuses is
// exactly what the audit fails.
let catalogChecks: readonly CompiledCheck[] | undefined;
const checks = () => (catalogChecks ??= loadCatalog().checks);

/**
 * The Pod Security Admission answers an operator meets when hardening a namespace: a label
 * change (dry run or not) warns about existing pods that would violate the new enforce level,
 * workloads written into a labelled namespace warn, and pods violating `enforce` are refused.
 * `gitVersion` is the server's own version, which `latest` means.
 */
export function podSecurityAdmissionFor(gitVersion: string): WriteHook {
	const latest = latestPssMinor(serverMinor({gitVersion}));
	const versionOf = (labels: Record<string, string>, mode: 'enforce' | 'warn'): PssVersion & {name: string} => {
		const minor = namespacePssMinor(labels, latest, mode);
		return minor === undefined ? {minor: latest, source: 'latest', name: 'latest'} : {minor, source: `${mode}-version`, name: pssVersionName(minor)};
	};
	const namespaceChange = (request: WriteRequest) => {
		const before = (request.oldObject?.metadata.labels ?? {}) as Record<string, string>;
		const after = (request.object?.metadata.labels ?? {}) as Record<string, string>;
		const raw = after[label('enforce')];
		if (raw === undefined || (raw === before[label('enforce')] && after[label('enforce-version')] === before[label('enforce-version')])) return undefined;
		const level = levelOf(raw);
		if (!level) return {reject: {code: 422, reason: 'Invalid', message: `Namespace "${request.name}" is invalid: metadata.labels[${label('enforce')}]: Invalid value: "${raw}": must be one of privileged, baseline, restricted`}};
		if (level === 'privileged') return undefined;
		const version = versionOf(after, 'enforce');
		const byViolation = new Map<string, string[]>();
		for (const [, pod] of request.store.scan(bucketName('', 'Pod'), {namespace: request.name})) {
			const violations = objectViolations(checks(), pod, level, version);
			if (violations.length === 0) continue;
			const summary = violations.map((v) => v.control).join(', ');
			byViolation.set(summary, [...(byViolation.get(summary) ?? []), pod.metadata.name]);
		}
		if (byViolation.size === 0) return undefined;
		const warnings = [`existing pods in namespace "${request.name}" violate the new PodSecurity enforce level "${level}:${version.name}"`];
		for (const [summary, pods] of byViolation) {
			const others = pods.length - 1;
			warnings.push(`${pods[0]}${others > 0 ? ` (and ${others} other pod${others === 1 ? '' : 's'})` : ''}: ${summary}`);
		}
		return {warnings};
	};
	return (request) => {
		if (request.verb === 'delete' || !request.object) return undefined;
		if (request.resource.kind === 'Namespace' && request.resource.group === '') return namespaceChange(request);
		const template = podTemplateOf(request.object);
		if (!template || request.namespace === undefined || request.subresource === 'status') return undefined;
		// Like the real admission, an update that leaves the pod template alone is not re-evaluated.
		if (request.oldObject && JSON.stringify(podTemplateOf(request.oldObject)) === JSON.stringify(template)) return undefined;
		const namespace = request.store.peek(bucketName('', 'Namespace'), undefined, request.namespace);
		const labels = (namespace?.metadata.labels ?? {}) as Record<string, string>;
		const warnings: string[] = [];
		const enforce = levelOf(labels[label('enforce')]);
		const warn = levelOf(labels[label('warn')]);
		if (request.resource.kind === 'Pod' && enforce && enforce !== 'privileged') {
			const version = versionOf(labels, 'enforce');
			const violations = objectViolations(checks(), request.object, enforce, version);
			if (violations.length > 0) {
				return {
					reject: {
						code: 403,
						reason: 'Forbidden',
						message: `pods "${request.name}" is forbidden: violates PodSecurity "${enforce}:${version.name}": ${describe(violations)}`,
					},
				};
			}
		}
		const judged = new Map<Level, 'enforce' | 'warn'>();
		if (warn) judged.set(warn, 'warn');
		if (request.resource.kind !== 'Pod' && enforce && !judged.has(enforce)) judged.set(enforce, 'enforce');
		for (const [level, mode] of judged) {
			if (level === 'privileged') continue;
			const version = versionOf(labels, mode);
			const violations = objectViolations(checks(), request.object, level, version);
			if (violations.length > 0) warnings.push(`would violate PodSecurity "${level}:${version.name}": ${describe(violations)}`);
		}
		return {warnings};
	};
}

function describe(violations: readonly PodViolation[]): string {
	return violations.map((v) => `${v.control} (${v.messages.join('; ')})`).join(', ');
}

function levelOf(value: string | undefined): Level | undefined {
	return levels.find((l) => l === value);
}

/** The part of a write PSA looks at: the pod's metadata and spec, or a controller's template. */
function podTemplateOf(object: KubeObject): unknown {
	const spec = object.spec as Record<string, any> | undefined;
	if (object.kind === 'Pod') return spec === undefined ? undefined : {metadata: object.metadata.annotations, spec};
	const template = object.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
	return template?.spec === undefined ? undefined : template;
}
