// sshd judged as sshd judges a connection: a main sshd_config that is clean until its last lines,
// `Match Address 0.0.0.0/0` + `PasswordAuthentication yes`, on a real OpenSSH test node. Plain
// `sshd -T` skips Match blocks; the audit evaluates them for its own connection (`-C`), and the
// fix edits the Match block where it stands. The binary runs from inside the lab's hub.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type {PlanFile} from '../../src/fix/plan-file.js';
import type {Report} from '../../src/model/report.js';
import {binPath} from '../support/cli.js';
import {rootSkip, startLab, type Lab, type LabNode} from '../support/ssh-lab.js';

const MAIN = [
	'Include /etc/ssh/sshd_config.d/*.conf',
	'Port 22',
	'ListenAddress 0.0.0.0',
	'HostKey /etc/ssh/ssh_host_ed25519_key',
	'PubkeyAuthentication yes',
	'PasswordAuthentication no',
	'KbdInteractiveAuthentication no',
	'PermitRootLogin no',
	'UsePAM no',
	'PidFile /run/sshd.pid',
	'Subsystem sftp internal-sftp',
	'Match Address 0.0.0.0/0',
	'  PasswordAuthentication yes',
	'',
].join('\n');

describe('sshd Match blocks on a real sshd node', {skip: rootSkip()}, () => {
	let lab: Lab;
	let node: LabNode;
	let work: string;

	before(async () => {
		lab = await startLab({nodes: [{name: 'moc-match', files: {'/etc/ssh/sshd_config': {content: MAIN, mode: 0o600}}}]});
		node = lab.nodes[0]!;
		work = fs.mkdtempSync(path.join(lab.dir, 'match-'));
		fs.chmodSync(work, 0o755);
		fs.mkdirSync(path.join(work, 'home'));
	});

	after(async () => {
		await lab?.stop();
	});

	async function cli(args: readonly string[]) {
		const env = ['-u', 'SSH_AUTH_SOCK', '-u', 'KUBECONFIG', `HOME=${path.join(work, 'home')}`, `AKS_HARDEN_STATE_DIR=${path.join(work, 'state')}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...env, process.execPath, binPath, ...args], {timeoutMs: 120_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}
	const ssh = () => ['--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];

	async function sshdFinding() {
		const result = await cli(['audit', '--nodes', node.address, ...ssh(), '--checks', 'host.sshd-config', '--format', 'json']);
		const report = JSON.parse(result.stdout) as Report;
		return report.findings.find((finding) => finding.checkId === 'host.sshd-config')!;
	}

	test('evaluated for the audit\'s own connection the Match block counts: host.sshd-config fails on passwordauthentication yes', async () => {
		const finding = await sshdFinding();
		assert.equal(finding.status, 'fail', finding.message);
		assert.match(finding.message, /passwordauthentication yes \(want no\)/);
		const connection = String((finding.evidence as Record<string, unknown>)['sshd.connection']);
		assert.match(connection, new RegExp(`^user=clouduser,host=(\\S+),addr=\\1,laddr=${node.address.replaceAll('.', '\\.')},lport=22$`), 'the connection the audit came in on');
	});

	test('the fix edits the Match block in sshd_config (and writes the global drop-in); the re-audit passes', async () => {
		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, '--nodes', node.address, ...ssh(), '--checks', 'host.sshd-config']);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready', plan.reason);
		const matchChange = plan.changes.find((change) => change.type === 'file' && change.path === '/etc/ssh/sshd_config');
		assert.ok(matchChange, `a change to sshd_config: ${plan.changes.map((change) => change.summary).join('; ')}`);
		assert.match(matchChange.diff, /^-  PasswordAuthentication yes$/m);
		assert.match(matchChange.diff, /^\+  PasswordAuthentication no$/m);
		assert.match(matchChange.diff, /^ Match Address 0\.0\.0\.0\/0$/m, 'the Match line itself stays');

		const applied = await cli(['fix', '--apply', planPath, ...ssh()]);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		const finding = await sshdFinding();
		assert.equal(finding.status, 'pass', finding.message);
	});
});
