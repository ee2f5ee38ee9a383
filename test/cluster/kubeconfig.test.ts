// Kubeconfig resolution as kubectl does it, against the local HTTPS API server with the real client.
import {test, after, before} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {loadKubeconfig} from '../../src/transports/kubeconfig.js';
import {KubernetesSource} from '../../src/transports/kubernetes.js';
import {resourceTypes} from '../../src/model/resources.js';
import {UsageError} from '../../src/model/errors.js';
import {parse, stringify} from 'yaml';

let server: ApiServer;
let dir: string;
before(async () => {
	server = await startApiServer({objects: demoObjects(), tokens: {'good-token': 'operator'}});
	dir = mkdtempSync(join(tmpdir(), 'akh-kubeconfig-'));
});
after(() => server.close());

const pods = resourceTypes.get('pods')!;

test('KUBECONFIG with several files: the first current-context wins and users merge', async () => {
	const first = join(dir, 'first');
	const second = join(dir, 'second');
	writeFileSync(first, server.kubeconfigYaml({token: 'good-token', context: 'hci-prod'}));
	writeFileSync(second, server.kubeconfigYaml({token: 'wrong', context: 'hci-lab'}));
	const config = loadKubeconfig({env: {KUBECONFIG: [join(dir, 'missing'), first, second].join(delimiter)}});
	assert.equal(config.getCurrentContext(), 'hci-prod');
	assert.deepEqual(config.getContexts().map((c) => c.name).sort(), ['hci-lab', 'hci-prod']);
	const source = new KubernetesSource(config);
	const list = await source.list(pods);
	assert.ok(list.items.length > 10, 'lists pods through the real client');
	assert.ok(list.items.every((pod) => pod.kind === 'Pod'));
});

test('--context picks another context; an unknown one is refused naming the choices', () => {
	const file = join(dir, 'ctx');
	writeFileSync(file, server.kubeconfigYaml({token: 'good-token', context: 'hci-prod'}));
	assert.equal(loadKubeconfig({kubeconfig: file, context: 'hci-prod'}).getCurrentContext(), 'hci-prod');
	assert.throws(() => loadKubeconfig({kubeconfig: file, context: 'nope'}), (error: unknown) => {
		assert.ok(error instanceof UsageError);
		assert.match(error.message, /context "nope" is not in the kubeconfig/);
		assert.match(error.nextStep ?? '', /hci-prod/);
		return true;
	});
});

test('an unreadable kubeconfig is a usage error with a next step', () => {
	const file = join(dir, 'secret-config');
	writeFileSync(file, 'apiVersion: v1');
	chmodSync(file, 0o000);
	if (process.getuid?.() === 0) {
		// root reads anything: use a folder instead, which no one can read as a file.
		assert.throws(() => loadKubeconfig({kubeconfig: dir}), /cannot read kubeconfig .*: it is a folder, not a regular file/);
	} else {
		assert.throws(() => loadKubeconfig({kubeconfig: file}), /cannot read kubeconfig .*: permission denied/);
	}
	assert.throws(() => loadKubeconfig({kubeconfig: join(dir, 'absent')}), /cannot read kubeconfig .*: no such file or folder/);
});

test('an exec credential plugin (as kubelogin is) supplies the token', async () => {
	const plugin = join(dir, 'fake-kubelogin.mjs');
	// A real process run by the client, printing an ExecCredential as kubelogin does.
	writeFileSync(plugin, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: 'good-token'}}));\n`);
	chmodSync(plugin, 0o755);
	const config = parse(server.kubeconfigYaml({context: 'exec-ctx'})) as {users: Array<{user: Record<string, unknown>}>};
	config.users[0]!.user = {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never'}};
	const withExec = stringify(config);
	const file = join(dir, 'exec-config');
	writeFileSync(file, withExec);
	const source = new KubernetesSource(loadKubeconfig({kubeconfig: file}));
	await source.preflight();
	const list = await source.list(pods);
	assert.ok(list.items.length > 0);
	assert.ok(server.requests.some((request) => request.user === 'operator'), 'the API server saw the plugin\'s user');
});

test('a client certificate authenticates', async () => {
	const cert = await server.issueClientCert({commonName: 'operator', organizations: ['system:masters']});
	const file = join(dir, 'cert-config');
	writeFileSync(file, server.kubeconfigYaml({clientCert: cert, context: 'cert-ctx'}));
	const source = new KubernetesSource(loadKubeconfig({kubeconfig: file}));
	await source.preflight();
	assert.ok((await source.list(pods)).items.length > 0);
});
