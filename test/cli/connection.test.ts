// The real binary on environments it cannot use: a bad argument and a configured cluster that
// does not answer are errors with the reason in full (exit 2), headless and in the walkthrough
// (a real terminal: tmux). The demo is never opened in their place. A closed local port stands in
// for the unreachable API server and the unreachable node: nothing outside this machine is used.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {missing} from '../support/prerequisites.js';
import {TmuxSession} from '../support/tmux.js';
import {binPath, hasNoStack, runCli} from '../support/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const notBuilt = existsSync(join(root, 'build', 'cli.js')) ? false : 'not built: run `npm run build`';
const noTerminal = missing('tmux') || notBuilt;

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** A home folder of its own: no kubeconfig unless the test writes one, state kept inside. */
function home(): {dir: string; env: Record<string, string>} {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-conn-'));
	return {dir, env: {HOME: dir, KUBECONFIG: '', AKS_HARDEN_STATE_DIR: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state-home')}};
}

function writeKubeconfig(dir: string, server: string): void {
	mkdirSync(join(dir, '.kube'), {recursive: true});
	writeFileSync(
		join(dir, '.kube', 'config'),
		[
			'apiVersion: v1',
			'kind: Config',
			'current-context: lab',
			'clusters: [{name: lab, cluster: {server: "' + server + '", insecure-skip-tls-verify: true}}]',
			'users: [{name: lab, user: {token: not-a-real-token}}]',
			'contexts: [{name: lab, context: {cluster: lab, user: lab}}]',
			'',
		].join('\n'),
	);
}

function oneLine(stderr: string): void {
	const lines = stderr.trimEnd().split('\n');
	assert.ok(lines.length <= 2, `one line and a next step, got:\n${stderr}`);
	assert.match(lines[0]!, /^aks-harden: /);
	if (lines[1]) assert.match(lines[1], /^ {2}next: /);
	assert.ok(hasNoStack(stderr), stderr);
}

test('audit --nodes n1 --ssh-port abc: exit 2, one line naming the flag', {skip: notBuilt}, async () => {
	const {dir, env} = home();
	try {
		const result = await runCli(['audit', '--nodes', 'n1', '--ssh-port', 'abc'], {env, cwd: dir});
		assert.equal(result.code, 2, result.stderr);
		oneLine(result.stderr);
		assert.match(result.stderr, /--ssh-port must be a positive whole number, not "abc"/);
		assert.equal(result.stdout, '');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('audit with an unreachable cluster in ~/.kube/config: exit 2, the reason in full', {skip: notBuilt}, async () => {
	const {dir, env} = home();
	const server = `https://127.0.0.1:${await closedPort()}`;
	writeKubeconfig(dir, server);
	try {
		const result = await runCli(['audit', '--format', 'json'], {env, cwd: dir});
		assert.equal(result.code, 2, result.stderr);
		oneLine(result.stderr.split('\n').filter((line) => !line.startsWith('aks-harden: gathering')).join('\n'));
		assert.match(result.stderr, new RegExp(`cannot reach the API server at ${server.replaceAll('.', '\\.')}: ECONNREFUSED`));
		assert.doesNotMatch(result.stdout + result.stderr, /demo/i);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('fix --plan with every node unreachable fails closed: exit 2, no plan file', {skip: missing('sshd') || notBuilt}, async () => {
	const {dir, env} = home();
	const port = await closedPort();
	const plan = join(dir, 'plan.json');
	try {
		// A key to offer, so the reason is the node's closed port and not a missing key.
		const key = join(dir, 'id_ed25519');
		execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
		const result = await runCli(['fix', '--plan', plan, '--nodes', '127.0.0.1', '--ssh-port', String(port), '--ssh-key', key, '--known-hosts', join(dir, 'known_hosts'), '--timeout', '10s'], {env, cwd: dir});
		assert.equal(result.code, 2, `${result.stdout}\n${result.stderr}`);
		assert.match(result.stderr, /node 127\.0\.0\.1 unreachable: .*(refused|ECONNREFUSED)/i);
		assert.match(result.stderr, /no node could be reached: the one node asked for was unreachable or refused/);
		assert.ok(hasNoStack(result.stderr), result.stderr);
		assert.equal(existsSync(plan), false, 'nothing is written when the plan could not be made');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

/** The screen and what scrolled off it: after exit the pane's last line says it is dead. */
function withHistory(terminal: TmuxSession): Promise<string> {
	return terminal.tmux('capture-pane', '-p', '-S', '-100', '-t', terminal.target);
}

async function inTerminal(args: readonly string[], env: Record<string, string>, cwd: string) {
	return TmuxSession.start({command: [process.execPath, binPath, ...args], cwd, env, columns: 100, rows: 24});
}

test('walkthrough --nodes n1 --ssh-port abc in a terminal: exit 2 with the reason, no demo', {skip: noTerminal, timeout: 60_000}, async () => {
	const {dir, env} = home();
	const terminal = await inTerminal(['--nodes', 'n1', '--ssh-port', 'abc'], env, dir);
	try {
		assert.equal(await terminal.waitForExit({timeoutMs: 30_000}), 2);
		const screen = await withHistory(terminal);
		assert.match(screen, /^aks-harden: --ssh-port must be a positive whole number, not "abc"\n {2}next: /m);
		assert.doesNotMatch(screen, /demo|Connection/);
	} finally {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	}
});

test('walkthrough with an unreachable cluster in ~/.kube/config: a screen with the reason, then exit 2; never the demo', {skip: noTerminal, timeout: 60_000}, async () => {
	const {dir, env} = home();
	const server = `https://127.0.0.1:${await closedPort()}`;
	writeKubeconfig(dir, server);
	const terminal = await inTerminal([], env, dir);
	try {
		const screen = await terminal.waitForText('cannot connect', {timeoutMs: 30_000});
		assert.match(screen, new RegExp(`cannot reach the API server at ${server.replaceAll('.', '\\.')}: ECONNREFUSED`));
		assert.match(screen, /next: check the network path to the control plane/);
		assert.doesNotMatch(screen, /aks-harden-demo|Nodes \(/);
		await terminal.send('q');
		assert.equal(await terminal.waitForExit({timeoutMs: 20_000}), 2);
		// Back on the normal screen the reason stays in the scrollback as one line.
		assert.match(await withHistory(terminal), /^aks-harden: cannot reach the API server at .*ECONNREFUSED\n {2}next: /m);
	} finally {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	}
});
