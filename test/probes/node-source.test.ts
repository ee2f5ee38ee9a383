// The SSH node source against a fake transport: the script really runs in a local shell, so the
// framing, sudo handling and partial output are exercised end to end without a network.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import type {NodeInfo} from '../../src/model/report.js';
import type {Probe} from '../../src/probes/probe.js';
import {sshNodeSource, type ConnectNode} from '../../src/transports/node-source.js';
import {SshError, type NodeShell, type RunOptions, type RunResult, type SshOptions, type SshTarget} from '../../src/transports/ssh.js';

const node: NodeInfo = {name: 'moc-lq2x7c9wd3f', address: '10.0.0.5', os: 'linux', role: 'worker', reachable: null, error: null};
const ssh: SshOptions = {knownHostsPath: '/nonexistent/known_hosts', acceptNewHostKeys: false, timeoutMs: 5000};

function probe(name: string, needsSudo: boolean, script: string): Probe {
	return {
		name,
		platforms: ['linux'],
		needsSudo,
		command: `cmd-${name}`,
		script,
		parse: (output) => (output.startsWith('bad') ? {error: `cannot parse ${name}`} : {facts: {text: output.trim()}}),
	};
}

const registry = new Map(
	[probe('root-only', true, 'echo secret-ish'), probe('plain', false, 'echo plain'), probe('broken', false, 'echo bad; echo "why it broke" >&2'), probe('late', false, 'echo late')].map((p) => [p.name, p]),
);

type Call = {script: string; opts: RunOptions | undefined};

/** A session that runs each script in a local `sh -s`, with sudo decided by `sudoAllowed`. */
function fakeConnect(options: {sudoAllowed: boolean; cut?: (stdout: string) => SshError | undefined; stderr?: string; calls?: Call[]; targets?: SshTarget[]; closes?: {count: number}}): ConnectNode {
	return async (target) => {
		options.targets?.push(target);
		const session: NodeShell = {
			async run(script, opts): Promise<RunResult> {
				options.calls?.push({script, opts});
				if (opts?.sudo && !options.sudoAllowed) return {stdout: '', stderr: 'sudo: a password is required\n', code: 1};
				if (options.stderr !== undefined) return {stdout: '', stderr: options.stderr, code: 1};
				const stdout = execFileSync('sh', ['-s'], {input: script, encoding: 'utf8'});
				const cut = options.cut?.(stdout);
				if (cut) throw cut;
				return {stdout, stderr: '', code: 0};
			},
			close() {
				if (options.closes) options.closes.count++;
			},
		};
		return session;
	};
}

const signal = new AbortController().signal;

test('sudo allowed: every probe in one script, one exec, with sudo', async () => {
	const calls: Call[] = [];
	const targets: SshTarget[] = [];
	const closes = {count: 0};
	const source = sshNodeSource({ssh, probes: registry, connect: fakeConnect({sudoAllowed: true, calls, targets, closes}), keyPaths: ['/k/id']});
	const facts = await source.gather(node, ['root-only', 'plain', 'broken'], signal);
	assert.deepEqual(facts.node, {...node, reachable: true, error: null});
	assert.deepEqual(facts.probes.get('root-only'), {command: 'cmd-root-only', facts: {text: 'secret-ish'}});
	assert.deepEqual(facts.probes.get('plain'), {command: 'cmd-plain', facts: {text: 'plain'}});
	assert.deepEqual(facts.probes.get('broken'), {command: 'cmd-broken', error: 'cannot parse broken (why it broke)'});
	assert.equal(calls.length, 1, 'one exec in the common case');
	assert.equal(calls[0]!.opts?.sudo, true);
	assert.equal(calls[0]!.opts?.timeoutMs, 5000, '--timeout bounds the whole node');
	for (const call of calls) assert.doesNotMatch(call.script, /moc-lq2x7c9wd3f|10\.0\.0\.5/);
	assert.deepEqual(targets, [{name: 'moc-lq2x7c9wd3f', address: '10.0.0.5', port: 22, user: 'clouduser', keyPaths: ['/k/id']}]);
	assert.equal(closes.count, 1);
});

test('sudo refused: probes that need root say so, the others run again without sudo', async () => {
	const calls: Call[] = [];
	const source = sshNodeSource({ssh, probes: registry, connect: fakeConnect({sudoAllowed: false, calls})});
	const facts = await source.gather(node, ['root-only', 'plain'], signal);
	assert.deepEqual(facts.probes.get('root-only'), {command: 'cmd-root-only', error: 'sudo refused: sudo: a password is required (restricted SSH?)'});
	assert.deepEqual(facts.probes.get('plain'), {command: 'cmd-plain', facts: {text: 'plain'}});
	assert.equal(calls[1]!.opts?.sudo, false);
	assert.doesNotMatch(calls[1]!.script, /secret-ish/, 'the root-only snippet is not sent');
	assert.equal(facts.node.reachable, true);
});

test('no probe needs root: no sudo check, and the script runs without sudo', async () => {
	const calls: Call[] = [];
	const facts = await sshNodeSource({ssh, probes: registry, connect: fakeConnect({sudoAllowed: false, calls})}).gather(node, ['plain'], signal);
	assert.equal(calls.length, 1);
	assert.equal(calls[0]!.opts?.sudo, false);
	assert.deepEqual(facts.probes.get('plain'), {command: 'cmd-plain', facts: {text: 'plain'}});
});

test('a connect failure makes the node unreachable with the transport message', async () => {
	const connect: ConnectNode = async () => {
		throw new SshError('auth', 'moc-lq2x7c9wd3f (clouduser@10.0.0.5:22): the node accepted none of the keys offered (/k/id)');
	};
	const facts = await sshNodeSource({ssh, probes: registry, connect}).gather(node, ['plain'], signal);
	assert.deepEqual(facts.node, {...node, reachable: false, error: 'moc-lq2x7c9wd3f (clouduser@10.0.0.5:22): the node accepted none of the keys offered (/k/id)'});
	assert.equal(facts.probes.size, 0);
});

test('a timeout mid-output keeps the probes already framed and marks the rest', async () => {
	const cut = (stdout: string) => new SshError('timeout', 'moc-lq2x7c9wd3f: the node did not finish within 120 s', {stdout: stdout.slice(0, stdout.indexOf('_BEGIN late')), stderr: ''});
	const facts = await sshNodeSource({ssh, probes: registry, connect: fakeConnect({sudoAllowed: true, cut})}).gather(node, ['plain', 'late'], signal);
	assert.deepEqual(facts.probes.get('plain'), {command: 'cmd-plain', facts: {text: 'plain'}});
	assert.deepEqual(facts.probes.get('late'), {command: 'cmd-late', error: 'no output (node hung or script cut): moc-lq2x7c9wd3f: the node did not finish within 120 s'});
	assert.equal(facts.node.reachable, true);
});

test('a shell that never runs the script (forced command): every probe carries its stderr', async () => {
	const facts = await sshNodeSource({ssh, probes: registry, connect: fakeConnect({sudoAllowed: true, stderr: 'This account is restricted to sftp.\n'})}).gather(node, ['plain'], signal);
	assert.deepEqual(facts.probes.get('plain'), {command: 'cmd-plain', error: 'no output (node hung or script cut): This account is restricted to sftp.'});
});

test('unknown probes, Windows nodes and cancelled runs never connect', async () => {
	let connects = 0;
	const connect: ConnectNode = async (target, options) => {
		connects++;
		return fakeConnect({sudoAllowed: true})(target, options);
	};
	const source = sshNodeSource({ssh, probes: registry, connect});
	const unknown = await source.gather(node, ['nope'], signal);
	assert.deepEqual(unknown.probes.get('nope'), {command: 'nope', error: 'unknown probe nope'});
	const windows = await source.gather({...node, os: 'windows'}, ['plain'], signal);
	assert.deepEqual(windows.probes.get('plain'), {command: 'cmd-plain', error: 'probe plain does not run on windows nodes'});
	const aborted = new AbortController();
	aborted.abort();
	const cancelled = await source.gather(node, ['plain'], aborted.signal);
	assert.deepEqual(cancelled.node, {...node, reachable: false, error: 'cancelled'});
	assert.equal(connects, 0);
});

test('aborting mid-run closes the session and reports the cut', async () => {
	const controller = new AbortController();
	let closed = false;
	const connect: ConnectNode = async () => ({
		run: (script, opts) =>
			opts?.sudo && script === 'exit 0\n'
				? Promise.resolve({stdout: '', stderr: '', code: 0})
				: new Promise<RunResult>((_, reject) => {
						setTimeout(() => controller.abort(), 5);
						const timer = setInterval(() => {
							if (closed) {
								clearInterval(timer);
								reject(new SshError('unreachable', 'connection lost (closed by the node or the network)'));
							}
						}, 1);
					}),
		close() {
			closed = true;
		},
	});
	const facts = await sshNodeSource({ssh, probes: registry, connect}).gather(node, ['root-only'], controller.signal);
	assert.equal(closed, true);
	assert.deepEqual(facts.probes.get('root-only'), {command: 'cmd-root-only', error: 'no output (node hung or script cut): cancelled'});
});
