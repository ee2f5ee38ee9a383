/** The API resources the engine may list: plural name → where it lives. */
export type ResourceType = {
	readonly plural: string;
	readonly kind: string;
	readonly apiVersion: string;
	readonly namespaced: boolean;
};

const table: ReadonlyArray<[string, string, string, boolean]> = [
	['pods', 'Pod', 'v1', true],
	['namespaces', 'Namespace', 'v1', false],
	['nodes', 'Node', 'v1', false],
	['services', 'Service', 'v1', true],
	['configmaps', 'ConfigMap', 'v1', true],
	['secrets', 'Secret', 'v1', true],
	['serviceaccounts', 'ServiceAccount', 'v1', true],
	['limitranges', 'LimitRange', 'v1', true],
	['resourcequotas', 'ResourceQuota', 'v1', true],
	['replicationcontrollers', 'ReplicationController', 'v1', true],
	['deployments', 'Deployment', 'apps/v1', true],
	['statefulsets', 'StatefulSet', 'apps/v1', true],
	['daemonsets', 'DaemonSet', 'apps/v1', true],
	['replicasets', 'ReplicaSet', 'apps/v1', true],
	['jobs', 'Job', 'batch/v1', true],
	['cronjobs', 'CronJob', 'batch/v1', true],
	['networkpolicies', 'NetworkPolicy', 'networking.k8s.io/v1', true],
	['roles', 'Role', 'rbac.authorization.k8s.io/v1', true],
	['rolebindings', 'RoleBinding', 'rbac.authorization.k8s.io/v1', true],
	['clusterroles', 'ClusterRole', 'rbac.authorization.k8s.io/v1', false],
	['clusterrolebindings', 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', false],
	['customresourcedefinitions', 'CustomResourceDefinition', 'apiextensions.k8s.io/v1', false],
	['validatingadmissionpolicies', 'ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1', false],
	['csidrivers', 'CSIDriver', 'storage.k8s.io/v1', false],
	['certificatesigningrequests', 'CertificateSigningRequest', 'certificates.k8s.io/v1', false],
];

export const resourceTypes: ReadonlyMap<string, ResourceType> = new Map(
	table.map(([plural, kind, apiVersion, namespaced]) => [plural, {plural, kind, apiVersion, namespaced}]),
);

export const resourceByKind: ReadonlyMap<string, ResourceType> = new Map([...resourceTypes.values()].map((r) => [r.kind, r]));

/** Facts about the cluster that are not object lists. */
/** `server-version` is the API server's /version, which Pod Security Admission's "latest" follows. */
export const clusterFactNames = ['readyz', 'apiserver-cert', 'server-version'] as const;
export type ClusterFactName = (typeof clusterFactNames)[number];

/** The API group a permission message names ("" for the core group). */
export function apiGroupOf(resource: ResourceType): string {
	return resource.apiVersion.includes('/') ? resource.apiVersion.split('/')[0]! : '';
}
