import {createHash} from 'node:crypto';
import type {KubeObject} from '../model/kube.js';
import {stableUid} from './object-store.js';
import {controllerRef, settleWorkloadStatus, suffix, templateHash} from './rollout.js';
import {clone} from './clone.js';

/** A fixture object under construction; plain data, handed out as KubeObject. */
export type Obj = {apiVersion: string; kind: string; metadata: Meta; [field: string]: any};
export type Meta = {
	name: string;
	namespace?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: Array<Record<string, unknown>>;
	[field: string]: unknown;
};
export type Spec = Record<string, any>;

/** Where and when an object is placed: timestamps are relative to `now`, so ages read naturally. */
export type Clock = {readonly now: number};
export const ago = (clock: Clock, days: number, hours = 0): string =>
	new Date(clock.now - (days * 24 + hours) * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

export function object(apiVersion: string, kind: string, metadata: Meta, body: Record<string, unknown> = {}): Obj {
	const out: Obj = {apiVersion, kind, metadata: {...metadata}, ...body};
	out.metadata.uid ??= stableUid(out);
	return out;
}

export type ContainerOptions = Spec & {readonly name: string; readonly image: string};

/** A container with the fields the kubelet would default left out, as a user's manifest has it. */
export const container = ({name, image, ...rest}: ContainerOptions): Spec => ({name, image, ...rest});

export type NodePlacement = {readonly name: string; readonly ip: string};

export type WorkloadOptions = {
	readonly namespace: string;
	readonly name: string;
	readonly created: string;
	readonly spec: Spec;
	readonly labels?: Record<string, string>;
	readonly podLabels?: Record<string, string>;
	readonly podAnnotations?: Record<string, string>;
	readonly annotations?: Record<string, string>;
	readonly replicas?: number;
	/** Nodes the pods land on, in turn. */
	readonly nodes: readonly NodePlacement[];
	/** Per-pod changes after the fact: restarts, an ephemeral container, a crash loop. */
	readonly podTweaks?: ReadonlyArray<(pod: Obj) => void>;
};

function template(options: WorkloadOptions): Spec {
	return {
		metadata: {
			labels: {...(options.podLabels ?? {app: options.name})},
			...(options.podAnnotations ? {annotations: {...options.podAnnotations}} : {}),
		},
		spec: clone(options.spec),
	};
}

function selectorOf(options: WorkloadOptions): Spec {
	return {matchLabels: {...(options.podLabels ?? {app: options.name})}};
}

/** A Deployment with its current ReplicaSet and running pods, owner references set throughout. */
export function deployment(options: WorkloadOptions): Obj[] {
	const replicas = options.replicas ?? 1;
	const podTemplate = template(options);
	const hash = templateHash(podTemplate);
	const deploy = object(
		'apps/v1',
		'Deployment',
		meta(options, options.created, {annotations: {'deployment.kubernetes.io/revision': '1', ...options.annotations}}),
		{spec: {replicas, selector: selectorOf(options), strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}}, template: podTemplate}},
	);
	deploy.metadata.generation = 1;
	settleWorkloadStatus(deploy);
	const rsTemplate = clone(podTemplate);
	rsTemplate.metadata.labels['pod-template-hash'] = hash;
	const rs = object(
		'apps/v1',
		'ReplicaSet',
		{
			name: `${options.name}-${hash}`,
			namespace: options.namespace,
			labels: {...rsTemplate.metadata.labels},
			annotations: {'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': '1'},
			ownerReferences: [controllerRef(deploy)],
			creationTimestamp: options.created,
			generation: 1,
		},
		{spec: {replicas, selector: {matchLabels: {...selectorOf(options).matchLabels, 'pod-template-hash': hash}}, template: rsTemplate}},
	);
	settleWorkloadStatus(rs);
	const pods = range(replicas).map((i) => pod(rs, `${rs.metadata.name}-${suffix(`${rs.metadata.name}/${i}`)}`, rsTemplate, options, i));
	return [deploy, rs, ...pods];
}

export function daemonSet(options: WorkloadOptions): Obj[] {
	const podTemplate = template(options);
	const ds = object('apps/v1', 'DaemonSet', meta(options, options.created), {
		spec: {selector: selectorOf(options), updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}, template: podTemplate},
		status: {desiredNumberScheduled: options.nodes.length},
	});
	ds.metadata.generation = 1;
	settleWorkloadStatus(ds);
	const revision = templateHash(podTemplate);
	const pods = options.nodes.map((_, i) => {
		const p = pod(ds, `${options.name}-${suffix(`${options.name}/${options.nodes[i]!.name}`)}`, podTemplate, options, i);
		p.metadata.labels = {...p.metadata.labels, 'controller-revision-hash': revision, 'pod-template-generation': '1'};
		return p;
	});
	return [ds, ...pods];
}

export function statefulSet(options: WorkloadOptions & {readonly serviceName: string}): Obj[] {
	const replicas = options.replicas ?? 1;
	const podTemplate = template(options);
	const sts = object('apps/v1', 'StatefulSet', meta(options, options.created), {
		spec: {replicas, serviceName: options.serviceName, selector: selectorOf(options), podManagementPolicy: 'OrderedReady', template: podTemplate},
	});
	sts.metadata.generation = 1;
	settleWorkloadStatus(sts);
	const pods = range(replicas).map((i) => {
		const p = pod(sts, `${options.name}-${i}`, podTemplate, options, i);
		p.metadata.labels = {...p.metadata.labels, 'apps.kubernetes.io/pod-index': String(i), 'statefulset.kubernetes.io/pod-name': p.metadata.name};
		return p;
	});
	return [sts, ...pods];
}

export function replicationController(options: WorkloadOptions): Obj[] {
	const replicas = options.replicas ?? 1;
	const podTemplate = template(options);
	const rc = object('v1', 'ReplicationController', meta(options, options.created), {
		spec: {replicas, selector: {...selectorOf(options).matchLabels}, template: podTemplate},
	});
	rc.metadata.generation = 1;
	settleWorkloadStatus(rc);
	const pods = range(replicas).map((i) => pod(rc, `${options.name}-${suffix(`${options.name}/${i}`)}`, podTemplate, options, i));
	return [rc, ...pods];
}

/** A CronJob with the Job of its last run and that Job's completed pod. */
export function cronJob(options: WorkloadOptions & {readonly schedule: string; readonly lastRun: string}): Obj[] {
	const jobPodTemplate: Spec = {...template(options), spec: {restartPolicy: 'OnFailure', ...options.spec}};
	const jobTemplate = {spec: {backoffLimit: 2, template: jobPodTemplate}};
	const cj = object('batch/v1', 'CronJob', meta(options, options.created), {
		spec: {schedule: options.schedule, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, suspend: false, jobTemplate},
		status: {lastScheduleTime: options.lastRun, lastSuccessfulTime: options.lastRun},
	});
	cj.metadata.generation = 1;
	const scheduled = Math.floor(Date.parse(options.lastRun) / 60_000);
	const jobName = `${options.name}-${scheduled}`;
	const jobSelector = {'batch.kubernetes.io/controller-uid': stableUid({apiVersion: 'batch/v1', kind: 'Job', metadata: {name: jobName, namespace: options.namespace}})};
	const podTemplate = clone(jobTemplate.spec.template);
	podTemplate.metadata.labels = {...podTemplate.metadata.labels, ...jobSelector, 'batch.kubernetes.io/job-name': jobName, 'job-name': jobName};
	const finished = new Date(Date.parse(options.lastRun) + 94_000).toISOString().replace(/\.\d+Z$/, 'Z');
	const job = object(
		'batch/v1',
		'Job',
		{name: jobName, namespace: options.namespace, labels: {...podTemplate.metadata.labels}, ownerReferences: [controllerRef(cj)], creationTimestamp: options.lastRun, generation: 1},
		{
			spec: {parallelism: 1, completions: 1, backoffLimit: 2, selector: {matchLabels: jobSelector}, template: podTemplate},
			status: {
				startTime: options.lastRun,
				completionTime: finished,
				succeeded: 1,
				conditions: [{type: 'Complete', status: 'True', lastProbeTime: finished, lastTransitionTime: finished}],
			},
		},
	);
	const p = pod(job, `${jobName}-${suffix(jobName)}`, podTemplate, {...options, created: options.lastRun}, 0);
	p.status.phase = 'Succeeded';
	p.status.conditions = p.status.conditions.map((c: Spec) => (c.type === 'Ready' || c.type === 'ContainersReady' ? {...c, status: 'False', reason: 'PodCompleted'} : c));
	p.status.containerStatuses = p.status.containerStatuses.map((s: Spec) => ({
		...s,
		ready: false,
		started: false,
		state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: options.lastRun, finishedAt: finished, containerID: s.containerID}},
	}));
	return [cj, job, p];
}

/** A kubelet static pod as the API server shows it: a mirror pod owned by its Node. */
export function staticPod(options: {
	readonly node: NodePlacement;
	readonly namespace: string;
	readonly name: string;
	readonly component: string;
	readonly created: string;
	readonly spec: Spec;
}): Obj {
	const spec = clone(options.spec);
	const configHash = createHash('md5').update(JSON.stringify(spec)).digest('hex');
	const owner = object('v1', 'Node', {name: options.node.name});
	return pod(
		owner,
		`${options.name}-${options.node.name}`,
		{
			metadata: {
				labels: {component: options.component, tier: 'control-plane'},
				annotations: {
					'kubernetes.io/config.hash': configHash,
					'kubernetes.io/config.mirror': configHash,
					'kubernetes.io/config.seen': options.created,
					'kubernetes.io/config.source': 'file',
				},
			},
			spec,
		},
		{namespace: options.namespace, created: options.created, nodes: [options.node]},
		0,
		{controller: true, blockOwnerDeletion: undefined},
	);
}

function pod(owner: Obj, name: string, podTemplate: Spec, options: Pick<WorkloadOptions, 'namespace' | 'created' | 'nodes' | 'podTweaks'>, index: number, refOverride: Record<string, unknown> = {}): Obj {
	const node = options.nodes[index % options.nodes.length]!;
	const spec = {...clone(podTemplate.spec), nodeName: node.name};
	const ref = {...controllerRef(owner), ...refOverride};
	for (const key of Object.keys(ref)) if (ref[key] === undefined) delete ref[key];
	const containers: Spec[] = spec.containers ?? [];
	const initContainers: Spec[] = spec.initContainers ?? [];
	const started = options.created;
	const p = object(
		'v1',
		'Pod',
		{
			name,
			namespace: options.namespace,
			labels: {...podTemplate.metadata?.labels},
			...(podTemplate.metadata?.annotations ? {annotations: {...podTemplate.metadata.annotations}} : {}),
			ownerReferences: [ref],
			creationTimestamp: options.created,
		},
		{
			spec,
			status: {
				phase: 'Running',
				conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
					type,
					status: 'True',
					lastProbeTime: null,
					lastTransitionTime: started,
				})),
				hostIP: node.ip,
				hostIPs: [{ip: node.ip}],
				podIP: spec.hostNetwork ? node.ip : podIp(name),
				podIPs: [{ip: spec.hostNetwork ? node.ip : podIp(name)}],
				startTime: started,
				qosClass: qosClass(containers),
				...(initContainers.length > 0
					? {initContainerStatuses: initContainers.map((c) => containerStatus(name, c, started, false, {terminated: {exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: started}}))}
					: {}),
				containerStatuses: containers.map((c) => containerStatus(name, c, started, true, {running: {startedAt: started}})),
			},
		},
	);
	if (owner.kind === 'StatefulSet') p.spec = {...p.spec, hostname: name, subdomain: owner.spec.serviceName};
	options.podTweaks?.[index]?.(p);
	return p;
}

/** Makes a pod crash-loop: not ready, restarting, last exit an error. */
export function crashLooping(restarts: number, clock: Clock) {
	return (p: Obj): void => {
		const finished = ago(clock, 0, 0.05);
		p.status.conditions = p.status.conditions.map((c: Spec) =>
			c.type === 'Ready' || c.type === 'ContainersReady' ? {...c, status: 'False', reason: 'ContainersNotReady'} : c,
		);
		p.status.containerStatuses = p.status.containerStatuses.map((s: Spec) => ({
			...s,
			ready: false,
			started: false,
			restartCount: restarts,
			state: {waiting: {reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${s.name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`}},
			lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: finished, finishedAt: finished, containerID: s.containerID}},
		}));
	};
}

/** What `kubectl debug -it <pod> --image=… --target=<container>` leaves behind. */
export function withEphemeralContainer(name: string, image: string, target: string, clock: Clock) {
	return (p: Obj): void => {
		p.spec.ephemeralContainers = [{name, image, targetContainerName: target, stdin: true, tty: true, terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent'}];
		p.status.ephemeralContainerStatuses = [
			{...containerStatus(p.metadata.name, {name, image}, ago(clock, 1), false, {running: {startedAt: ago(clock, 1)}}), ready: false},
		];
	};
}

export function withRestarts(restarts: number) {
	return (p: Obj): void => {
		p.status.containerStatuses = p.status.containerStatuses.map((s: Spec) => ({...s, restartCount: restarts}));
	};
}

function containerStatus(podName: string, c: Spec, started: string, ready: boolean, state: Spec): Spec {
	return {
		name: c.name,
		image: c.image,
		imageID: imageId(c.image),
		containerID: `containerd://${createHash('sha256').update(`${podName}/${c.name}`).digest('hex')}`,
		ready,
		started: ready,
		restartCount: 0,
		state,
		lastState: {},
	};
}

/** The digest the runtime resolved a tag to, stable per image reference. */
export function imageId(image: string): string {
	if (image.includes('@sha256:')) return image;
	const repository = image.replace(/:[^:/]+$/, '');
	return `${repository}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export function digestOf(image: string): string {
	return `sha256:${createHash('sha256').update(`${image}#release`).digest('hex')}`;
}

function qosClass(containers: readonly Spec[]): string {
	const limited = containers.every((c) => c.resources?.limits?.cpu && c.resources?.limits?.memory);
	const equal = containers.every((c) => !c.resources?.requests || JSON.stringify(c.resources.requests) === JSON.stringify(c.resources.limits));
	if (containers.length > 0 && limited && equal) return 'Guaranteed';
	return containers.some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort';
}

function podIp(name: string): string {
	const n = createHash('sha256').update(name).digest();
	return `10.244.${n[0]! % 4}.${2 + (n[1]! % 250)}`;
}

function meta(options: WorkloadOptions, created: string, extra: Partial<Meta> = {}): Meta {
	return {
		name: options.name,
		namespace: options.namespace,
		labels: {...(options.labels ?? {app: options.name})},
		...(options.annotations || extra.annotations ? {annotations: {...options.annotations, ...extra.annotations}} : {}),
		creationTimestamp: created,
	};
}

export function range(n: number): number[] {
	return Array.from({length: n}, (_, i) => i);
}

export const asKube = (objects: readonly Obj[]): KubeObject[] => objects as unknown as KubeObject[];
