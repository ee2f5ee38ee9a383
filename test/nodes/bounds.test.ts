// Node output and reachability against real OpenSSH sshd test nodes, through the real binary:
// endless output is cut at the cap (an `error` for that node's checks, the others unharmed), and
// an audit that reaches no requested node fails closed.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {rootSkip, startLab, type Lab} from '../support/ssh-lab.js';
import {binPath, hasNoStack} from '../support/cli.js';
import type {Report} from '../../src/model/report.js';

let lab: Lab;
let work: string;
let env: Record<string, string>;

before(async () => {
	if (rootSkip()) return;
	lab = await startLab({nodes: [{name: 'flood', flood: true}, {name: 'quiet'}, {name: 'rekeyed'}]});
	work = mkdtempSync(join(tmpdir(), 'akh-node-bounds-'));
	mkdirSync(join(work, 'home'));
	const byName = new Map(lab.nodes.map((node) => [node.name, node]));
	// "rekeyed" presents a key other than the one known_hosts expects: a changed host key.
	const other = byName.get('quiet')!.hostKeyLine.split(' ').slice(1).join(' ');
	const rekeyed = byName.get('rekeyed')!;
	const knownHosts = readFileSync(lab.knownHostsPath, 'utf8').split('\n').map((line) => (line.startsWith(`${rekeyed.address} `) ? `${rekeyed.address} ${other}` : line));
	writeFileSync(join(work, 'known_hosts'), knownHosts.join('\n'));
	const inventory = {
		nodes: [...lab.nodes.map((node) => ({name: node.name, address: node.address})), {name: 'gone', address: lab.nodes[0]!.address.replace(/\.\d+$/, '.250')}],
	};
	writeFileSync(join(work, 'inventory.yaml'), stringify(inventory));
	env = {HOME: join(work, 'home'), KUBECONFIG: join(work, 'none'), SSH_AUTH_SOCK: '', PATH: process.env['PATH'] ?? '', NO_COLOR: '1'};
});

after(async () => {
	await lab?.stop();
	if (work) rmSync(work, {recursive: true, force: true});
});

async function audit(nodes: string, extra: readonly string[] = []) {
	const started = Date.now();
	const result = await execa(
		'ip',
		['netns', 'exec', lab.hub, process.execPath, binPath, 'audit', '--nodes', nodes, '--sections', 'host', '--timeout', '20s', '--format', 'json', '--ssh-key', lab.clientKeyPath, '--known-hosts', join(work, 'known_hosts'), '--inventory', join(work, 'inventory.yaml'), ...extra],
		{reject: false, timeout: 90_000, env, stdin: 'ignore'},
	);
	return {code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), seconds: (Date.now() - started) / 1000};
}

test('endless output from a node: its checks are error "output over 16 MB", the run ends well before --timeout', {skip: rootSkip(), timeout: 120_000}, async () => {
	const result = await audit('flood');
	// The flood node is the only one asked for, and it was reached: the report is written.
	assert.notEqual(result.code, 2, result.stderr);
	const report = JSON.parse(result.stdout) as Report;
	const node = report.nodes.find((entry) => entry.name === 'flood');
	assert.equal(node?.reachable, true);
	const findings = report.findings.filter((finding) => 'node' in finding.target && finding.target.node === 'flood');
	assert.ok(findings.length > 0);
	for (const finding of findings) {
		assert.equal(finding.status, 'error', `${finding.checkId}: ${finding.status}`);
		assert.match(finding.reason ?? '', /output over 16 MB/);
	}
	assert.doesNotMatch(result.stdout, /aks-harden-flood-line/, 'none of the flood is kept');
	assert.ok(result.seconds < 20, `took ${result.seconds} s`);
	assert.ok(hasNoStack(result.stderr), result.stderr);
	process.stdout.write(`# flooding node: finished after ${result.seconds.toFixed(1)} s, ${findings.length} findings "output over 16 MB"\n`);
});

test('every requested node unreachable or refused (changed host key): exit 2, no report, no score', {skip: rootSkip(), timeout: 120_000}, async () => {
	const result = await audit('rekeyed,gone', ['--timeout', '5s']);
	assert.equal(result.code, 2, result.stderr);
	assert.equal(result.stdout, '', 'no report that could read as a pass');
	assert.match(result.stderr, /node rekeyed unreachable: .*HOST KEY CHANGED/);
	assert.match(result.stderr, /node gone unreachable: /);
	assert.match(result.stderr, /^aks-harden: no node could be reached: all 2 nodes asked for were unreachable or refused, so no node check was judged$/m);
	assert.doesNotMatch(result.stderr, /score/);
	assert.ok(hasNoStack(result.stderr), result.stderr);
});

test('one node reached among unreachable ones: the run goes on, the unreached node\'s checks are error, never pass', {skip: rootSkip(), timeout: 120_000}, async () => {
	const result = await audit('quiet,rekeyed');
	assert.ok(result.code === 0 || result.code === 1, result.stderr);
	const report = JSON.parse(result.stdout) as Report;
	const rekeyed = report.findings.filter((finding) => 'node' in finding.target && finding.target.node === 'rekeyed');
	assert.ok(rekeyed.length > 0);
	assert.ok(rekeyed.every((finding) => finding.status === 'error'));
	assert.equal(report.summary.pass, report.findings.filter((finding) => finding.status === 'pass' && 'node' in finding.target && finding.target.node === 'quiet').length);
});
