// Bad input through the real binary: exit 2, one line naming the problem and a next step, no stack.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse, stringify} from 'yaml';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {packageRoot} from '../../src/catalog/load.js';
import {hasNoStack, runCli} from '../support/cli.js';

let server: ApiServer;
let dir: string;
before(async () => {
	server = await startApiServer({objects: demoObjects(), tokens: {'good-token': 'operator', 'limited-token': 'limited'}, forbidden: [{user: 'limited', resource: 'clusterrolebindings.rbac.authorization.k8s.io'}, {user: 'limited', resource: 'secrets'}]});
	dir = mkdtempSync(join(tmpdir(), 'akh-badinput-'));
});
after(() => server.close());

function expectUsageError(result: {code: number; stdout: string; stderr: string}, pattern: RegExp): void {
	assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
	assert.match(result.stderr, pattern);
	assert.match(result.stderr, /next: /);
	assert.ok(hasNoStack(result.stderr), `no stack trace:\n${result.stderr}`);
	assert.equal(result.stdout, '', 'nothing half-written to stdout');
}

test('a malformed manifest: file and line, exit 2', async () => {
	const file = join(dir, 'broken.yaml');
	writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec: {template: [\n');
	const result = await runCli(['audit', '--manifests', file, '--format', 'json']);
	expectUsageError(result, new RegExp(`${file.replace(/[/.]/g, '\\$&')}:\\d+: `));
	assert.equal(result.stderr.trim().split('\n').length, 2, 'one message and one next step');
});

test('an --output file is not created when the run fails', async () => {
	const output = join(dir, 'never.json');
	await runCli(['audit', '--manifests', join(dir, 'missing.yaml'), '--output', output]);
	assert.equal(existsSync(output), false);
});

test('an unreadable kubeconfig, an unknown context', async () => {
	expectUsageError(await runCli(['audit', '--kubeconfig', join(dir, 'absent-config')]), /cannot read kubeconfig .*: no such file or folder/);
	const file = join(dir, 'config');
	writeFileSync(file, server.kubeconfigYaml({token: 'good-token'}));
	expectUsageError(await runCli(['audit', '--kubeconfig', file, '--context', 'no-such']), /context "no-such" is not in the kubeconfig/);
});

test('API server unreachable', async () => {
	const port = await new Promise<number>((resolve) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address() as {port: number};
			probe.close(() => resolve(port));
		});
	});
	const config = parse(server.kubeconfigYaml({token: 'good-token'})) as {clusters: Array<{cluster: {server: string}}>};
	config.clusters[0]!.cluster.server = `https://127.0.0.1:${port}`;
	const file = join(dir, 'unreachable');
	writeFileSync(file, stringify(config));
	expectUsageError(await runCli(['audit', '--kubeconfig', file, '--no-nodes']), /cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test('TLS verification failure: a CA that did not sign the server', async () => {
	const other = await startApiServer({objects: []});
	try {
		const config = parse(server.kubeconfigYaml({token: 'good-token'})) as {clusters: Array<{cluster: Record<string, string>}>};
		config.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(other.caPem).toString('base64');
		const file = join(dir, 'wrong-ca');
		writeFileSync(file, stringify(config));
		expectUsageError(await runCli(['audit', '--kubeconfig', file, '--no-nodes']), /TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/);
	} finally {
		await other.close();
	}
});

test('401: rejected credentials', async () => {
	const file = join(dir, 'bad-token');
	writeFileSync(file, server.kubeconfigYaml({token: 'expired-token'}));
	expectUsageError(await runCli(['audit', '--kubeconfig', file, '--no-nodes']), /rejected the credentials \(401 Unauthorized\)/);
});

test('403 on some kinds: those checks are error naming the permission, the run goes on', async () => {
	const file = join(dir, 'limited');
	writeFileSync(file, server.kubeconfigYaml({token: 'limited-token'}));
	const result = await runCli(['audit', '--kubeconfig', file, '--no-nodes', '--format', 'json']);
	assert.ok(result.code === 0 || result.code === 1, result.stderr);
	const report = JSON.parse(result.stdout) as {findings: Array<{checkId: string; status: string; reason?: string}>};
	const denied = report.findings.find((f) => f.checkId === 'isolation.cluster-admin-bindings');
	assert.equal(denied?.status, 'error');
	assert.match(denied!.reason!, /forbidden: cannot list clusterrolebindings\.rbac\.authorization\.k8s\.io/);
	assert.ok(report.findings.some((f) => f.checkId === 'isolation.privileged' && f.status === 'fail'), 'other checks still ran');
});

test('unknown options, sections and severities are refused', async () => {
	expectUsageError(await runCli(['audit', '--demo', '--frobnicate']), /unknown option --frobnicate/);
	expectUsageError(await runCli(['audit', '--demo', '--sections', 'imagez']), /unknown section "imagez"/);
	expectUsageError(await runCli(['audit', '--demo', '--fail-on', 'urgent']), /--fail-on must be one of/);
	expectUsageError(await runCli(['explain', 'isolation.nope']), /no check "isolation.nope"/);
});

test('a check file that does not validate: the tool refuses to start, naming file, line and field', async () => {
	// A private copy of the package, so the shipped catalogue is never touched.
	const copy = mkdtempSync(join(tmpdir(), 'akh-package-'));
	for (const part of ['bin', 'build', 'checks', 'package.json']) cpSync(join(packageRoot, part), join(copy, part), {recursive: true});
	symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));
	const file = join(copy, 'checks', 'isolation', 'isolation.privileged.yaml');
	writeFileSync(file, readFileSync(file, 'utf8').replace('severity: high', 'severity: severe'));
	mkdirSync(join(copy, 'work'));
	const {execa} = await import('execa');
	const result = await execa(process.execPath, [join(copy, 'bin', 'aks-harden.js'), 'audit', '--demo'], {reject: false, cwd: join(copy, 'work')});
	assert.equal(result.exitCode, 2);
	assert.match(String(result.stderr), /checks\/isolation\/isolation\.privileged\.yaml:4: severity: /);
	assert.ok(hasNoStack(String(result.stderr)));
});
