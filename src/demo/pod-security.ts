import type {KubeObject} from '../model/kube.js';
import {bucketName} from './object-store.js';
import type {WriteHook, WriteRequest} from './write-hook.js';

type Level = 'privileged' | 'baseline' | 'restricted';
type Violation = {readonly reason: string; readonly detail: string};

const levels: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const label = (mode: string) => `pod-security.kubernetes.io/${mode}`;

const baselineCapabilities = new Set([
	'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
	'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const restrictedVolumes = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * The Pod Security Admission answers an operator meets when hardening a namespace: a label
 * change (dry run or not) warns about existing pods that would violate the new enforce level,
 * workloads written into a labelled namespace warn, and pods violating `enforce` are refused.
 */
export const podSecurityAdmission: WriteHook = (request) => {
	if (request.verb === 'delete' || !request.object) return undefined;
	if (request.resource.kind === 'Namespace' && request.resource.group === '') return namespaceChange(request);
	const template = podSpecOf(request.object);
	if (!template || request.namespace === undefined || request.subresource === 'status') return undefined;
	// Like the real admission, an update that leaves the pod template alone is not re-evaluated.
	if (request.oldObject && JSON.stringify(podSpecOf(request.oldObject)) === JSON.stringify(template)) return undefined;
	const namespace = request.store.peek(bucketName('', 'Namespace'), undefined, request.namespace);
	const labels = (namespace?.metadata.labels ?? {}) as Record<string, string>;
	const warnings: string[] = [];
	const enforce = levelOf(labels[label('enforce')]);
	const warn = levelOf(labels[label('warn')]);
	if (request.resource.kind === 'Pod' && enforce && enforce !== 'privileged') {
		const violations = evaluate(template, enforce);
		if (violations.length > 0) {
			return {
				reject: {
					code: 403,
					reason: 'Forbidden',
					message: `pods "${request.name}" is forbidden: violates PodSecurity "${enforce}:latest": ${describe(violations)}`,
				},
			};
		}
	}
	for (const level of new Set([warn, request.resource.kind === 'Pod' ? undefined : enforce])) {
		if (!level || level === 'privileged') continue;
		const violations = evaluate(template, level);
		if (violations.length > 0) warnings.push(`would violate PodSecurity "${level}:latest": ${describe(violations)}`);
	}
	return {warnings};
};

function namespaceChange(request: WriteRequest) {
	const before = (request.oldObject?.metadata.labels ?? {}) as Record<string, string>;
	const after = (request.object?.metadata.labels ?? {}) as Record<string, string>;
	const raw = after[label('enforce')];
	if (raw === undefined || raw === before[label('enforce')]) return undefined;
	const level = levelOf(raw);
	if (!level) return {reject: {code: 422, reason: 'Invalid', message: `Namespace "${request.name}" is invalid: metadata.labels[${label('enforce')}]: Invalid value: "${raw}": must be one of privileged, baseline, restricted`}};
	if (level === 'privileged') return undefined;
	const byViolation = new Map<string, string[]>();
	for (const [, pod] of request.store.scan(bucketName('', 'Pod'), {namespace: request.name})) {
		const violations = evaluate((pod.spec ?? {}) as PodSpec, level);
		if (violations.length === 0) continue;
		const summary = [...new Set(violations.map((v) => v.reason))].join(', ');
		byViolation.set(summary, [...(byViolation.get(summary) ?? []), pod.metadata.name]);
	}
	if (byViolation.size === 0) return undefined;
	const warnings = [`existing pods in namespace "${request.name}" violate the new PodSecurity enforce level "${level}:latest"`];
	for (const [summary, pods] of byViolation) {
		const others = pods.length - 1;
		warnings.push(`${pods[0]}${others > 0 ? ` (and ${others} other pod${others === 1 ? '' : 's'})` : ''}: ${summary}`);
	}
	return {warnings};
}

type Container = {name: string; ports?: Array<{hostPort?: number}>; securityContext?: SecurityContext};
type SecurityContext = {
	privileged?: boolean;
	allowPrivilegeEscalation?: boolean;
	runAsNonRoot?: boolean;
	runAsUser?: number;
	capabilities?: {add?: string[]; drop?: string[]};
	seccompProfile?: {type?: string};
	windowsOptions?: {hostProcess?: boolean};
};
type PodSpec = {
	hostNetwork?: boolean;
	hostPID?: boolean;
	hostIPC?: boolean;
	os?: {name?: string};
	securityContext?: SecurityContext;
	volumes?: Array<Record<string, unknown> & {name: string}>;
	containers?: Container[];
	initContainers?: Container[];
	ephemeralContainers?: Container[];
};

/** The Pod Security Standards checks, in the words and order PSA reports them. */
export function evaluate(spec: PodSpec, level: Level): Violation[] {
	if (level === 'privileged') return [];
	const out: Violation[] = [];
	const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
	const hostNamespaces = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k]);
	if (hostNamespaces.length > 0) out.push({reason: 'host namespaces', detail: hostNamespaces.map((k) => `${k}=true`).join(', ')});
	const privileged = containers.filter((c) => c.securityContext?.privileged);
	if (privileged.length > 0) out.push({reason: 'privileged', detail: `${containerList(privileged)} must not set securityContext.privileged=true`});
	const added = containers.filter((c) => (c.securityContext?.capabilities?.add ?? []).some((cap) => !baselineCapabilities.has(cap)));
	if (added.length > 0) {
		const caps = [...new Set(added.flatMap((c) => c.securityContext?.capabilities?.add ?? []).filter((cap) => !baselineCapabilities.has(cap)))];
		out.push({reason: 'non-default capabilities', detail: `${containerList(added)} must not include ${caps.map((c) => `"${c}"`).join(', ')} in securityContext.capabilities.add`});
	}
	const hostPaths = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined);
	if (hostPaths.length > 0) out.push({reason: 'hostPath volumes', detail: `volume${hostPaths.length > 1 ? 's' : ''} ${hostPaths.map((v) => `"${v.name}"`).join(', ')}`});
	const hostPorts = containers.flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({c, port: p.hostPort})));
	if (hostPorts.length > 0) out.push({reason: 'hostPort', detail: `${containerList([...new Set(hostPorts.map((h) => h.c))])} uses hostPort ${hostPorts.map((h) => h.port).join(', ')}`});
	if (spec.securityContext?.windowsOptions?.hostProcess || containers.some((c) => c.securityContext?.windowsOptions?.hostProcess)) {
		out.push({reason: 'hostProcess', detail: 'pod and containers must not set securityContext.windowsOptions.hostProcess=true'});
	}
	const seccomp = (c?: Container) => c?.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
	if (spec.securityContext?.seccompProfile?.type === 'Unconfined' || containers.some((c) => c.securityContext?.seccompProfile?.type === 'Unconfined')) {
		out.push({reason: 'seccompProfile', detail: 'pod or containers must not set securityContext.seccompProfile.type to "Unconfined"'});
	}
	if (level === 'baseline') return out;

	const isWindows = spec.os?.name === 'windows';
	const volumes = (spec.volumes ?? []).filter((v) => !Object.keys(v).some((k) => restrictedVolumes.has(k)));
	if (volumes.length > 0) out.push({reason: 'restricted volume types', detail: `volume${volumes.length > 1 ? 's' : ''} ${volumes.map((v) => `"${v.name}"`).join(', ')}`});
	if (isWindows) return out;
	const escalating = containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
	if (escalating.length > 0) out.push({reason: 'allowPrivilegeEscalation != false', detail: `${containerList(escalating)} must set securityContext.allowPrivilegeEscalation=false`});
	const capable = containers.filter(
		(c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL') || (c.securityContext?.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'),
	);
	if (capable.length > 0) out.push({reason: 'unrestricted capabilities', detail: `${containerList(capable)} must set securityContext.capabilities.drop=["ALL"]`});
	const root = containers.filter((c) => (c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true);
	if (root.length > 0) out.push({reason: 'runAsNonRoot != true', detail: `pod or ${containerList(root)} must set securityContext.runAsNonRoot=true`});
	const uidZero = containers.filter((c) => (c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser) === 0);
	if (uidZero.length > 0) out.push({reason: 'runAsUser=0', detail: `${containerList(uidZero)} must not set runAsUser=0`});
	const noSeccomp = containers.filter((c) => !['RuntimeDefault', 'Localhost'].includes(seccomp(c) ?? ''));
	if (noSeccomp.length > 0 && !out.some((v) => v.reason === 'seccompProfile')) {
		out.push({reason: 'seccompProfile', detail: `pod or ${containerList(noSeccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`});
	}
	return out;
}

function describe(violations: readonly Violation[]): string {
	return violations.map((v) => `${v.reason} (${v.detail})`).join(', ');
}

function containerList(containers: readonly Container[]): string {
	const names = containers.map((c) => `"${c.name}"`).join(', ');
	return containers.length === 1 ? `container ${names}` : `containers ${names}`;
}

function levelOf(value: string | undefined): Level | undefined {
	return levels.find((l) => l === value);
}

function podSpecOf(object: KubeObject): PodSpec | undefined {
	const spec = object.spec as Record<string, any> | undefined;
	if (object.kind === 'Pod') return spec as PodSpec | undefined;
	if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
	return spec?.template?.spec;
}
