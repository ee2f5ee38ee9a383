// On the demo, headless, through the real binary: a host fix planned, applied, re-checked and
// undone, each step a separate run, all on the one demo kept in the state folder. The demo node
// answers the same scripts a real node gets (src/demo/node-shell.ts): nothing here is stubbed
// around the fix code.
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Report} from '../../src/model/report.js';
import {hasNoStack, runCli} from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'akh-demo-hostfix-'));
after(() => rmSync(dir, {recursive: true, force: true}));
const env = {AKS_HARDEN_STATE_DIR: join(dir, 'state')};
const plan = join(dir, 'plan.json');
const controlPlane = 'moc-l1hj0nllpvs';

async function sshdStatus(): Promise<string | undefined> {
	const audit = await runCli(['audit', '--demo', '--checks', 'host.sshd-config', '--format', 'json'], {env});
	const report = JSON.parse(audit.stdout) as Report;
	return report.findings.find((finding) => 'node' in finding.target && finding.target.node === controlPlane)?.status;
}

test('plan, apply, re-check and undo host.sshd-config on the demo, run after run', async () => {
	assert.equal(await sshdStatus(), 'fail', 'the control plane starts with cloud-init turning password logins on');

	const planned = await runCli(['fix', '--demo', '--plan', plan, '--checks', 'host.sshd-config'], {env});
	assert.equal(planned.code, 0, planned.stderr);
	assert.match(planned.stdout, /create \/etc\/ssh\/sshd_config\.d\/00-aks-harden\.conf on moc-l1hj0nllpvs: PasswordAuthentication no/);
	assert.match(planned.stdout, /\+PasswordAuthentication no/);
	assert.match(planned.stdout, new RegExp(`Review it, then: aks-harden fix --demo --apply ${plan.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

	// The plan belongs to the demo: applied elsewhere it says where to go.
	const elsewhere = await runCli(['fix', '--apply', plan], {env});
	assert.equal(elsewhere.code, 2);
	assert.match(elsewhere.stderr, /was planned on the demo environment.*aks-harden fix --demo --apply/s);
	assert.ok(hasNoStack(elsewhere.stderr));

	const applied = await runCli(['fix', '--demo', '--apply', plan], {env});
	assert.equal(applied.code, 0, applied.stdout + applied.stderr);
	assert.match(applied.stderr, /validate: valid/);
	assert.match(applied.stderr, /verify: host\.sshd-config node\/moc-l1hj0nllpvs: pass/);
	const id = /recorded as (chg-[0-9a-f]+)/.exec(applied.stdout)?.[1];
	assert.ok(id, applied.stdout);

	assert.equal(await sshdStatus(), 'pass', 'a new run of the audit sees the drop-in the fix wrote');

	// A second apply of the same plan finds the file it would create already there.
	const again = await runCli(['fix', '--demo', '--apply', plan], {env});
	assert.notEqual(again.code, 2, again.stderr);
	assert.doesNotMatch(again.stdout, /^1 applied/m);

	const undone = await runCli(['undo', id, '--yes'], {env});
	assert.equal(undone.code, 0, undone.stdout + undone.stderr);
	assert.match(undone.stdout, /undone: undid .* the check reports fail again/);
	assert.equal(await sshdStatus(), 'fail', 'after undo the audit sees the node as it was');

	const log = readFileSync(join(dir, 'state', 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as {result: string; cluster?: {context: string}});
	assert.ok(log.some((entry) => entry.result === 'applied') && log.some((entry) => entry.result === 'undone'));
	assert.ok(log.every((entry) => entry.cluster?.context === 'aks-harden-demo' && entry.cluster.server === 'demo'));
});

test('a host selection is kept beside a cluster one on the demo', async () => {
	const other = join(dir, 'mixed.json');
	const planned = await runCli(['fix', '--demo', '--plan', other, '--checks', 'isolation.privileged,host.sshd-config'], {env: {AKS_HARDEN_STATE_DIR: join(dir, 'state-mixed')}});
	assert.equal(planned.code, 0, planned.stderr);
	assert.match(planned.stdout, /Harden sshd's settings — node moc-l1hj0nllpvs/);
	assert.match(planned.stdout, /Run the container unprivileged — Deployment\/shop\/web/);
});

test('a damaged saved demo is said in one line and the demo starts afresh', async () => {
	const state = join(dir, 'state-damaged');
	mkdirSync(join(state, 'demo'), {recursive: true});
	writeFileSync(join(state, 'demo', 'environment.json'), '{"version": 1, "objects": [');
	const audit = await runCli(['audit', '--demo', '--checks', 'host.sshd-config', '--format', 'json'], {env: {AKS_HARDEN_STATE_DIR: state}});
	assert.equal(audit.code, 1, audit.stderr);
	assert.match(audit.stderr, /^aks-harden: .*environment\.json is damaged \(.*\); the demo starts afresh$/m);
	assert.ok(hasNoStack(audit.stderr));
});

test('two runs applying demo fixes at once to different nodes both keep their change', async () => {
	const shared = {AKS_HARDEN_STATE_DIR: join(dir, 'state-shared')};
	const sshd = join(dir, 'sshd.json');
	const modes = join(dir, 'modes.json');
	assert.equal((await runCli(['fix', '--demo', '--plan', sshd, '--checks', 'host.sshd-config'], {env: shared})).code, 0);
	assert.equal((await runCli(['fix', '--demo', '--plan', modes, '--checks', 'host.file-permissions'], {env: shared})).code, 0);
	const [a, b] = await Promise.all([runCli(['fix', '--demo', '--apply', sshd], {env: shared}), runCli(['fix', '--demo', '--apply', modes], {env: shared})]);
	assert.equal(a.code, 0, a.stdout + a.stderr);
	assert.equal(b.code, 0, b.stdout + b.stderr);
	const audit = await runCli(['audit', '--demo', '--checks', 'host.sshd-config,host.file-permissions', '--format', 'json'], {env: shared});
	const report = JSON.parse(audit.stdout) as Report;
	// The demo's Windows node keeps its findings: its fixes need a real Windows node.
	const failing = report.findings.filter((finding) => finding.status === 'fail' && (finding.target as {node?: string}).node !== 'moc-w7n2k4xq1b').map((finding) => `${finding.checkId} ${JSON.stringify(finding.target)}`);
	assert.deepEqual(failing, [], 'both fixes are in the saved demo');
});
