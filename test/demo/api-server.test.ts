import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {request} from 'node:https';
import {
	ApiException,
	AppsV1Api,
	AuthenticationV1Api,
	CoreV1Api,
	KubeConfig,
	KubernetesObjectApi,
	PatchStrategy,
	setHeaderOptions,
	Watch,
	type V1Pod,
} from '@kubernetes/client-node';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {DEMO_SECRET_CANARY, demoObjects, generateBenchCluster} from '../../src/demo/cluster.js';
import {createDemoPki} from '../../src/demo/pki.js';

function clientFor(server: ApiServer, options: Parameters<ApiServer['kubeconfigYaml']>[0] = {}): KubeConfig {
	const config = new KubeConfig();
	config.loadFromString(server.kubeconfigYaml(options));
	return config;
}

async function rejection(promise: Promise<unknown>): Promise<ApiException<string>> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ApiException) return error as ApiException<string>;
		throw error;
	}
	assert.fail('expected the call to fail');
}

type RawReply = {status: number; headers: Record<string, string[] | undefined>; body: string};

/** A request with nothing in between, for what the generated client hides (headers, tables). */
function raw(server: ApiServer, method: string, path: string, options: {body?: unknown; contentType?: string; accept?: string; token?: string} = {}): Promise<RawReply> {
	return new Promise((resolve, reject) => {
		const url = new URL(path, server.url);
		const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
		const req = request(
			url,
			{
				method,
				ca: server.caPem,
				headers: {
					...(options.token === '' ? {} : {authorization: `Bearer ${options.token ?? server.token}`}),
					accept: options.accept ?? 'application/json',
					...(payload !== undefined ? {'content-type': options.contentType ?? 'application/json'} : {}),
				},
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headersDistinct, body}));
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

describe('the demo API server through @kubernetes/client-node', () => {
	let server: ApiServer;
	let core: CoreV1Api;
	let apps: AppsV1Api;

	before(async () => {
		server = await startApiServer({
			objects: demoObjects(),
			tokens: {'operator-token': 'operator', 'auditor-token': 'auditor'},
			forbidden: [{user: 'auditor', resource: 'secrets', verb: 'list'}],
		});
		core = clientFor(server, {token: 'operator-token'}).makeApiClient(CoreV1Api);
		apps = clientFor(server, {token: 'operator-token'}).makeApiClient(AppsV1Api);
	});
	after(() => server.close());

	test('pages through every pod in the cluster with limit and continue', async () => {
		const whole = await core.listPodForAllNamespaces();
		const names: string[] = [];
		let token: string | undefined;
		let pages = 0;
		const remaining: number[] = [];
		do {
			const page = await core.listPodForAllNamespaces({limit: 2, ...(token ? {_continue: token} : {})});
			pages++;
			assert.ok(page.items.length <= 2);
			names.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
			token = page.metadata?._continue;
			if (page.metadata?.remainingItemCount !== undefined) remaining.push(page.metadata.remainingItemCount);
		} while (token);
		assert.deepEqual(names, whole.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
		assert.equal(pages, Math.ceil(whole.items.length / 2));
		assert.equal(remaining[0], whole.items.length - 2);
		assert.ok(whole.items.length > 40, 'the demo cluster has platform and user pods');
		const paged = server.requests.filter((r) => r.path === '/api/v1/pods' && r.query.limit === '2');
		assert.equal(paged.length, pages);
		assert.equal(paged.filter((r) => r.query.continue).length, pages - 1);
	});

	test('lists one namespace, by label selector and by field selector', async () => {
		const shop = await core.listNamespacedPod({namespace: 'shop'});
		assert.ok(shop.items.length > 0);
		assert.ok(shop.items.every((p) => p.metadata?.namespace === 'shop'));
		const web = await core.listNamespacedPod({namespace: 'shop', labelSelector: 'app in (web, api),app!=api'});
		assert.ok(web.items.length > 0 && web.items.every((p) => p.metadata?.labels?.app === 'web'));
		const byName = await core.listPodForAllNamespaces({fieldSelector: 'metadata.name=db-0'});
		assert.deepEqual(byName.items.map((p) => p.metadata?.name), ['db-0']);
		const controlPlane = await core.listNode({labelSelector: 'node-role.kubernetes.io/control-plane'});
		assert.deepEqual(controlPlane.items.map((n) => n.metadata?.name), ['moc-l1hj0nllpvs']);
	});

	test('reads single objects', async () => {
		const node = await core.readNode({name: 'moc-w7n2k4xq1b'});
		assert.equal(node.status?.nodeInfo?.operatingSystem, 'windows');
		const web = await apps.readNamespacedDeployment({name: 'web', namespace: 'shop'});
		assert.equal(web.spec?.template.spec?.containers[0]?.image, 'nginx:latest');
	});

	test('a merge patch of a Deployment bumps resourceVersion but not generation', async () => {
		const before = await apps.readNamespacedDeployment({name: 'api', namespace: 'shop'});
		const patched = await apps.patchNamespacedDeployment(
			{name: 'api', namespace: 'shop', body: {metadata: {labels: {hardened: 'true'}}}},
			setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
		);
		assert.equal(patched.metadata?.labels?.hardened, 'true');
		assert.notEqual(patched.metadata?.resourceVersion, before.metadata?.resourceVersion);
		assert.equal(patched.metadata?.generation, before.metadata?.generation);
		assert.equal(server.store.find('Deployment', 'shop', 'api')?.metadata.labels?.hardened, 'true');
		assert.equal(server.requests.at(-1)?.contentType, 'application/merge-patch+json');
	});

	test('a strategic merge patch merges a container by name and the pods follow', async () => {
		const patched = await apps.patchNamespacedDeployment(
			{
				name: 'web',
				namespace: 'shop',
				body: {spec: {template: {spec: {containers: [{name: 'app', securityContext: {privileged: false, allowPrivilegeEscalation: false}}]}}}},
			},
			setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
		);
		const app = patched.spec?.template.spec?.containers.find((c) => c.name === 'app');
		assert.equal(app?.image, 'nginx:latest', 'fields the patch did not name are kept');
		assert.equal(app?.env?.length, 3);
		assert.deepEqual({...app?.securityContext}, {privileged: false, allowPrivilegeEscalation: false});
		assert.equal(patched.spec?.template.spec?.containers.length, 1);
		assert.equal(patched.metadata?.generation, 2);
		assert.equal(patched.status?.observedGeneration, 2, 'the rollout looks complete');
		const pods = await core.listNamespacedPod({namespace: 'shop', labelSelector: 'app=web'});
		assert.equal(pods.items.length, 2);
		for (const pod of pods.items) assert.equal(pod.spec?.containers[0]?.securityContext?.privileged, false);
	});

	test('a JSON patch applies its operations in order', async () => {
		const patched = await apps.patchNamespacedDeployment(
			{
				name: 'checkout',
				namespace: 'payments',
				body: [
					{op: 'test', path: '/spec/replicas', value: 2},
					{op: 'replace', path: '/spec/replicas', value: 3},
					{op: 'add', path: '/metadata/annotations/owner~1team', value: 'payments'},
				],
			},
			setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
		);
		assert.equal(patched.spec?.replicas, 3);
		assert.equal(patched.metadata?.annotations?.['owner/team'], 'payments');
		const pods = await core.listNamespacedPod({namespace: 'payments', labelSelector: 'app=checkout'});
		assert.equal(pods.items.length, 3);
	});

	test('dryRun=All returns the result without storing it', async () => {
		const before = server.store.find('Deployment', 'payments', 'legacy-iis');
		const result = await apps.patchNamespacedDeployment(
			{name: 'legacy-iis', namespace: 'payments', dryRun: 'All', body: {spec: {replicas: 5}}},
			setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
		);
		assert.equal(result.spec?.replicas, 5);
		assert.deepEqual(server.store.find('Deployment', 'payments', 'legacy-iis'), before);
		const created = await core.createNamespacedConfigMap({namespace: 'shop', dryRun: 'All', body: {metadata: {name: 'dry'}, data: {a: 'b'}}});
		assert.equal(created.metadata?.name, 'dry');
		assert.equal(server.store.find('ConfigMap', 'shop', 'dry'), undefined);
	});

	test('create, replace with a stale resourceVersion, and delete answer like a real server', async () => {
		const created = await core.createNamespacedConfigMap({namespace: 'legacy', body: {metadata: {name: 'flags'}, data: {mode: 'a'}}});
		const duplicate = await rejection(core.createNamespacedConfigMap({namespace: 'legacy', body: {metadata: {name: 'flags'}}}));
		assert.equal(duplicate.code, 409);
		assert.match(duplicate.body, /configmaps \\?"flags\\?" already exists/);
		const replaced = await core.replaceNamespacedConfigMap({name: 'flags', namespace: 'legacy', body: {...created, data: {mode: 'b'}}});
		assert.equal(replaced.data?.mode, 'b');
		const stale = await rejection(core.replaceNamespacedConfigMap({name: 'flags', namespace: 'legacy', body: {...created, data: {mode: 'c'}}}));
		assert.equal(stale.code, 409);
		assert.match(stale.body, /the object has been modified/);
		await core.deleteNamespacedConfigMap({name: 'flags', namespace: 'legacy'});
		assert.equal((await rejection(core.readNamespacedConfigMap({name: 'flags', namespace: 'legacy'}))).code, 404);
		const missingNamespace = await rejection(core.createNamespacedConfigMap({namespace: 'nowhere', body: {metadata: {name: 'x'}}}));
		assert.equal(missingNamespace.code, 404);
	});

	test('a missing object is a 404 NotFound Status in kubectl wording', async () => {
		const error = await rejection(core.readNamespacedPod({name: 'nope', namespace: 'shop'}));
		assert.equal(error.code, 404);
		const status = JSON.parse(error.body) as {kind: string; reason: string; message: string};
		assert.deepEqual([status.kind, status.reason, status.message], ['Status', 'NotFound', 'pods "nope" not found']);
		const deployment = await rejection(apps.readNamespacedDeployment({name: 'nope', namespace: 'shop'}));
		assert.match(deployment.body, /deployments.apps \\"nope\\" not found/);
	});

	test('an unknown token is 401 Unauthorized', async () => {
		const stranger = clientFor(server, {token: 'not-a-token'}).makeApiClient(CoreV1Api);
		const error = await rejection(stranger.listNamespace());
		assert.equal(error.code, 401);
		const badToken = await raw(server, 'GET', '/api/v1/namespaces', {token: 'not-a-token'});
		assert.equal(badToken.status, 401);
		assert.equal((JSON.parse(badToken.body) as {reason: string}).reason, 'Unauthorized');
		const anonymous = await raw(server, 'GET', '/api/v1/pods', {token: ''});
		assert.equal(anonymous.status, 401);
	});

	test('a forbidden resource is 403 with the message Kubernetes uses', async () => {
		const auditor = clientFor(server, {token: 'auditor-token'}).makeApiClient(CoreV1Api);
		const error = await rejection(auditor.listSecretForAllNamespaces());
		assert.equal(error.code, 403);
		const status = JSON.parse(error.body) as {reason: string; message: string};
		assert.equal(status.reason, 'Forbidden');
		assert.equal(status.message, 'secrets is forbidden: User "auditor" cannot list resource "secrets" in API group "" at the cluster scope');
		const namespaced = await rejection(auditor.listNamespacedSecret({namespace: 'shop'}));
		assert.match(namespaced.body, /in the namespace \\"shop\\"/);
		assert.ok((await auditor.listNamespacedPod({namespace: 'shop'})).items.length > 0, 'other resources stay readable');
	});

	test('a client certificate signed by the cluster CA authenticates as its common name', async () => {
		const clientCert = await server.issueClientCert({commonName: 'cert-admin', organizations: ['system:masters']});
		const config = clientFor(server, {clientCert});
		const review = await config.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({body: {apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview'}});
		assert.equal(review.status?.userInfo?.username, 'cert-admin');
		assert.ok(review.status?.userInfo?.groups?.includes('system:masters'));
		await config.makeApiClient(CoreV1Api).listNamespace();
		assert.equal(server.requests.at(-1)?.user, 'cert-admin');
	});

	test('TLS is verified against the cluster CA, and a different CA is refused', async () => {
		const other = await createDemoPki();
		const config = new KubeConfig();
		config.loadFromString(server.kubeconfigYaml({token: 'operator-token'}).replace(Buffer.from(server.caPem).toString('base64'), Buffer.from(other.ca.certPem).toString('base64')));
		await assert.rejects(config.makeApiClient(CoreV1Api).listNamespace(), (error: Error) => {
			const text = `${error.message} ${String((error as {cause?: unknown}).cause ?? '')}`;
			assert.match(text, /certificate|self.signed|verify/i);
			return true;
		});
	});

	test('a watch started from a list sees later changes', async () => {
		const list = await core.listNamespacedConfigMap({namespace: 'monitoring'});
		const seen: Array<[string, string]> = [];
		const watch = new Watch(clientFor(server, {token: 'operator-token'}));
		const done = new Promise<void>((resolve) => {
			void watch
				.watch('/api/v1/namespaces/monitoring/configmaps', {resourceVersion: list.metadata?.resourceVersion}, (phase, object: {metadata: {name: string}}) => {
					seen.push([phase, object.metadata.name]);
					if (seen.length === 2) resolve();
				}, () => undefined)
				.then((controller) => done.finally(() => controller.abort()));
		});
		await core.createNamespacedConfigMap({namespace: 'monitoring', body: {metadata: {name: 'watched'}}});
		await core.patchNamespacedConfigMap({name: 'watched', namespace: 'monitoring', body: {data: {a: '1'}}}, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
		await done;
		assert.deepEqual(seen, [
			['ADDED', 'watched'],
			['MODIFIED', 'watched'],
		]);
	});

	test('the generic object client resolves kinds through discovery, custom resources included', async () => {
		const objects = KubernetesObjectApi.makeApiClient(clientFor(server, {token: 'operator-token'}));
		const daemonSets = await objects.list('apps/v1', 'DaemonSet', 'calico-system');
		assert.deepEqual(daemonSets.items.map((d) => d.metadata?.name), ['calico-node']);
		const revocation = {apiVersion: 'certificates.microsoft.com/v1', kind: 'RenewRevocation', metadata: {name: 'revoke-old', namespace: 'kube-system'}, spec: {serialNumber: '0a1b'}};
		await objects.create(revocation);
		const listed = await objects.list('certificates.microsoft.com/v1', 'RenewRevocation', 'kube-system');
		assert.deepEqual(listed.items.map((r) => r.metadata?.name), ['revoke-old']);
	});

	test('the request log holds no request bodies', async () => {
		await core.createNamespacedSecret({namespace: 'legacy', body: {metadata: {name: 'posted'}, stringData: {token: DEMO_SECRET_CANARY}}});
		assert.ok(!JSON.stringify(server.requests).includes(DEMO_SECRET_CANARY));
	});
});

describe('the demo API server over raw HTTPS', () => {
	let server: ApiServer;
	before(async () => {
		server = await startApiServer({objects: demoObjects()});
	});
	after(() => server.close());

	test('answers discovery in the legacy form even when aggregated discovery is asked for', async () => {
		const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
		const groups = JSON.parse((await raw(server, 'GET', '/apis', {accept})).body) as {kind: string; groups: Array<{name: string}>};
		assert.equal(groups.kind, 'APIGroupList');
		for (const name of ['apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'storage.k8s.io', 'certificates.k8s.io', 'certificates.microsoft.com']) {
			assert.ok(groups.groups.some((g) => g.name === name), name);
		}
		const core = JSON.parse((await raw(server, 'GET', '/api/v1')).body) as {resources: Array<{name: string; shortNames?: string[]; verbs: string[]}>};
		assert.deepEqual(core.resources.find((r) => r.name === 'pods')?.shortNames, ['po']);
		const custom = JSON.parse((await raw(server, 'GET', '/apis/certificates.microsoft.com/v1')).body) as {resources: Array<{name: string; kind: string}>};
		assert.equal(custom.resources[0]?.kind, 'RenewRevocation');
	});

	test('serves version and health, kms-providers included', async () => {
		const version = JSON.parse((await raw(server, 'GET', '/version')).body) as {gitVersion: string};
		assert.equal(version.gitVersion, 'v1.30.9');
		const readyz = await raw(server, 'GET', '/readyz?verbose');
		assert.equal(readyz.status, 200);
		assert.match(readyz.body, /^\[\+\]kms-providers ok$/m);
		assert.equal((await raw(server, 'GET', '/livez')).body, 'ok');
		const failing = await startApiServer({readyz: '[+]ping ok\n[-]kms-providers failed: reason withheld\nreadyz check failed\n'});
		try {
			assert.equal((await raw(failing, 'GET', '/readyz')).status, 500);
		} finally {
			await failing.close();
		}
	});

	test('returns a server-side Table when kubectl asks for one', async () => {
		const reply = await raw(server, 'GET', '/apis/apps/v1/namespaces/shop/deployments?limit=500', {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'});
		const table = JSON.parse(reply.body) as {kind: string; columnDefinitions: Array<{name: string}>; rows: Array<{cells: unknown[]; object: {kind: string}}>};
		assert.equal(table.kind, 'Table');
		assert.deepEqual(table.columnDefinitions.filter((_, i) => i < 5).map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
		assert.deepEqual(table.rows.map((r) => r.cells[0]), ['api', 'web']);
		assert.equal(table.rows[0]?.object.kind, 'PartialObjectMetadata');
	});

	test('a dry-run PSA label on a namespace warns about the pods that would violate it', async () => {
		const reply = await raw(server, 'PATCH', '/api/v1/namespaces/payments?dryRun=All', {
			contentType: 'application/merge-patch+json',
			body: {metadata: {labels: {'pod-security.kubernetes.io/enforce': 'baseline'}}},
		});
		assert.equal(reply.status, 200);
		const warnings = ([] as string[]).concat(reply.headers.warning ?? []);
		assert.ok(warnings.includes('299 - "existing pods in namespace \\"payments\\" violate the new PodSecurity enforce level \\"baseline:latest\\""'), warnings.join('\n'));
		assert.ok(warnings.some((w) => w.includes('edge-proxy-') && w.includes('hostNamespaces') && w.includes('hostPorts')));
		assert.equal(server.store.find('Namespace', undefined, 'payments')?.metadata.labels?.['pod-security.kubernetes.io/enforce'], undefined);
	});

	test('unsupported patch types and unknown paths are Status errors', async () => {
		const apply = await raw(server, 'PATCH', '/apis/certificates.microsoft.com/v1/namespaces/kube-system/renewrevocations/x', {contentType: 'application/strategic-merge-patch+json', body: {}});
		assert.equal(apply.status, 415);
		assert.equal((JSON.parse(apply.body) as {reason: string}).reason, 'UnsupportedMediaType');
		const unknown = await raw(server, 'GET', '/apis/example.com/v1/widgets');
		assert.equal(unknown.status, 404);
		assert.equal((JSON.parse(unknown.body) as {kind: string}).kind, 'Status');
		const method = await raw(server, 'PUT', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {body: {}});
		assert.equal(method.status, 405);
		assert.equal((await raw(server, 'PUT', '/api/v1/namespaces/shop/pods', {body: {}})).status, 405);
		const wipe = await raw(server, 'DELETE', '/api/v1/namespaces');
		assert.equal(wipe.status, 405);
		assert.equal((JSON.parse(wipe.body) as {reason: string}).reason, 'MethodNotAllowed');
	});

	test('an admission hook can warn about or refuse a write', async () => {
		const guarded = await startApiServer({
			objects: demoObjects(),
			onWrite: (write) =>
				write.resource.plural === 'configmaps' && write.verb === 'delete'
					? {reject: {code: 422, reason: 'Invalid', message: 'configmaps are kept'}}
					: {warnings: [`${write.verb} by ${write.user}`]},
		});
		try {
			const refused = await raw(guarded, 'DELETE', '/api/v1/namespaces/legacy/configmaps/legacy-config', {token: guarded.token});
			assert.equal(refused.status, 422);
			assert.equal((JSON.parse(refused.body) as {message: string}).message, 'configmaps are kept');
			const warned = await raw(guarded, 'PATCH', '/api/v1/namespaces/legacy/configmaps/legacy-config', {token: guarded.token, contentType: 'application/merge-patch+json', body: {metadata: {labels: {a: 'b'}}}});
			assert.deepEqual(warned.headers.warning, ['299 - "patch by demo-admin"']);
		} finally {
			await guarded.close();
		}
	});
});

describe('the demo API server at benchmark scale', () => {
	test('serves 10,000 pods, 2,000 deployments and 2,000 replicasets in pages of 500 quickly', async () => {
		const objects = generateBenchCluster();
		const server = await startApiServer({objects});
		try {
			const config = clientFor(server);
			const core = config.makeApiClient(CoreV1Api);
			const apps = config.makeApiClient(AppsV1Api);
			const started = performance.now();
			const pods: V1Pod[] = [];
			let token: string | undefined;
			do {
				const page = await core.listPodForAllNamespaces({limit: 500, ...(token ? {_continue: token} : {})});
				pods.push(...page.items);
				token = page.metadata?._continue;
			} while (token);
			let deployments = 0;
			let replicaSets = 0;
			token = undefined;
			do {
				const page = await apps.listDeploymentForAllNamespaces({limit: 500, ...(token ? {_continue: token} : {})});
				deployments += page.items.length;
				token = page.metadata?._continue;
			} while (token);
			do {
				const page = await apps.listReplicaSetForAllNamespaces({limit: 500, ...(token ? {_continue: token} : {})});
				replicaSets += page.items.length;
				token = page.metadata?._continue;
			} while (token);
			const elapsed = performance.now() - started;
			assert.equal(pods.length, 10_000);
			assert.equal(new Set(pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).size, 10_000);
			assert.equal(deployments, 2_000);
			assert.equal(replicaSets, 2_000);
			assert.equal(server.requests.filter((r) => r.path === '/api/v1/pods').length, 20);
			// Generous: this bounds accidental quadratic work, not the speed of a busy machine.
			assert.ok(elapsed < 60_000, `took ${elapsed.toFixed(0)} ms`);
		} finally {
			await server.close();
		}
	});
});
