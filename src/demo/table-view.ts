import type {MutableObject} from './object-store.js';

type Column = {name: string; type: string; format: string; description: string; priority: number};
type Cell = string | number | boolean;
type View = {readonly columns: readonly Column[]; readonly cells: (object: Obj, now: number) => Cell[]};
type Obj = MutableObject & Record<string, any>;

const col = (name: string, type = 'string', priority = 0): Column => ({
	name,
	type,
	format: name === 'Name' ? 'name' : '',
	description: '',
	priority,
});

const name = col('Name');
const age = col('Age');
const nameOf = (o: Obj) => o.metadata.name;
const ageOf = (o: Obj, now: number) => humanAge(o.metadata.creationTimestamp as string | undefined, now);
const count = (value: unknown) => (typeof value === 'number' ? value : 0);
const keys = (value: unknown) => (value && typeof value === 'object' ? Object.keys(value).length : 0);
const containersOf = (o: Obj): any[] => o.spec?.template?.spec?.containers ?? o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? [];
const containerNames = (o: Obj) => containersOf(o).map((c) => c.name).join(',');
const images = (o: Obj) => containersOf(o).map((c) => c.image).join(',');
const selector = (o: Obj) => formatSelector(o.spec?.selector);

// The columns a 1.30 API server puts in its server-side tables, which kubectl prints verbatim.
const views: Readonly<Record<string, View>> = {
	Pod: {
		columns: [name, col('Ready'), col('Status'), col('Restarts'), age, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
		cells: (o, now) => {
			const statuses: any[] = o.status?.containerStatuses ?? [];
			const total = (o.spec?.containers ?? []).length;
			const ready = statuses.filter((s) => s.ready).length;
			const restarts = statuses.reduce((sum, s) => sum + count(s.restartCount), 0);
			return [nameOf(o), `${ready}/${total}`, podPhase(o), String(restarts), ageOf(o, now), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>'];
		},
	},
	Deployment: {
		columns: [name, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
		cells: (o, now) => [nameOf(o), `${count(o.status?.readyReplicas)}/${o.spec?.replicas ?? 1}`, count(o.status?.updatedReplicas), count(o.status?.availableReplicas), ageOf(o, now), containerNames(o), images(o), selector(o)],
	},
	ReplicaSet: {
		columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
		cells: (o, now) => [nameOf(o), o.spec?.replicas ?? 1, count(o.status?.replicas), count(o.status?.readyReplicas), ageOf(o, now), containerNames(o), images(o), selector(o)],
	},
	ReplicationController: {
		columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
		cells: (o, now) => [nameOf(o), o.spec?.replicas ?? 1, count(o.status?.replicas), count(o.status?.readyReplicas), ageOf(o, now), containerNames(o), images(o), formatSelector({matchLabels: o.spec?.selector})],
	},
	DaemonSet: {
		columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
		cells: (o, now) => [
			nameOf(o),
			count(o.status?.desiredNumberScheduled),
			count(o.status?.currentNumberScheduled),
			count(o.status?.numberReady),
			count(o.status?.updatedNumberScheduled),
			count(o.status?.numberAvailable),
			formatLabels(o.spec?.template?.spec?.nodeSelector) || '<none>',
			ageOf(o, now),
			containerNames(o),
			images(o),
			selector(o),
		],
	},
	StatefulSet: {
		columns: [name, col('Ready'), age, col('Containers', 'string', 1), col('Images', 'string', 1)],
		cells: (o, now) => [nameOf(o), `${count(o.status?.readyReplicas)}/${o.spec?.replicas ?? 1}`, ageOf(o, now), containerNames(o), images(o)],
	},
	Job: {
		columns: [name, col('Status'), col('Completions'), col('Duration'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
		cells: (o, now) => {
			const conditions: any[] = o.status?.conditions ?? [];
			const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
			const started = Date.parse(o.status?.startTime ?? '');
			const ended = Date.parse(o.status?.completionTime ?? '') || now;
			return [
				nameOf(o),
				done?.type ?? 'Running',
				`${count(o.status?.succeeded)}/${o.spec?.completions ?? 1}`,
				Number.isNaN(started) ? '' : formatDuration((ended - started) / 1000),
				ageOf(o, now),
				containerNames(o),
				images(o),
				selector(o),
			];
		},
	},
	CronJob: {
		columns: [name, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), age, col('Containers', 'string', 1), col('Images', 'string', 1)],
		cells: (o, now) => [
			nameOf(o),
			o.spec?.schedule ?? '',
			o.spec?.timeZone ?? '<none>',
			Boolean(o.spec?.suspend),
			(o.status?.active ?? []).length,
			o.status?.lastScheduleTime ? humanAge(o.status.lastScheduleTime, now) : '<none>',
			ageOf(o, now),
			containerNames(o),
			images(o),
		],
	},
	Node: {
		columns: [name, col('Status'), col('Roles'), age, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
		cells: (o, now) => {
			const ready = (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
			const roles = Object.keys(o.metadata.labels ?? {})
				.filter((l) => l.startsWith('node-role.kubernetes.io/'))
				.map((l) => l.slice('node-role.kubernetes.io/'.length));
			const address = (type: string) => (o.status?.addresses ?? []).find((a: any) => a.type === type)?.address ?? '<none>';
			const info = o.status?.nodeInfo ?? {};
			return [
				nameOf(o),
				(ready?.status === 'True' ? 'Ready' : 'NotReady') + (o.spec?.unschedulable ? ',SchedulingDisabled' : ''),
				roles.join(',') || '<none>',
				ageOf(o, now),
				info.kubeletVersion ?? '',
				address('InternalIP'),
				address('ExternalIP'),
				info.osImage ?? '',
				info.kernelVersion ?? '',
				info.containerRuntimeVersion ?? '',
			];
		},
	},
	Namespace: {
		columns: [name, col('Status'), age],
		cells: (o, now) => [nameOf(o), o.status?.phase ?? 'Active', ageOf(o, now)],
	},
	Service: {
		columns: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age, col('Selector', 'string', 1)],
		cells: (o, now) => [
			nameOf(o),
			o.spec?.type ?? 'ClusterIP',
			o.spec?.clusterIP ?? '<none>',
			(o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).join(',') || '<none>',
			(o.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
			ageOf(o, now),
			formatLabels(o.spec?.selector) || '<none>',
		],
	},
	ConfigMap: {columns: [name, col('Data', 'integer'), age], cells: (o, now) => [nameOf(o), keys(o.data) + keys(o.binaryData), ageOf(o, now)]},
	Secret: {columns: [name, col('Type'), col('Data', 'integer'), age], cells: (o, now) => [nameOf(o), o.type ?? 'Opaque', keys(o.data), ageOf(o, now)]},
	ServiceAccount: {columns: [name, col('Secrets', 'integer'), age], cells: (o, now) => [nameOf(o), (o.secrets ?? []).length, ageOf(o, now)]},
	NetworkPolicy: {columns: [name, col('Pod-Selector'), age], cells: (o, now) => [nameOf(o), formatSelector(o.spec?.podSelector), ageOf(o, now)]},
	ClusterRole: {columns: [name, col('Created At', 'date')], cells: (o) => [nameOf(o), o.metadata.creationTimestamp as string]},
	Role: {columns: [name, col('Created At', 'date')], cells: (o) => [nameOf(o), o.metadata.creationTimestamp as string]},
	ClusterRoleBinding: bindingView(),
	RoleBinding: bindingView(),
	CustomResourceDefinition: {columns: [name, col('Created At', 'date')], cells: (o) => [nameOf(o), o.metadata.creationTimestamp as string]},
	Event: {
		columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
		cells: (o, now) => [
			humanAge(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
			o.type ?? '',
			o.reason ?? '',
			`${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
			o.message ?? '',
		],
	},
};

const generic: View = {columns: [name, age], cells: (o, now) => [nameOf(o), ageOf(o, now)]};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A `meta.k8s.io/v1 Table`, what kubectl asks for with `Accept: …;as=Table`. */
export function toTable(
	kind: string,
	objects: readonly MutableObject[],
	listMetadata: Record<string, unknown>,
	includeObject: IncludeObject = 'Metadata',
	now = Date.now(),
): Record<string, unknown> {
	const view = views[kind] ?? generic;
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: listMetadata,
		columnDefinitions: view.columns,
		rows: objects.map((object) => ({
			cells: view.cells(object as Obj, now),
			...(includeObject === 'None'
				? {}
				: {
						object:
							includeObject === 'Object'
								? object
								: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata},
					}),
		})),
	};
}

function bindingView(): View {
	const subjects = (o: Obj, kind: string) =>
		(o.subjects ?? [])
			.filter((s: any) => s.kind === kind)
			.map((s: any) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
			.join(', ');
	return {
		columns: [name, col('Role'), age, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
		cells: (o, now) => [nameOf(o), `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, ageOf(o, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
	};
}

function podPhase(o: Obj): string {
	if (o.metadata.deletionTimestamp) return 'Terminating';
	for (const s of [...(o.status?.initContainerStatuses ?? []), ...(o.status?.containerStatuses ?? [])]) {
		if (s.state?.waiting?.reason) return s.state.waiting.reason;
	}
	if (o.status?.phase === 'Succeeded') return 'Completed';
	return o.status?.reason ?? o.status?.phase ?? 'Pending';
}

function formatLabels(labels: unknown): string {
	if (!labels || typeof labels !== 'object') return '';
	return Object.entries(labels as Record<string, string>)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

function formatSelector(selector: any): string {
	if (!selector) return '<none>';
	const parts = [formatLabels(selector.matchLabels)];
	for (const e of selector.matchExpressions ?? []) {
		const op = String(e.operator).toLowerCase();
		parts.push(op === 'exists' ? e.key : op === 'doesnotexist' ? `!${e.key}` : `${e.key} ${op} (${(e.values ?? []).join(',')})`);
	}
	return parts.filter(Boolean).join(',') || '<none>';
}

/** kubectl's HumanDuration, so ages read like the real thing ("5m30s", "3h", "41d"). */
export function humanAge(timestamp: string | undefined, now = Date.now()): string {
	const time = Date.parse(timestamp ?? '');
	if (Number.isNaN(time)) return '<unknown>';
	return formatDuration((now - time) / 1000);
}

function formatDuration(totalSeconds: number): string {
	const seconds = Math.floor(totalSeconds);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
	if (minutes < 180) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	if (hours < 48) return `${hours}h`;
	const days = Math.floor(hours / 24);
	if (hours < 192) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
	if (hours < 24 * 365 * 2) return `${days}d`;
	const years = Math.floor(days / 365);
	if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
	return `${years}y`;
}
