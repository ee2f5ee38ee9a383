// The composition root decides what stands in for what: the demo only when there is no
// kubeconfig at all, never for a bad flag, a missing --kubeconfig file or a cluster that does not
// answer. In process, with a home folder of its own; the demo is the real in-process API server.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connectionSettings, noNodeReached, openEnvironment} from '../../src/commands/environment.js';
import {ConnectionError, UsageError} from '../../src/model/errors.js';
import type {NodeInfo} from '../../src/model/report.js';

/** Runs with HOME and KUBECONFIG pointing into a fresh folder, restored after. */
async function withHome<T>(use: (dir: string) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-env-'));
	const saved = {HOME: process.env['HOME'], KUBECONFIG: process.env['KUBECONFIG']};
	process.env['HOME'] = dir;
	delete process.env['KUBECONFIG'];
	try {
		return await use(dir);
	} finally {
		for (const [name, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
		rmSync(dir, {recursive: true, force: true});
	}
}

async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

test('every connection flag is judged before anything opens', () => {
	assert.throws(() => connectionSettings({nodes: 'n1', 'ssh-port': 'abc'}), (error) => error instanceof UsageError && /--ssh-port must be a positive whole number, not "abc"/.test(error.message));
	assert.throws(() => connectionSettings({concurrency: '0'}), UsageError);
	assert.throws(() => connectionSettings({timeout: 'soon'}), UsageError);
	assert.throws(() => connectionSettings({demo: true, manifests: ['k8s/']}), UsageError);
	const settings = connectionSettings({nodes: 'a, b', 'ssh-port': '2222', timeout: '5s'});
	assert.deepEqual(settings.nodeNames, ['a', 'b']);
	assert.equal(settings.timeoutMs, 5000);
	assert.equal(settings.ssh.targetFor({name: 'a', address: '10.0.0.4', os: 'linux', role: 'worker', reachable: null, error: null}).port, 2222);
});

test('no kubeconfig at all: the walkthrough gets the demo, and says why; the audit does not', async () => {
	await withHome(async () => {
		const environment = await openEnvironment(connectionSettings({}), {demoWithoutKubeconfig: true});
		try {
			assert.equal(environment.info.isDemo, true);
			assert.match(environment.info.note ?? '', /^no kubeconfig found \(.*\.kube\/config\): showing the demo environment$/);
			assert.ok(environment.reader && environment.writer && environment.nodes?.list.length, 'the demo has a reader, a writer and nodes');
		} finally {
			await environment.close();
		}
		await assert.rejects(openEnvironment(connectionSettings({})), (error) => error instanceof UsageError && /no kubeconfig found/.test(error.message));
	});
});

test('a named --kubeconfig that does not exist is an error, never the demo', async () => {
	await withHome(async (dir) => {
		await assert.rejects(openEnvironment(connectionSettings({kubeconfig: join(dir, 'missing')}), {demoWithoutKubeconfig: true}), (error) => error instanceof UsageError && /missing/.test(error.message));
	});
});

test('an unreachable cluster in ~/.kube/config is a ConnectionError with the reason in full, never the demo', async () => {
	await withHome(async (dir) => {
		const server = `https://127.0.0.1:${await closedPort()}`;
		mkdirSync(join(dir, '.kube'));
		writeFileSync(
			join(dir, '.kube', 'config'),
			`apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters: [{name: lab, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\nusers: [{name: lab, user: {token: t}}]\ncontexts: [{name: lab, context: {cluster: lab, user: lab}}]\n`,
		);
		await assert.rejects(
			openEnvironment(connectionSettings({}), {demoWithoutKubeconfig: true}),
			(error) => error instanceof ConnectionError && error.message === `cannot reach the API server at ${server}: ECONNREFUSED` && /kubectl cluster-info/.test(error.nextStep ?? ''),
		);
		// With nodes named, the hosts are audited alone and the cluster's reason is kept whole.
		const nodesOnly = await openEnvironment(connectionSettings({nodes: 'n1'}));
		assert.equal(nodesOnly.reader, undefined);
		assert.equal(nodesOnly.readerUnavailable, `no cluster: cannot reach the API server at ${server}: ECONNREFUSED`);
		assert.deepEqual(nodesOnly.nodes?.list.map((node) => node.name), ['n1']);
	});
});

test('fail closed only when every node tried was unreachable', () => {
	const node = (name: string, reachable: boolean | null): NodeInfo => ({name, address: name, os: 'linux', role: 'worker', reachable, error: reachable === false ? 'refused' : null});
	assert.equal(noNodeReached({nodes: []}), undefined);
	assert.equal(noNodeReached({nodes: [node('a', false), node('b', true)]}), undefined);
	assert.equal(noNodeReached({nodes: [node('a', null)]}), undefined);
	assert.match(noNodeReached({nodes: [node('a', false), node('b', false)]})?.message ?? '', /all 2 nodes asked for were unreachable/);
});
