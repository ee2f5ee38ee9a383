// Every remote and external wait has a bound, through the real binary: a node that accepts TCP and
// never speaks SSH, an API server that accepts TLS and never answers, an exec credential plugin
// that hangs or prints garbage. Each must end the run promptly with exit 2 and one line.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {createServer as createHttpsServer} from 'node:https';
import {createServer as createTlsServer} from 'node:tls';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {parse, stringify} from 'yaml';
import {createDemoPki} from '../../src/demo/pki.js';
import {kubeconfigYaml} from '../../src/demo/kubeconfig.js';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {hasNoStack, runCli} from '../support/cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let keyPath: string;
const servers: Server[] = [];
const sockets = new Set<Socket>();
let api: ApiServer;

function listen(server: Server): Promise<number> {
	servers.push(server);
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => {});
	});
	server.on('secureConnection', (socket: Socket) => socket.on('error', () => {}));
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)));
}

before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'akh-bounded-'));
	keyPath = join(dir, 'id_ed25519');
	writeFileSync(keyPath, ssh2.utils.generateKeyPairSync('ed25519').private, {mode: 0o600});
	writeFileSync(join(dir, 'known_hosts'), '');
	env = {HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig'), SSH_AUTH_SOCK: '', PATH: process.env['PATH'] ?? ''};
	api = await startApiServer({objects: demoObjects(), tokens: {'plugin-token': 'operator'}});
});

after(async () => {
	for (const socket of sockets) socket.destroy();
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	await api?.close();
	rmSync(dir, {recursive: true, force: true});
});

async function timed(args: readonly string[], timeoutMs = 45_000) {
	const started = Date.now();
	const result = await runCli(args, {env, timeoutMs});
	return {...result, seconds: (Date.now() - started) / 1000};
}

function expectOneLine(result: {code: number; stdout: string; stderr: string}, pattern: RegExp): void {
	assert.equal(result.code, 2, `exit code (-1: killed by the test's own bound); stderr: ${result.stderr}`);
	const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('  next: '));
	assert.match(lines.at(-1) ?? '', pattern);
	assert.ok(hasNoStack(result.stderr), result.stderr);
	assert.equal(result.stdout, '');
}

test('a node that accepts TCP and never speaks SSH: exit 2 soon after --timeout, not held by the socket', async () => {
	// allowHalfOpen and never a byte back: this side never closes, so a client that only
	// half-closed its socket would stay alive as long as this server does.
	const silent = createServer({allowHalfOpen: true}, () => {});
	const port = await listen(silent);
	const result = await timed(['audit', '--nodes', '127.0.0.1', '--ssh-port', String(port), '--ssh-key', keyPath, '--known-hosts', join(dir, 'known_hosts'), '--sections', 'host', '--timeout', '3s', '--format', 'json']);
	expectOneLine(result, /^aks-harden: no node could be reached: the one node asked for was unreachable or refused/);
	assert.match(result.stderr, /node 127\.0\.0\.1 unreachable: 127\.0\.0\.1 \(clouduser@127\.0\.0\.1:\d+\): no SSH session within 3 s/);
	assert.ok(result.seconds < 3 + 4, `exited after ${result.seconds} s`);
	process.stdout.write(`# silent TCP node: exit ${result.code} after ${result.seconds.toFixed(1)} s with --timeout 3s\n`);
});

test('an API server that accepts TLS and never answers: exit 2 soon after --timeout', async () => {
	const pki = await createDemoPki();
	const mute = createTlsServer({cert: pki.server.certPem, key: pki.server.keyPem});
	const port = await listen(mute);
	const file = join(dir, 'mute-kubeconfig');
	writeFileSync(file, kubeconfigYaml({server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, token: 'any'}));
	const result = await timed(['audit', '--kubeconfig', file, '--no-nodes', '--timeout', '3s', '--format', 'json']);
	expectOneLine(result, new RegExp(`^aks-harden: the API server at https://127\\.0\\.0\\.1:${port} did not answer within 3 s$`));
	assert.ok(result.seconds < 3 + 4, `exited after ${result.seconds} s`);
	process.stdout.write(`# TLS server that never answers: exit ${result.code} after ${result.seconds.toFixed(1)} s with --timeout 3s\n`);
});

test('an API server whose answer never ends: one line naming the limit, well before --timeout', async () => {
	const pki = await createDemoPki();
	const megabyte = Buffer.alloc(1024 * 1024, 0x61);
	const endless = createHttpsServer({cert: pki.server.certPem, key: pki.server.keyPem}, (request, response) => {
		response.writeHead(200, {'content-type': 'application/json'});
		response.write('{"kind":"');
		const pump = () => {
			while (!response.destroyed && response.write(megabyte));
			if (!response.destroyed) response.once('drain', pump);
		};
		pump();
		request.on('close', () => response.destroy());
	});
	const port = await listen(endless);
	const file = join(dir, 'endless-kubeconfig');
	writeFileSync(file, kubeconfigYaml({server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, token: 'any'}));
	const result = await runCli(['audit', '--kubeconfig', file, '--no-nodes', '--timeout', '60s', '--format', 'json'], {timeoutMs: 90_000});
	// Without the limit the body was read until --timeout (60 s here), past 5 GB on loopback.
	expectOneLine(result, new RegExp(`^aks-harden: the API server at https://127\\.0\\.0\\.1:${port} sent an answer over 64 MB to one request; no Kubernetes answer is that large$`));
});

/** A bare API server that knows namespaces and pods; `podPage` answers each pods list request. */
async function fakeApiServer(name: string, podPage: (page: number, limit: number) => {items: unknown[]; continue?: string} | {raw: string}) {
	const pki = await createDemoPki();
	let pages = 0;
	const json = (response: import('node:http').ServerResponse, status: number, body: unknown) => {
		response.writeHead(status, {'content-type': 'application/json'});
		response.end(JSON.stringify(body));
	};
	const resource = (plural: string, kind: string) => ({name: plural, singularName: '', namespaced: plural !== 'namespaces', kind, verbs: ['list', 'get']});
	const server = createHttpsServer({cert: pki.server.certPem, key: pki.server.keyPem}, (request, response) => {
		const url = new URL(request.url ?? '/', 'https://x');
		if (url.pathname === '/api/v1') return json(response, 200, {kind: 'APIResourceList', groupVersion: 'v1', resources: [resource('namespaces', 'Namespace'), resource('pods', 'Pod')]});
		if (url.pathname === '/api/v1/namespaces') return json(response, 200, {kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [{metadata: {name: 'shop'}}]});
		if (url.pathname === '/api/v1/pods') {
			const answer = podPage(++pages, Number(url.searchParams.get('limit') ?? 500));
			if ('raw' in answer) {
				response.writeHead(200, {'content-type': 'application/json'});
				return response.end(answer.raw);
			}
			return json(response, 200, {kind: 'PodList', apiVersion: 'v1', metadata: answer.continue ? {continue: answer.continue} : {}, items: answer.items});
		}
		return json(response, 404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found'});
	});
	const port = await listen(server);
	const file = join(dir, `${name}-kubeconfig`);
	writeFileSync(file, kubeconfigYaml({server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, token: 'any'}));
	return {file, pages: () => pages};
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({metadata: {name, namespace: 'shop'}, spec: {containers: [{name: 'c', image: 'x'}]}, ...extra});

async function privilegedFindings(kubeconfig: string) {
	const result = await runCli(['audit', '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged', '--format', 'json'], {timeoutMs: 120_000});
	assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr}`);
	const report = JSON.parse(result.stdout) as {findings: Array<{checkId: string; status: string; message?: string}>};
	return report.findings.filter((finding) => finding.checkId === 'isolation.privileged');
}

test('an API server that hands out continue tokens without end: that list stops at 100,000 objects and its checks are error', async () => {
	const fake = await fakeApiServer('looping', (page, limit) => ({items: Array.from({length: limit}, (_, index) => pod(`p${page}-${index}`)), continue: `page-${page}`}));
	const judged = await privilegedFindings(fake.file);
	assert.ok(judged.length > 0 && judged.every((finding) => finding.status === 'error'), JSON.stringify(judged.slice(0, 3)));
	assert.ok(judged.some((finding) => /listing pods stopped after 100,000 objects with more to come/.test(finding.message ?? '')), JSON.stringify(judged.slice(0, 3)));
	assert.equal(fake.pages(), 200, 'one page more would have gone past the limit');
});

test('an object nested 20,000 levels deep in a list: that list is error, not an internal error', async () => {
	// Written as text: JSON.stringify itself cannot go this deep.
	const levels = 20_000;
	const deep = `${'{"next":'.repeat(levels)}{}${'}'.repeat(levels)}`;
	const deepPod = JSON.stringify({...pod('deep'), metadata: {name: 'deep', namespace: 'shop', managedFields: [{manager: 'x', operation: 'Apply', fieldsV1: 'DEEP'}]}}).replace('"DEEP"', deep);
	// managedFields' fieldsV1 is free-form JSON, kept as sent by the client's typed decoding.
	const fake = await fakeApiServer('deep', () => ({raw: `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[${JSON.stringify(pod('plain'))},${deepPod}]}`}));
	const judged = await privilegedFindings(fake.file);
	assert.ok(judged.length > 0 && judged.every((finding) => finding.status === 'error'), JSON.stringify(judged.slice(0, 3)));
	assert.ok(judged.some((finding) => /listing pods: an object nests more than 200 levels deep/.test(finding.message ?? '')), JSON.stringify(judged.slice(0, 3)));
});

function pluginKubeconfig(name: string, script: string): string {
	const plugin = join(dir, `${name}.sh`);
	writeFileSync(plugin, `#!/bin/sh\n${script}\n`);
	chmodSync(plugin, 0o755);
	const config = parse(api.kubeconfigYaml({})) as {users: Array<{user: Record<string, unknown>}>};
	config.users[0]!.user = {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: ['get-token'], interactiveMode: 'Never'}};
	const file = join(dir, `${name}-kubeconfig`);
	writeFileSync(file, stringify(config));
	return file;
}

test('an exec credential plugin that hangs: exit 2 soon after --timeout, one line naming it', async () => {
	// A child of the plugin holds the pipes too: it must be stopped with the plugin.
	const pidFile = join(dir, 'plugin-child.pid');
	const file = pluginKubeconfig('hanging', `sleep 300 & echo $! > '${pidFile}'; wait`);
	const result = await timed(['audit', '--kubeconfig', file, '--no-nodes', '--timeout', '3s', '--format', 'json']);
	expectOneLine(result, /^aks-harden: the exec credential plugin "hanging\.sh" did not answer within 3 s$/);
	assert.ok(result.seconds < 3 + 4, `exited after ${result.seconds} s`);
	const pid = Number(readFileSync(pidFile, 'utf8'));
	// Gone, or a zombie waiting for whoever reaps orphans: either way no longer running.
	const running = () => {
		try {
			return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
		} catch {
			return false;
		}
	};
	const wasRunning = running();
	if (wasRunning) process.kill(pid, 'SIGKILL');
	assert.equal(wasRunning, false, 'the plugin\'s child was left running');
	process.stdout.write(`# hanging credential plugin: exit ${result.code} after ${result.seconds.toFixed(1)} s with --timeout 3s\n`);
});

test('an exec credential plugin that prints no JSON: one line, none of its output', async () => {
	const file = pluginKubeconfig('garbage', "printf 'eyJhbGciOiJSUzI1NiJ9-not-json-secretish'");
	const result = await timed(['audit', '--kubeconfig', file, '--no-nodes', '--format', 'json']);
	expectOneLine(result, /^aks-harden: the exec credential plugin "garbage\.sh" did not print an ExecCredential \(its output is not JSON\)$/);
	assert.doesNotMatch(result.stderr, /eyJ|secretish|not-json/);
});

test('an exec credential plugin that fails: its first stderr line, escaped, and the exit code', async () => {
	const file = pluginKubeconfig('failing', "printf 'login required\\033[2J\\nsecond line\\n' >&2; exit 3");
	const result = await timed(['audit', '--kubeconfig', file, '--no-nodes', '--format', 'json']);
	expectOneLine(result, /^aks-harden: the exec credential plugin "failing\.sh" failed \(exit 3\): login required\\x1b\[2J$/);
	assert.doesNotMatch(result.stderr, /\u001b/);
});

test('a working exec credential plugin authenticates against the in-process API server', async () => {
	const credential = JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: {token: 'plugin-token'}});
	const file = pluginKubeconfig('working', `printf '%s' '${credential}'`);
	const result = await timed(['audit', '--kubeconfig', file, '--no-nodes', '--sections', 'isolation', '--format', 'json']);
	assert.ok(result.code === 0 || result.code === 1, result.stderr);
	const report = JSON.parse(result.stdout) as {cluster: {server: string}; findings: unknown[]};
	assert.equal(report.cluster.server, api.url);
	assert.ok(report.findings.length > 0);
	assert.doesNotMatch(result.stdout + result.stderr, /plugin-token/);
});
