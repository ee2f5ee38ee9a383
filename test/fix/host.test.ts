// Host fixes on real OpenSSH test nodes: the binary run headless (`fix --plan`, `fix --apply`,
// `audit`, `undo`) from inside the lab's hub namespace, where it reaches the nodes over plain
// TCP as it would reach AKS hybrid nodes; and the same functions in-process for what needs a
// hand on the steps (a value sshd -t rejects, the connection cut between write and rename).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import {connectNode, type NodeShell, type SshOptions} from '../../src/transports/ssh.js';
import {applyPlan} from '../../src/fix/apply.js';
import {AuditLog} from '../../src/fix/audit-log.js';
import type {FixContext} from '../../src/fix/context.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import type {FileChange, NodeRef, Plan} from '../../src/fix/model.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import {planFix} from '../../src/fix/plan.js';
import type {Finding} from '../../src/model/finding.js';
import type {Report} from '../../src/model/report.js';
import {binPath} from '../support/cli.js';
import {rootSkip, startLab, type Lab, type LabNode} from '../support/ssh-lab.js';

const OURS = '/etc/ssh/sshd_config.d/00-aks-harden.conf';
const CLOUD_INIT = '/etc/ssh/sshd_config.d/50-cloud-init.conf';
// An sshd_config that does not include sshd_config.d: the settings go into this file itself.
const MAIN_WITHOUT_INCLUDE = [
	'Port 22',
	'ListenAddress 0.0.0.0',
	'HostKey /etc/ssh/ssh_host_ed25519_key',
	'# Passwords for the break-glass account',
	'PasswordAuthentication yes',
	'PubkeyAuthentication yes',
	'KbdInteractiveAuthentication no',
	'PermitRootLogin no',
	'UsePAM no',
	'PidFile /run/sshd.pid',
	'Subsystem sftp internal-sftp',
	'Match User backup',
	'  PasswordAuthentication yes',
	'',
].join('\n');
const ORIGINAL_OURS = '# Written by aks-harden earlier (an older run).\nX11Forwarding no\n';

describe('host fixes on real sshd nodes', {skip: rootSkip()}, () => {
	let lab: Lab;
	let work: string;
	let home: string;
	let state: string;
	let main: LabNode;
	let invalid: LabNode;
	let cut: LabNode;
	let fresh: LabNode;
	let modes: LabNode;
	let kernel: LabNode;
	let noInclude: LabNode;

	before(async () => {
		const files = {
			[CLOUD_INIT]: {content: 'PasswordAuthentication yes\n', mode: 0o600},
			[OURS]: {content: ORIGINAL_OURS, mode: 0o600},
		};
		lab = await startLab({
			nodes: [
				{name: 'moc-fix', files},
				{name: 'moc-invalid', files},
				{name: 'moc-cut', files},
				{name: 'moc-fresh', files: {[CLOUD_INIT]: files[CLOUD_INIT]}},
				{name: 'moc-modes', files: {'/etc/ssh/sshd_config.d/10-site.conf': {content: 'X11Forwarding no\n', mode: 0o664}}},
				{name: 'moc-kernel'},
				{name: 'moc-no-include', files: {'/etc/ssh/sshd_config': {content: MAIN_WITHOUT_INCLUDE, mode: 0o600}}},
			],
		});
		[main, invalid, cut, fresh, modes, kernel, noInclude] = lab.nodes as [LabNode, LabNode, LabNode, LabNode, LabNode, LabNode, LabNode];
		work = fs.mkdtempSync(path.join(lab.dir, 'fix-'));
		fs.chmodSync(work, 0o755);
		home = path.join(work, 'home');
		state = path.join(work, 'state');
		fs.mkdirSync(home);
	});

	after(async () => {
		await lab?.stop();
	});

	/** The binary, from inside the hub: nodes are reached by address over TCP, as in production. */
	async function cli(args: readonly string[]) {
		const envArgs = ['-u', 'SSH_AUTH_SOCK', '-u', 'KUBECONFIG', `HOME=${home}`, `AKS_HARDEN_STATE_DIR=${state}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...envArgs, process.execPath, binPath, ...args], {timeoutMs: 120_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}

	const sshArgs = (node: LabNode) => ['--nodes', node.address, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];

	const sshOptions = (): SshOptions => ({
		knownHostsPath: lab.knownHostsPath,
		acceptNewHostKeys: false,
		timeoutMs: 15_000,
		agentSocket: null,
		homeDir: home,
		sshConfigPath: null,
		connectSocket: (target) => lab.connectSocket(target),
	});

	async function onNode<T>(node: LabNode, use: (session: NodeShell) => Promise<T>): Promise<T> {
		const session = await connectNode({name: node.name, address: node.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]}, sshOptions());
		try {
			return await use(session);
		} finally {
			session.close();
		}
	}

	const sshdT = (node: LabNode) => onNode(node, async (session) => (await session.run('/usr/sbin/sshd -T', {sudo: true, timeoutMs: 15_000})).stdout);
	const readNode = (node: LabNode, file: string) =>
		onNode(node, async (session) => {
			const result = await session.run(`cat -- '${file}'`, {sudo: true, timeoutMs: 15_000});
			return result.code === 0 ? result.stdout : undefined;
		});
	const listNode = (node: LabNode, folder: string) => onNode(node, async (session) => (await session.run(`ls -A -- '${folder}'`, {sudo: true, timeoutMs: 15_000})).stdout.split('\n').filter(Boolean));

	async function auditStatus(node: LabNode): Promise<string | undefined> {
		const result = await cli(['audit', ...sshArgs(node), '--checks', 'host.sshd-config', '--format', 'json']);
		const report = JSON.parse(result.stdout) as Report;
		return report.findings.find((finding) => finding.checkId === 'host.sshd-config')?.status;
	}

	test('fix --plan then fix --apply: passwords off, backup beside the file, logged, re-audit passes; undo puts it back', async () => {
		assert.match(await sshdT(main), /^passwordauthentication yes$/m);
		assert.equal(await auditStatus(main), 'fail');

		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, ...sshArgs(main), '--checks', 'host.sshd-config']);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const file = JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile;
		const plan = file.plans[0]!;
		assert.equal(plan.status, 'ready', JSON.stringify(plan, null, 2));
		assert.equal(plan.risk, 'guided');
		assert.equal(plan.durability, 'ephemeral');
		assert.match(planned.stdout, /durability: ephemeral \(a node upgrade or reimage discards it\)/);
		const change = plan.changes[0] as FileChange;
		assert.equal(change.type, 'file');
		assert.equal(change.path, OURS, 'the drop-in sshd_config includes, read before cloud-init\'s');
		assert.match(change.diff, /^\+PasswordAuthentication no$/m);
		assert.match(change.diff, /^ X11Forwarding no$/m, 'what the file had stays');
		assert.equal(await readNode(main, OURS), ORIGINAL_OURS, 'planning writes nothing');

		const applied = await cli(['fix', '--apply', planPath, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser']);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /applied: applied to .*00-aks-harden\.conf; the check passes now/);
		assert.match(applied.stderr, /validate: valid/);
		assert.match(applied.stderr, /reload: sshd reloaded/);

		assert.match(await sshdT(main), /^passwordauthentication no$/m);
		assert.equal(await readNode(main, CLOUD_INIT), 'PasswordAuthentication yes\n', 'cloud-init\'s drop-in is left alone');
		const backups = (await listNode(main, '/etc/ssh/sshd_config.d')).filter((name) => /^00-aks-harden\.conf\.aks-harden-\d{8}T\d{6}Z\.bak$/.test(name));
		assert.equal(backups.length, 1, 'one backup, named with the UTC time');
		assert.equal(await readNode(main, `/etc/ssh/sshd_config.d/${backups[0]}`), ORIGINAL_OURS);
		const modes = await onNode(main, async (session) => (await session.run(`stat -c '%a %U %G' '${OURS}' '/etc/ssh/sshd_config.d/${backups[0]}'`, {sudo: true, timeoutMs: 15_000})).stdout);
		assert.equal(modes, '600 root root\n600 root root\n', 'mode and owner kept on the file and its backup');
		assert.ok(!(await listNode(main, '/etc/ssh/sshd_config.d')).some((name) => name.endsWith('.tmp')), 'no temp file left');

		const entries = fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
		const entry = entries.find((candidate) => candidate.result === 'applied');
		assert.ok(entry, 'the audit log has the change');
		assert.equal(entry.target, `node/${main.address}:${OURS}`);
		assert.deepEqual(entry.checks, ['host.sshd-config']);
		assert.equal(entry.undo.type, 'file-restore');
		assert.equal(entry.undo.backup, `/etc/ssh/sshd_config.d/${backups[0]}`);
		assert.equal(entry.beforeDigest, `sha256:${createHash('sha256').update(ORIGINAL_OURS).digest('hex')}`);

		assert.equal(await auditStatus(main), 'pass', 'a re-audit passes');
		const again = await cli(['fix', '--apply', planPath, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser']);
		assert.equal(again.code, 0);
		assert.match(again.stdout, /nothing to do/);

		const undone = await cli(['undo', entry.id, '--yes', '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser']);
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.equal(await readNode(main, OURS), ORIGINAL_OURS, 'the original is back');
		assert.match(await sshdT(main), /^passwordauthentication yes$/m);
		assert.equal(await auditStatus(main), 'fail', 'a re-audit fails again');
	});

	// In-process: the same planner and applier, with the lab's socket hook.
	function context(): FixContext {
		const catalog = loadCatalog();
		return {
			catalog,
			playbooks: loadPlaybooks(undefined, catalog),
			settings: {allowedRegistries: []},
			transport: {openNode: (node: NodeRef) => connectNode({name: node.name, address: node.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]}, sshOptions())},
		};
	}

	function sshdFinding(node: LabNode): Finding {
		return {checkId: 'host.sshd-config', section: 'host', severity: 'high', status: 'fail', target: {node: node.name}, message: '', evidence: {}, remediation: '', playbook: 'host.sshd-hardening'};
	}

	async function planFor(node: LabNode, fixContext: FixContext): Promise<Plan> {
		const plan = await planFix(sshdFinding(node), {...fixContext, nodes: [{name: node.name, address: node.address, os: 'linux', role: 'worker', reachable: true, error: null}]});
		assert.equal(plan?.status, 'ready', plan?.reason);
		return plan!;
	}

	test('a value sshd -t rejects: the backup is put back and the node stays reachable', async () => {
		const fixContext = context();
		const plan = await planFor(invalid, fixContext);
		const change = plan.changes[0] as FileChange;
		const content = `${change.content}MaxAuthTries banana\n`;
		// A plan that shows the bad line in its diff too: apply refuses content its diff does not show.
		const tampered: Plan = {...plan, changes: [{...change, content, afterDigest: `sha256:${createHash('sha256').update(content).digest('hex')}`, diff: `${change.diff}+MaxAuthTries banana\n`}]};
		const log = new AuditLog([path.join(work, 'invalid.jsonl')]);
		const [result] = await applyPlan(tampered, {context: fixContext, confirmedCount: 1, log});
		assert.equal(result?.outcome, 'rolled-back', result?.message);
		assert.match(result!.message, /sshd -t: .*MaxAuthTries/i);
		assert.match(result!.message, /was put back/);
		assert.equal(await readNode(invalid, OURS), ORIGINAL_OURS);
		assert.match(await sshdT(invalid), /^passwordauthentication yes$/m, 'sshd still reads the old settings');
		assert.equal(await onNode(invalid, async (session) => (await session.run('exit 0', {sudo: false, timeoutMs: 10_000})).code), 0, 'a new login works');
		const [entry] = log.read().entries;
		assert.equal(entry?.result, 'rolled-back');
	});

	test('the connection cut between write and rename leaves the old file whole; applying again then works', async () => {
		const fixContext = context();
		const plan = await planFor(cut, fixContext);
		const change = plan.changes[0] as FileChange;
		const sessions: NodeShell[] = [];
		const tracking: FixContext = {
			...fixContext,
			transport: {
				openNode: async (node) => {
					const session = await fixContext.transport.openNode!(node);
					sessions.push(session);
					return session;
				},
			},
		};
		const [result] = await applyPlan(plan, {
			context: tracking,
			confirmedCount: 1,
			hooks: {afterWrite: () => sessions.at(-1)!.close()},
		});
		assert.equal(result?.outcome, 'failed', result?.message);
		assert.match(result!.message, /connection|closed/i);
		const now = await readNode(cut, OURS);
		assert.ok(now === ORIGINAL_OURS || now === change.content, `the file is the old or the new one, never partial: ${JSON.stringify(now)}`);
		assert.equal(now, ORIGINAL_OURS, 'the rename never ran');
		assert.match(await sshdT(cut), /^passwordauthentication yes$/m);
		// A leftover temp file is named so sshd's *.conf Include never reads it.
		for (const name of await listNode(cut, '/etc/ssh/sshd_config.d')) if (name.endsWith('.tmp')) assert.doesNotMatch(name, /\.conf$/);

		// The cut run's temp file, made an hour old, is removed by the next write to the same file;
		// a young one (another run that may still be going) is left alone.
		const leftovers = (await listNode(cut, '/etc/ssh/sshd_config.d')).filter((name) => name.endsWith('.tmp'));
		assert.equal(leftovers.length, 1, `the cut run left its temp file: ${leftovers.join(', ')}`);
		const young = '.00-aks-harden.conf.aks-harden-0young0.tmp';
		await onNode(cut, (session) =>
			session.run(`cd /etc/ssh/sshd_config.d && touch -d '1 hour ago' -- '${leftovers[0]}' && printf 'x' > '${young}'`, {sudo: true, timeoutMs: 15_000}),
		);
		const messages: string[] = [];
		const [retry] = await applyPlan(plan, {context: fixContext, confirmedCount: 1, onEvent: (event) => void (event.type === 'step' && messages.push(event.message))});
		assert.equal(retry?.outcome, 'applied', retry?.message);
		assert.equal(await readNode(cut, OURS), change.content);
		assert.match(await sshdT(cut), /^passwordauthentication no$/m);
		assert.ok(messages.some((message) => message.includes(`removed /etc/ssh/sshd_config.d/${leftovers[0]}, left by an earlier run cut before its rename`)), messages.join('\n'));
		assert.deepEqual((await listNode(cut, '/etc/ssh/sshd_config.d')).filter((name) => name.endsWith('.tmp')), [young]);
	});

	test('a node without our drop-in gets a new file, which undo removes', async () => {
		const fixContext = context();
		const plan = await planFor(fresh, fixContext);
		const change = plan.changes[0] as FileChange;
		assert.equal(change.beforeDigest, 'absent');
		assert.match(change.content, /^# Written by aks-harden/);
		const log = new AuditLog([path.join(work, 'fresh.jsonl')]);
		const [result] = await applyPlan(plan, {context: fixContext, confirmedCount: 1, log});
		assert.equal(result?.outcome, 'applied', result?.message);
		assert.equal(await onNode(fresh, async (session) => (await session.run(`stat -c '%a %U' '${OURS}'`, {sudo: true, timeoutMs: 10_000})).stdout), '600 root\n');
		const {undoChange} = await import('../../src/fix/undo.js');
		const undone = await undoChange(result!.logId!, {context: fixContext, log});
		assert.equal(undone.outcome, 'undone', undone.message);
		assert.equal(await readNode(fresh, OURS), undefined, 'the file is gone');
		assert.match(await sshdT(fresh), /^passwordauthentication yes$/m);
	});

	test('file modes: bits beyond the CIS mode are removed file by file, and undo puts each back', async () => {
		const fixContext = context();
		const finding: Finding = {checkId: 'host.file-permissions', section: 'host', severity: 'medium', status: 'fail', target: {node: modes.name}, message: '', evidence: {}, remediation: '', playbook: 'host.file-modes'};
		const plan = (await planFix(finding, {...fixContext, nodes: [{name: modes.name, address: modes.address, os: 'linux', role: 'worker', reachable: true, error: null}]}))!;
		assert.equal(plan.status, 'ready', plan.reason);
		const paths = plan.changes.map((change) => (change.type === 'mode' ? `${change.path} ${change.before.mode}→${change.after.mode}` : ''));
		assert.ok(paths.includes('/etc/ssh/sshd_config.d/10-site.conf 664→600'), paths.join(', '));
		const log = new AuditLog([path.join(work, 'modes.jsonl')]);
		const results = await applyPlan(plan, {context: fixContext, confirmedCount: 1, log});
		assert.ok(results.every((result) => result.outcome === 'applied'), results.map((result) => result.message).join('; '));
		const stat = (file: string) => onNode(modes, async (session) => (await session.run(`stat -c '%a %U:%G' '${file}'`, {sudo: true, timeoutMs: 10_000})).stdout.trim());
		assert.equal(await stat('/etc/ssh/sshd_config.d/10-site.conf'), '600 root:root');
		assert.match(results.at(-1)!.message, /the check passes now/);
		const {undoChange} = await import('../../src/fix/undo.js');
		const site = log.read().entries.find((entry) => entry.target.endsWith('10-site.conf'))!;
		const undone = await undoChange(site.id, {context: fixContext, log});
		assert.equal(undone.outcome, 'undone', undone.message);
		assert.equal(await stat('/etc/ssh/sshd_config.d/10-site.conf'), '664 root:root');
	});

	test('sysctl: a drop-in with the differing CIS keys, loaded with sysctl -p; Kubernetes\' own keys untouched', async (t) => {
		// The lab's nodes share this machine's kernel: only per-network-namespace keys may change.
		if (fs.readFileSync('/proc/sys/kernel/randomize_va_space', 'utf8').trim() !== '2') return t.skip('kernel.randomize_va_space is global to this machine and not 2');
		const fixContext = context();
		const finding: Finding = {checkId: 'host.sysctl', section: 'host', severity: 'medium', status: 'fail', target: {node: kernel.name}, message: '', evidence: {}, remediation: '', playbook: 'host.sysctl-hardening'};
		const plan = (await planFix(finding, {...fixContext, nodes: [{name: kernel.name, address: kernel.address, os: 'linux', role: 'worker', reachable: true, error: null}]}))!;
		assert.equal(plan.status, 'ready', plan.reason);
		const change = plan.changes[0] as FileChange;
		assert.equal(change.path, '/etc/sysctl.d/99-aks-harden.conf');
		assert.match(change.content, /^net\.ipv4\.conf\.all\.send_redirects = 0$/m);
		assert.doesNotMatch(change.content, /ip_forward|bridge-nf-call|rp_filter|randomize_va_space/);
		const [result] = await applyPlan(plan, {context: fixContext, confirmedCount: 1});
		assert.equal(result?.outcome, 'applied', result?.message);
		assert.match(result!.message, /the check passes now/);
		const value = await onNode(kernel, async (session) => (await session.run('cat /proc/sys/net/ipv4/conf/all/send_redirects', {sudo: false, timeoutMs: 10_000})).stdout.trim());
		assert.equal(value, '0');
	});

	test('without an Include of sshd_config.d the main file is edited in place, before its Match block', async () => {
		const fixContext = context();
		const plan = await planFor(noInclude, fixContext);
		const change = plan.changes[0] as FileChange;
		assert.equal(change.path, '/etc/ssh/sshd_config');
		assert.match(change.diff, /^-PasswordAuthentication yes\n\+PasswordAuthentication no$/m);
		assert.ok(change.content.includes('# Passwords for the break-glass account\nPasswordAuthentication no\n'), 'the comment above stays');
		assert.ok(change.content.indexOf('MaxAuthTries 4') < change.content.indexOf('Match User backup'), 'new settings stay global');
		assert.ok(change.content.endsWith('Match User backup\n  PasswordAuthentication no\n'), 'the Match block that turned passwords back on gets the CIS value too');
		const [result] = await applyPlan(plan, {context: fixContext, confirmedCount: 1});
		assert.equal(result?.outcome, 'applied', result?.message);
		assert.match(result!.message, /the check passes now/);
		assert.match(await sshdT(noInclude), /^passwordauthentication no$/m);
		const backups = (await listNode(noInclude, '/etc/ssh')).filter((name) => /^sshd_config\.aks-harden-.*\.bak$/.test(name));
		assert.equal(backups.length, 1);
		assert.equal(await readNode(noInclude, `/etc/ssh/${backups[0]}`), MAIN_WITHOUT_INCLUDE);
	});
});
