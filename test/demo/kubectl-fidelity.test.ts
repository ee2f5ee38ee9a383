import {after, before, describe, test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {missing} from '../support/prerequisites.js';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {createDemoPki} from '../../src/demo/pki.js';

/*
 * The demo server stands in for a real cluster in the other tests; real kubectl agreeing with it
 * (discovery, server-side tables, patch, errors, TLS) is what makes that stand-in trustworthy.
 */

function requireKubectl(t: TestContext): boolean {
	// Under CI=true a missing kubectl fails (missing() throws) rather than drop the fidelity check.
	const problem = missing('kubectl');
	if (problem === false) return true;
	t.skip(problem);
	return false;
}

describe('real kubectl against the demo API server', () => {
	let server: ApiServer;
	let home: string;
	let kubeconfig: string;

	before(async () => {
		server = await startApiServer({objects: demoObjects()});
		// A fresh HOME gives kubectl an empty discovery cache, so every run exercises discovery.
		home = await mkdtemp(join(tmpdir(), 'aks-harden-kubectl-'));
		kubeconfig = join(home, 'kubeconfig');
		await server.writeKubeconfig(kubeconfig);
	});
	after(async () => {
		await server.close();
		await rm(home, {recursive: true, force: true});
	});

	const kubectl = (args: readonly string[], config = kubeconfig) =>
		execa('kubectl', args, {env: {KUBECONFIG: config, HOME: home, PATH: process.env.PATH ?? ''}, extendEnv: false, reject: false, timeout: 30_000});

	test('get pods -A prints the platform pods from a server-side table', async (t) => {
		if (!requireKubectl(t)) return;
		const result = await kubectl(['get', 'pods', '-A']);
		assert.equal(result.exitCode, 0, result.stderr);
		const lines = result.stdout.split('\n');
		assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
		for (const pod of ['etcd-moc-l1hj0nllpvs', 'kube-apiserver-moc-l1hj0nllpvs', 'kms-plugin-moc-l1hj0nllpvs', 'kube-vip-moc-l1hj0nllpvs']) {
			assert.ok(lines.some((l) => /^kube-system\s/.test(l) && l.includes(pod)), pod);
		}
		assert.ok(lines.some((l) => /^legacy\s+legacy-worker-\w+\s+0\/1\s+CrashLoopBackOff\s+14\s/.test(l)));
		const list = server.requests.find((r) => r.path === '/api/v1/pods');
		assert.equal(list?.query.limit, '500');
		assert.match(list?.accept ?? '', /as=Table/);
		assert.ok(server.requests.some((r) => r.path === '/api' && r.accept.includes('as=APIGroupDiscoveryList')), 'aggregated discovery was tried first');
	});

	test('get nodes -o wide shows the Mariner and Windows nodes', async (t) => {
		if (!requireKubectl(t)) return;
		const result = await kubectl(['get', 'nodes', '-o', 'wide']);
		assert.equal(result.exitCode, 0, result.stderr);
		assert.match(result.stdout, /moc-l1hj0nllpvs\s+Ready\s+control-plane\s+\S+\s+v1\.30\.9\s+10\.0\.0\.4\s+<none>\s+CBL-Mariner\/Linux\s+5\.15\.173\.1-2\.cm2\s+containerd:\/\/1\.6\.26/);
		assert.match(result.stdout, /moc-w7n2k4xq1b\s+Ready\s+<none>\s+.*Windows Server 2022 Datacenter/);
	});

	test('get deploy -o json returns objects kubectl can read', async (t) => {
		if (!requireKubectl(t)) return;
		const result = await kubectl(['get', 'deploy', '-n', 'shop', '-o', 'json']);
		assert.equal(result.exitCode, 0, result.stderr);
		const list = JSON.parse(result.stdout) as {items: Array<{metadata: {name: string}; spec: {template: {spec: {containers: Array<{name: string; image: string; securityContext?: {privileged?: boolean}}>}}}}>};
		const web = list.items.find((d) => d.metadata.name === 'web');
		const app = web?.spec.template.spec.containers[0];
		assert.equal(app?.name, 'app');
		assert.equal(app?.image, 'nginx:latest');
		assert.equal(app?.securityContext?.privileged, true);
	});

	test('a merge patch is applied and visible afterwards', async (t) => {
		if (!requireKubectl(t)) return;
		const patched = await kubectl(['patch', 'deploy', 'web', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"labels":{"hardened":"true"}}}']);
		assert.equal(patched.exitCode, 0, patched.stderr);
		assert.equal(patched.stdout, 'deployment.apps/web patched');
		const patch = server.requests.find((r) => r.method === 'PATCH');
		assert.equal(patch?.contentType, 'application/merge-patch+json');
		assert.equal(patch?.query.fieldManager, 'kubectl-patch');
		const labels = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.metadata.labels.hardened}']);
		assert.equal(labels.stdout, 'true');
	});

	test('a strategic patch of one container rolls out to completion', async (t) => {
		if (!requireKubectl(t)) return;
		const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":false}}]}}}}';
		const patched = await kubectl(['patch', 'deploy', 'web', '-n', 'shop', '-p', patch]);
		assert.equal(patched.exitCode, 0, patched.stderr);
		assert.equal(server.requests.findLast((r) => r.method === 'PATCH')?.contentType, 'application/strategic-merge-patch+json');
		const rollout = await kubectl(['rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=10s']);
		assert.equal(rollout.exitCode, 0, rollout.stderr);
		assert.match(rollout.stdout, /successfully rolled out/);
		const image = await kubectl(['get', 'pods', '-n', 'shop', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].securityContext.privileged}']);
		assert.equal(image.stdout, 'false false');
	});

	test('a missing pod is NotFound, as from a real server', async (t) => {
		if (!requireKubectl(t)) return;
		const result = await kubectl(['get', 'pod', 'nope']);
		assert.equal(result.exitCode, 1);
		assert.equal(result.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
	});

	test('a server dry run of a PSA label prints the admission warnings', async (t) => {
		if (!requireKubectl(t)) return;
		const result = await kubectl(['label', '--dry-run=server', '--overwrite', 'ns', 'payments', 'pod-security.kubernetes.io/enforce=baseline']);
		assert.equal(result.exitCode, 0, result.stderr);
		assert.equal(result.stdout, 'namespace/payments labeled (server dry run)');
		assert.match(result.stderr, /^Warning: existing pods in namespace "payments" violate the new PodSecurity enforce level "baseline:latest"$/m);
		assert.match(result.stderr, /^Warning: edge-proxy-\w+ \(and 1 other pod\): capabilities_baseline, hostNamespaces, hostPorts$/m);
	});

	test('version, api-resources and auth whoami agree with the server', async (t) => {
		if (!requireKubectl(t)) return;
		const version = await kubectl(['version']);
		assert.match(version.stdout, /Server Version: v1\.30\.9/);
		const resources = await kubectl(['api-resources', '--api-group=apps']);
		assert.match(resources.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
		const whoami = await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
		assert.equal(whoami.stdout, 'demo-admin');
	});

	test('the server certificate is verified, and a kubeconfig with another CA is refused', async (t) => {
		if (!requireKubectl(t)) return;
		const other = await createDemoPki();
		const wrong = join(home, 'wrong-ca');
		const yaml = server.kubeconfigYaml().replace(Buffer.from(server.caPem).toString('base64'), Buffer.from(other.ca.certPem).toString('base64'));
		await writeFile(wrong, yaml, {mode: 0o600});
		const result = await kubectl(['get', 'ns'], wrong);
		assert.equal(result.exitCode, 1);
		assert.match(result.stderr, /x509: certificate signed by unknown authority/);
	});
});
