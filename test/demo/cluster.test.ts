import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {KubeObject} from '../../src/model/kube.js';
import {DEMO_SECRET_CANARY, demoObjects, generateBenchCluster} from '../../src/demo/cluster.js';

const now = new Date('2026-03-01T12:00:00Z');
const find = (objects: readonly KubeObject[], kind: string, namespace: string | undefined, name: string) =>
	objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
const spec = (object: KubeObject | undefined) => object?.spec as Record<string, any> | undefined;

test('the demo cluster is deterministic for a given time and a fresh copy each call', () => {
	const a = demoObjects({now});
	const b = demoObjects({now});
	assert.deepEqual(a, b);
	(a[0]!.metadata.labels as Record<string, string>).changed = 'yes';
	assert.equal(b[0]!.metadata.labels?.changed, undefined);
	const keys = a.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
	assert.equal(new Set(keys).size, keys.length, 'no duplicate objects');
});

test('every owner reference points at an object in the cluster, with the right uid', () => {
	const objects = demoObjects({now});
	const byUid = new Map(objects.map((o) => [o.metadata.uid, o]));
	let pods = 0;
	for (const object of objects) {
		for (const ref of object.metadata.ownerReferences ?? []) {
			const owner = byUid.get(ref.uid);
			assert.ok(owner, `${object.kind} ${object.metadata.name} → ${ref.kind} ${ref.name}`);
			assert.equal(owner.kind, ref.kind);
			assert.equal(owner.metadata.name, ref.name);
		}
		if (object.kind === 'Pod') {
			pods++;
			assert.equal(object.metadata.ownerReferences?.filter((r) => r.controller).length, 1, `${object.metadata.name} has one controller`);
		}
	}
	assert.ok(pods > 40);
});

test('platform components are shaped like the real ones', () => {
	const objects = demoObjects({now});
	const cp = 'moc-l1hj0nllpvs';
	for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kms-plugin', 'kube-vip']) {
		const pod = find(objects, 'Pod', 'kube-system', `${name}-${cp}`);
		assert.equal(pod?.metadata.ownerReferences?.[0]?.kind, 'Node', name);
		assert.equal(spec(pod)?.hostNetwork, true, name);
	}
	const command: string[] = spec(find(objects, 'Pod', 'kube-system', `kube-apiserver-${cp}`))?.containers[0].command;
	assert.ok(command.some((flag) => flag.startsWith('--audit-log-path=')));
	assert.ok(command.some((flag) => flag.startsWith('--encryption-provider-config=')));
	const nodes = objects.filter((o) => o.kind === 'Node');
	assert.deepEqual(nodes.map((n) => n.metadata.name), ['moc-l1hj0nllpvs', 'moc-lq2x7c9wd3f', 'moc-lm84tkzv0pa', 'moc-w7n2k4xq1b']);
	assert.equal((nodes[3]!.status as any).nodeInfo.osImage, 'Windows Server 2022 Datacenter');
	for (const [kind, namespace, name] of [
		['DaemonSet', 'kube-system', 'kube-proxy'],
		['DaemonSet', 'calico-system', 'calico-node'],
		['DaemonSet', 'kube-system', 'csi-akshcicsi-node'],
		['DaemonSet', 'kube-system', 'certificate-renewal-worker'],
		['DaemonSet', 'monitoring', 'node-exporter'],
		['Deployment', 'kube-system', 'coredns'],
		['Deployment', 'calico-system', 'calico-kube-controllers'],
		['Deployment', 'kube-system', 'moc-cloud-controller-manager'],
		['Deployment', 'kube-system', 'akshci-telemetry'],
		['Deployment', 'kube-system', 'certificate-renewal-controller'],
		['Deployment', 'monitoring', 'prometheus'],
		['Deployment', 'azure-arc', 'clusterconnect-agent'],
	] as const) {
		assert.ok(find(objects, kind, namespace, name), `${kind} ${namespace}/${name}`);
	}
	const exporter = spec(find(objects, 'DaemonSet', 'monitoring', 'node-exporter'))?.template.spec;
	assert.equal(exporter.hostPID, true);
	assert.equal(exporter.hostNetwork, true);
});

test('the user workloads carry the problems an audit should find', () => {
	const objects = demoObjects({now});
	const web = spec(find(objects, 'Deployment', 'shop', 'web'))?.template.spec.containers[0];
	assert.equal(web.image, 'nginx:latest');
	assert.equal(web.securityContext.privileged, true);
	assert.equal(web.resources, undefined);
	const api = spec(find(objects, 'Deployment', 'shop', 'api'))?.template.spec;
	assert.match(api.containers[0].image, /^contosoacr\.azurecr\.io\/.+@sha256:[0-9a-f]{64}$/);
	assert.deepEqual(api.containers[0].securityContext.capabilities.drop, ['ALL']);
	assert.equal(api.securityContext.seccompProfile.type, 'RuntimeDefault');
	const db = spec(find(objects, 'StatefulSet', 'shop', 'db'))?.template.spec;
	assert.equal(db.securityContext.runAsUser, 0);
	assert.ok(db.volumes.some((v: any) => v.hostPath));
	const iis = spec(find(objects, 'Deployment', 'payments', 'legacy-iis'))?.template.spec;
	assert.equal(iis.securityContext.windowsOptions.runAsUserName, 'ContainerAdministrator');
	const proxy = spec(find(objects, 'DaemonSet', 'payments', 'edge-proxy'))?.template.spec;
	assert.equal(proxy.hostNetwork, true);
	assert.deepEqual(proxy.containers[0].securityContext.capabilities.add, ['NET_ADMIN']);
	const debugged = objects.filter((o) => o.kind === 'Pod' && spec(o)?.ephemeralContainers);
	assert.equal(debugged.length, 1);
	assert.equal(debugged[0]!.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet');
	assert.ok(find(objects, 'ReplicationController', 'legacy', 'legacy-worker'));
	assert.ok(find(objects, 'CronJob', 'shop', 'report'));
	assert.equal(find(objects, 'Namespace', undefined, 'shop')?.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'baseline');
	assert.equal(Object.keys(find(objects, 'Namespace', undefined, 'payments')?.metadata.labels ?? {}).filter((k) => k.startsWith('pod-security')).length, 0);
	assert.equal(objects.filter((o) => o.kind === 'LimitRange' || o.kind === 'ResourceQuota').every((o) => o.metadata.namespace === 'shop'), true);
	assert.equal(find(objects, 'ServiceAccount', 'shop', 'default')?.automountServiceAccountToken, false);
	assert.equal((find(objects, 'ClusterRoleBinding', undefined, 'ops-team-admin') as any)?.roleRef.name, 'cluster-admin');
	assert.deepEqual((find(objects, 'ClusterRole', undefined, 'everything-operator') as any)?.rules, [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]);
	assert.equal((find(objects, 'RoleBinding', 'shop', 'secrets-reader') as any)?.subjects[0].name, 'system:authenticated');
});

test('the canary secret is planted in a Secret, a ConfigMap key and a literal env var', () => {
	const objects = demoObjects({now});
	const secret = find(objects, 'Secret', 'legacy', 'legacy-api-key') as any;
	assert.equal(Buffer.from(secret.data['api-key'], 'base64').toString(), DEMO_SECRET_CANARY);
	const config = find(objects, 'ConfigMap', 'legacy', 'legacy-config') as any;
	assert.match(config.data['tls.key'], /-----BEGIN RSA PRIVATE KEY-----/);
	assert.ok(config.data['tls.key'].includes(DEMO_SECRET_CANARY));
	const env = spec(find(objects, 'Deployment', 'shop', 'web'))?.template.spec.containers[0].env;
	assert.deepEqual(env.find((e: any) => e.name === 'DB_PASSWORD'), {name: 'DB_PASSWORD', value: DEMO_SECRET_CANARY});
});

test('the benchmark cluster has the requested shape', () => {
	const objects = generateBenchCluster(100, 20);
	const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
	assert.equal(count('Deployment'), 20);
	assert.equal(count('ReplicaSet'), 20);
	assert.equal(count('Pod'), 100);
	assert.equal(new Set(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.namespace)).size, 20);
	const privileged = objects.filter((o) => o.kind === 'Deployment' && spec(o)?.template.spec.containers[0].securityContext?.privileged);
	assert.ok(privileged.length > 0 && privileged.length < 20);
});
