import type {KubeObject} from '../model/kube.js';

/** One entry of an APIResourceList, plus where it lives. */
export type ApiResource = {
	readonly group: string;
	readonly version: string;
	readonly plural: string;
	readonly singular: string;
	readonly kind: string;
	readonly namespaced: boolean;
	readonly verbs: readonly string[];
	readonly shortNames?: readonly string[];
	readonly categories?: readonly string[];
	/** Served from a CustomResourceDefinition, which changes what PATCH accepts. */
	readonly isCustom?: boolean;
};

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const createOnly = ['create'] as const;

type Row = readonly [plural: string, kind: string, namespaced: boolean, shortNames?: readonly string[], extra?: Partial<ApiResource>];

const all = {categories: ['all']};

// Group order follows what a real 1.30 server advertises, so kubectl's api-resources reads the same.
const builtIn: ReadonlyArray<readonly [groupVersion: string, rows: readonly Row[]]> = [
	[
		'v1',
		[
			['bindings', 'Binding', true, [], {verbs: createOnly}],
			['configmaps', 'ConfigMap', true, ['cm']],
			['endpoints', 'Endpoints', true, ['ep']],
			['events', 'Event', true, ['ev']],
			['limitranges', 'LimitRange', true, ['limits']],
			['namespaces', 'Namespace', false, ['ns'], {verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']}],
			['nodes', 'Node', false, ['no']],
			['persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']],
			['persistentvolumes', 'PersistentVolume', false, ['pv']],
			['pods', 'Pod', true, ['po'], all],
			['replicationcontrollers', 'ReplicationController', true, ['rc'], all],
			['resourcequotas', 'ResourceQuota', true, ['quota']],
			['secrets', 'Secret', true],
			['serviceaccounts', 'ServiceAccount', true, ['sa']],
			['services', 'Service', true, ['svc'], all],
		],
	],
	[
		'apps/v1',
		[
			['controllerrevisions', 'ControllerRevision', true],
			['daemonsets', 'DaemonSet', true, ['ds'], all],
			['deployments', 'Deployment', true, ['deploy'], all],
			['replicasets', 'ReplicaSet', true, ['rs'], all],
			['statefulsets', 'StatefulSet', true, ['sts'], all],
		],
	],
	[
		'events.k8s.io/v1',
		[['events', 'Event', true, ['ev']]],
	],
	[
		'authentication.k8s.io/v1',
		[
			['selfsubjectreviews', 'SelfSubjectReview', false, [], {verbs: createOnly}],
			['tokenreviews', 'TokenReview', false, [], {verbs: createOnly}],
		],
	],
	[
		'authorization.k8s.io/v1',
		[
			['localsubjectaccessreviews', 'LocalSubjectAccessReview', true, [], {verbs: createOnly}],
			['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, [], {verbs: createOnly}],
			['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, [], {verbs: createOnly}],
			['subjectaccessreviews', 'SubjectAccessReview', false, [], {verbs: createOnly}],
		],
	],
	['autoscaling/v2', [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], all]]],
	[
		'batch/v1',
		[
			['cronjobs', 'CronJob', true, ['cj'], all],
			['jobs', 'Job', true, [], all],
		],
	],
	['certificates.k8s.io/v1', [['certificatesigningrequests', 'CertificateSigningRequest', false, ['csr']]]],
	[
		'networking.k8s.io/v1',
		[
			['ingressclasses', 'IngressClass', false],
			['ingresses', 'Ingress', true, ['ing']],
			['networkpolicies', 'NetworkPolicy', true, ['netpol']],
		],
	],
	['policy/v1', [['poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']]]],
	[
		'rbac.authorization.k8s.io/v1',
		[
			['clusterrolebindings', 'ClusterRoleBinding', false],
			['clusterroles', 'ClusterRole', false],
			['rolebindings', 'RoleBinding', true],
			['roles', 'Role', true],
		],
	],
	[
		'storage.k8s.io/v1',
		[
			['csidrivers', 'CSIDriver', false],
			['csinodes', 'CSINode', false],
			['storageclasses', 'StorageClass', false, ['sc']],
			['volumeattachments', 'VolumeAttachment', false],
		],
	],
	[
		'admissionregistration.k8s.io/v1',
		[
			['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
			['validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false],
			['validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false],
			['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
		],
	],
	['apiextensions.k8s.io/v1', [['customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds']]]],
	['scheduling.k8s.io/v1', [['priorityclasses', 'PriorityClass', false, ['pc']]]],
	['coordination.k8s.io/v1', [['leases', 'Lease', true]]],
];

const builtInResources: readonly ApiResource[] = builtIn.flatMap(([groupVersion, rows]) => {
	const {group, version} = splitApiVersion(groupVersion);
	return rows.map(([plural, kind, namespaced, shortNames = [], extra = {}]) => ({
		group,
		version,
		plural,
		singular: kind.toLowerCase(),
		kind,
		namespaced,
		verbs: crud,
		...(shortNames.length > 0 ? {shortNames} : {}),
		...extra,
	}));
});

/** The resources a server with these CRDs serves: built-ins first, then every served CRD version. */
export function resourcesFor(crds: Iterable<KubeObject>): readonly ApiResource[] {
	const custom: ApiResource[] = [];
	for (const crd of crds) {
		const spec = crd.spec as CrdSpec | undefined;
		if (!spec?.group || !spec.names?.plural || !spec.names.kind) continue;
		for (const version of spec.versions ?? []) {
			if (version.served === false) continue;
			custom.push({
				group: spec.group,
				version: version.name,
				plural: spec.names.plural,
				singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
				kind: spec.names.kind,
				namespaced: spec.scope !== 'Cluster',
				verbs: crud,
				...(spec.names.shortNames ? {shortNames: spec.names.shortNames} : {}),
				...(spec.names.categories ? {categories: spec.names.categories} : {}),
				isCustom: true,
			});
		}
	}
	return [...builtInResources, ...custom];
}

export function splitApiVersion(apiVersion: string): {group: string; version: string} {
	const slash = apiVersion.indexOf('/');
	return slash < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)};
}

export function groupVersionOf(resource: Pick<ApiResource, 'group' | 'version'>): string {
	return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** The name kubectl prints in messages: `deployments.apps`, but plain `pods` for the core group. */
export function qualifiedName(resource: Pick<ApiResource, 'group' | 'plural'>): string {
	return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

type CrdSpec = {
	readonly group?: string;
	readonly scope?: string;
	readonly names?: {
		readonly plural?: string;
		readonly singular?: string;
		readonly kind?: string;
		readonly shortNames?: readonly string[];
		readonly categories?: readonly string[];
	};
	readonly versions?: ReadonlyArray<{readonly name: string; readonly served?: boolean}>;
};
