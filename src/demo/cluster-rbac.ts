import {object, type Obj, type Spec} from './builders.js';
import {clone} from './clone.js';

const rbac = 'rbac.authorization.k8s.io/v1';
const bootstrap = {labels: {'kubernetes.io/bootstrapping': 'rbac-defaults'}, annotations: {'rbac.authorization.kubernetes.io/autoupdate': 'true'}};

type Subject = {kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string};
const user = (name: string): Subject => ({kind: 'User', name});
const group = (name: string): Subject => ({kind: 'Group', name});
const sa = (namespace: string, name: string): Subject => ({kind: 'ServiceAccount', name, namespace});

const rule = (apiGroups: string[], resources: string[], verbs: string[]): Spec => ({apiGroups, resources, verbs});
const read = ['get', 'list', 'watch'];

function clusterRole(name: string, created: string, rules: Spec[], isBootstrap = false): Obj {
	return object(rbac, 'ClusterRole', {name, ...(isBootstrap ? clone(bootstrap) : {}), creationTimestamp: created}, {rules});
}

function clusterRoleBinding(name: string, created: string, role: string, subjects: Subject[], isBootstrap = false): Obj {
	return object(rbac, 'ClusterRoleBinding', {name, ...(isBootstrap ? clone(bootstrap) : {}), creationTimestamp: created}, {
		roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role},
		subjects: subjects.map((s) => (s.kind === 'ServiceAccount' ? s : {apiGroup: 'rbac.authorization.k8s.io', ...s})),
	});
}

/** The bootstrap roles a kubeadm cluster has, plus what the AKS hybrid add-ons install. */
export function platformRbac(created: string): Obj[] {
	return [
		clusterRole('cluster-admin', created, [rule(['*'], ['*'], ['*']), {nonResourceURLs: ['*'], verbs: ['*']}], true),
		clusterRole('admin', created, [rule(['', 'apps', 'batch'], ['pods', 'deployments', 'jobs', 'secrets', 'configmaps', 'services'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']), rule(['rbac.authorization.k8s.io'], ['roles', 'rolebindings'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'])], true),
		clusterRole('edit', created, [rule(['', 'apps', 'batch'], ['pods', 'deployments', 'jobs', 'secrets', 'configmaps', 'services'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'])], true),
		clusterRole('view', created, [rule(['', 'apps', 'batch'], ['pods', 'deployments', 'jobs', 'configmaps', 'services'], read)], true),
		clusterRole('system:discovery', created, [{nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get']}], true),
		clusterRole('system:basic-user', created, [rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create'])], true),
		clusterRole('system:public-info-viewer', created, [{nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get']}], true),
		clusterRole('system:node', created, [rule([''], ['nodes', 'nodes/status', 'pods', 'pods/status'], ['get', 'list', 'watch', 'patch', 'update']), rule([''], ['secrets', 'configmaps'], ['get', 'list', 'watch'])], true),
		clusterRole('system:node-proxier', created, [rule([''], ['endpoints', 'services', 'nodes'], read), rule(['discovery.k8s.io'], ['endpointslices'], read)], true),
		clusterRole('system:kube-scheduler', created, [rule([''], ['pods', 'nodes', 'bindings', 'pods/binding'], ['get', 'list', 'watch', 'create', 'update']), rule(['coordination.k8s.io'], ['leases'], ['create', 'get', 'update'])], true),
		clusterRole('system:kube-controller-manager', created, [rule(['*'], ['*'], ['list', 'watch']), rule([''], ['secrets', 'serviceaccounts'], ['create', 'get', 'update', 'delete'])], true),
		clusterRole('system:coredns', created, [rule([''], ['endpoints', 'services', 'pods', 'namespaces'], ['list', 'watch']), rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch'])]),
		clusterRole('calico-node', created, [rule([''], ['pods', 'nodes', 'namespaces', 'serviceaccounts', 'endpoints', 'services'], read), rule([''], ['nodes/status'], ['patch', 'update']), rule(['crd.projectcalico.org'], ['*'], ['*'])]),
		clusterRole('calico-kube-controllers', created, [rule([''], ['nodes'], ['get', 'list', 'watch', 'delete']), rule(['crd.projectcalico.org'], ['*'], ['*'])]),
		clusterRole('csi-akshcicsi-controller', created, [rule([''], ['persistentvolumes'], ['get', 'list', 'watch', 'create', 'delete', 'patch']), rule(['storage.k8s.io'], ['volumeattachments', 'storageclasses', 'csinodes'], ['get', 'list', 'watch', 'patch'])]),
		clusterRole('moc-cloud-controller-manager', created, [rule([''], ['nodes', 'nodes/status', 'services', 'services/status'], ['get', 'list', 'watch', 'patch', 'update']), rule([''], ['events'], ['create', 'patch', 'update'])]),
		clusterRole('certificate-renewal', created, [rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['get', 'list', 'watch', 'create']), rule(['certificates.microsoft.com'], ['renewrevocations'], read)]),
		clusterRole('akshci-telemetry', created, [rule([''], ['nodes', 'pods', 'namespaces'], read)]),
		clusterRole('prometheus', created, [rule([''], ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], read), {nonResourceURLs: ['/metrics'], verbs: ['get']}]),
		clusterRoleBinding('cluster-admin', created, 'cluster-admin', [group('system:masters')], true),
		clusterRoleBinding('kubeadm:cluster-admins', created, 'cluster-admin', [group('kubeadm:cluster-admins')]),
		clusterRoleBinding('system:discovery', created, 'system:discovery', [group('system:authenticated')], true),
		clusterRoleBinding('system:basic-user', created, 'system:basic-user', [group('system:authenticated')], true),
		clusterRoleBinding('system:public-info-viewer', created, 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')], true),
		clusterRoleBinding('system:kube-scheduler', created, 'system:kube-scheduler', [user('system:kube-scheduler')], true),
		clusterRoleBinding('system:kube-controller-manager', created, 'system:kube-controller-manager', [user('system:kube-controller-manager')], true),
		clusterRoleBinding('system:coredns', created, 'system:coredns', [sa('kube-system', 'coredns')]),
		clusterRoleBinding('kubeadm:node-proxier', created, 'system:node-proxier', [sa('kube-system', 'kube-proxy')]),
		clusterRoleBinding('calico-node', created, 'calico-node', [sa('calico-system', 'calico-node')]),
		clusterRoleBinding('calico-kube-controllers', created, 'calico-kube-controllers', [sa('calico-system', 'calico-kube-controllers')]),
		clusterRoleBinding('csi-akshcicsi-controller', created, 'csi-akshcicsi-controller', [sa('kube-system', 'csi-akshcicsi-controller')]),
		clusterRoleBinding('moc-cloud-controller-manager', created, 'moc-cloud-controller-manager', [sa('kube-system', 'moc-cloud-controller-manager')]),
		clusterRoleBinding('certificate-renewal', created, 'certificate-renewal', [sa('kube-system', 'certificate-renewal')]),
		clusterRoleBinding('akshci-telemetry', created, 'akshci-telemetry', [sa('kube-system', 'akshci-telemetry')]),
		clusterRoleBinding('prometheus', created, 'prometheus', [sa('monitoring', 'prometheus')]),
		// Arc's agents run with cluster-admin; the audit should accept it as platform, not hide it.
		clusterRoleBinding('azure-arc-operator', created, 'cluster-admin', [sa('azure-arc', 'azure-arc-operator')]),
		clusterRoleBinding('azure-arc-kube-aad-proxy', created, 'cluster-admin', [sa('azure-arc', 'azure-arc-kube-aad-proxy-sa')]),
	];
}

/** What operators added: the RBAC an audit should question. */
export function userRbac(created: string): Obj[] {
	return [
		clusterRoleBinding('ops-team-admin', created, 'cluster-admin', [group('ops-team')]),
		clusterRole('everything-operator', created, [rule(['*'], ['*'], ['*'])]),
		clusterRoleBinding('everything-operator', created, 'everything-operator', [sa('payments', 'default')]),
		object(rbac, 'Role', {name: 'secrets-reader', namespace: 'shop', creationTimestamp: created}, {rules: [rule([''], ['secrets'], read)]}),
		object(rbac, 'RoleBinding', {name: 'secrets-reader', namespace: 'shop', creationTimestamp: created}, {
			roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-reader'},
			subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated'}],
		}),
		object(rbac, 'Role', {name: 'deployer', namespace: 'payments', creationTimestamp: created}, {
			rules: [rule(['apps'], ['deployments', 'daemonsets'], ['get', 'list', 'watch', 'patch', 'update']), rule([''], ['pods'], read)],
		}),
		object(rbac, 'RoleBinding', {name: 'deployer', namespace: 'payments', creationTimestamp: created}, {
			roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer'},
			subjects: [{kind: 'ServiceAccount', name: 'default', namespace: 'payments'}],
		}),
	];
}
