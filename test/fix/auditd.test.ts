// host.auditd and its fix on a real systemd node (systemd-nspawn, reached over sshd), with
// Debian's real auditd package installed in the node. The kernel's audit subsystem is not
// available inside a container (a new PID namespace: "audit support not in kernel / Cannot open
// netlink audit socket"), so auditd cannot start and rules cannot be loaded here. What is tested
// for real: the probe on a node without and with the package, the check failing for each reason,
// the fix refused without auditd, the drop-in written, validated and merged by the real
// augenrules into /etc/audit/audit.rules, the failed kernel load reported, and undo. A node where
// auditd runs is covered by the golden cases (checks/host/host.auditd.cases.yaml).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type {FileChange} from '../../src/fix/model.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import type {Report} from '../../src/model/report.js';
import {connectNode, type NodeShell} from '../../src/transports/ssh.js';
import {binPath} from '../support/cli.js';
import {systemdSkip, startSystemdNodes, type Lab, type LabNode} from '../support/ssh-lab.js';
import {auditPackageFiles, INSTALL_AUDITD} from '../support/audit-package.js';

const DROP_IN = '/etc/audit/rules.d/50-aks-harden.rules';

function skipReason(): string | false {
	const root = systemdSkip();
	if (root) return root;
	const found = auditPackageFiles();
	return typeof found === 'string' ? found : false;
}

const script = (name: string) => ({content: `#!/bin/sh\necho ${name} stand-in\n`, mode: 0o755});

describe('host.auditd and its fix on a systemd node', {skip: skipReason(), timeout: 10 * 60_000}, () => {
	let lab: Lab;
	let node: LabNode;
	let work: string;
	let home: string;
	let state: string;

	before(async () => {
		lab = await startSystemdNodes([
			{
				name: 'deb-audit',
				files: {
					'/usr/local/bin/kubelet': script('kubelet'),
					'/usr/local/bin/containerd': script('containerd'),
					'/usr/local/bin/runc': script('runc'),
					'/etc/kubernetes/kubelet.conf': {content: 'apiVersion: v1\nkind: Config\n', mode: 0o600},
					'/var/lib/kubelet/config.yaml': {content: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n'},
					'/etc/containerd/config.toml': {content: 'version = 2\n'},
					...(auditPackageFiles() as Record<string, never>),
				},
			},
		]);
		node = lab.nodes[0]!;
		work = fs.mkdtempSync(path.join(lab.dir, 'auditd-'));
		fs.chmodSync(work, 0o755);
		home = path.join(work, 'home');
		state = path.join(work, 'state');
		fs.mkdirSync(home);
	});

	after(async () => {
		await lab?.stop();
	});

	async function onNode(command: string): Promise<{code: number | null; stdout: string}> {
		const session: NodeShell = await connectNode(
			{name: node.name, address: node.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]},
			{knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, homeDir: home, sshConfigPath: null, connectSocket: (t) => lab.connectSocket(t)},
		);
		try {
			const result = await session.run(command, {sudo: true, timeoutMs: 120_000});
			return {code: result.code, stdout: result.stdout};
		} finally {
			session.close();
		}
	}

	async function cli(args: readonly string[]) {
		const envArgs = ['-u', 'SSH_AUTH_SOCK', '-u', 'KUBECONFIG', `HOME=${home}`, `AKS_HARDEN_STATE_DIR=${state}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...envArgs, process.execPath, binPath, ...args], {timeoutMs: 180_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}
	const ssh = () => ['--nodes', node.address, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];
	const sshOnly = () => ['--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];
	async function finding() {
		const result = await cli(['audit', ...ssh(), '--checks', 'host.auditd', '--format', 'json']);
		return (JSON.parse(result.stdout) as Report).findings.find((candidate) => candidate.checkId === 'host.auditd')!;
	}

	test('without the audit package: fail, and the fix is refused (the tool does not install packages)', async () => {
		const missing = await finding();
		assert.equal(missing.status, 'fail');
		assert.match(missing.message, /auditd is not installed/);
		assert.match(missing.message, /\/usr\/local\/bin\/kubelet \(kubelet binary\) is not watched/);
		const planPath = path.join(work, 'refused.json');
		const planned = await cli(['fix', '--plan', planPath, ...ssh(), '--checks', 'host.auditd']);
		assert.equal(planned.code, 0, planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'refused');
		assert.match(plan.reason ?? '', /auditd is not installed on the node: install the audit package/);
	});

	test('with auditd installed: the drop-in is written, merged by augenrules, the failed kernel load is reported; undo removes it', async () => {
		// Without the kernel audit subsystem auditd dies at once, and systemd keeps starting it again:
		// caught mid-restart it would look running. Stopped for the rest of the node's life, it is
		// what the test means: installed, not running.
		const installed = await onNode(`${INSTALL_AUDITD}; systemctl mask --runtime --now auditd >/dev/null 2>&1; systemctl is-active auditd`);
		assert.match(installed.stdout, /^install ok installed\n/);
		assert.notEqual(installed.stdout.split('\n')[1], 'active', 'auditd cannot run without the kernel audit subsystem');

		const stopped = await finding();
		assert.equal(stopped.status, 'fail');
		assert.match(stopped.message, /auditd is not running/);

		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, ...ssh(), '--checks', 'host.auditd']);
		assert.equal(planned.code, 0, planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready', JSON.stringify(plan, null, 2));
		assert.equal(plan.risk, 'guided');
		const change = plan.changes[0] as FileChange;
		assert.equal(change.path, DROP_IN);
		for (const watched of ['/usr/local/bin/kubelet', '/usr/local/bin/containerd', '/usr/local/bin/runc', '/etc/kubernetes', '/var/lib/kubelet/config.yaml', '/etc/containerd']) {
			assert.match(change.diff, new RegExp(`^\\+-w ${watched.replaceAll('/', '\\/').replaceAll('.', '\\.')} -p wa -k aks-harden$`, 'm'));
		}
		assert.ok(plan.notes.some((note) => /auditd is not running/.test(note)), plan.notes.join('\n'));
		assert.match(planned.stdout, /augenrules --load/);

		const applied = await cli(['fix', '--apply', planPath, ...sshOnly()]);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.match(applied.stderr, /validate: valid/);
		assert.match(applied.stderr, /reload: reload failed: augenrules --load exited 1/);
		// Why: the kernel refuses audit netlink to a container.
		assert.match((await onNode('auditctl -s 2>&1')).stdout, /audit support not in kernel|Cannot open netlink audit socket/);
		assert.match(applied.stdout, /reloading auditd failed/);
		assert.match(applied.stdout, /the check does not pass yet/);
		const onDisk = await onNode(`stat -c '%a %U %G' ${DROP_IN}; cat ${DROP_IN}; echo ---; cat /etc/audit/audit.rules`);
		assert.equal(onDisk.stdout.split('---\n')[0], `640 root root\n${change.content}`, 'mode 0640, content exactly as planned');
		assert.match(onDisk.stdout.split('---')[1]!, /^-w \/etc\/kubernetes -p wa -k aks-harden$/m, 'augenrules merged the drop-in into audit.rules');

		const written = await finding();
		assert.equal(written.status, 'fail');
		assert.match(written.message, /\/etc\/kubernetes \(Kubernetes configuration and PKI\) is not watched: a rule in \/etc\/audit\/rules.d has it, but it is not loaded/);

		const entry = fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)).find((candidate) => candidate.result === 'applied');
		assert.equal(entry.undo.type, 'file-remove');
		assert.equal(entry.undo.reload, 'auditd');
		const undone = await cli(['undo', entry.id, '--yes', ...sshOnly()]);
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.match(undone.stdout, /reloading auditd failed/);
		const after = await onNode(`test -e ${DROP_IN} && echo present || echo absent; grep -c aks-harden /etc/audit/audit.rules`);
		assert.equal(after.stdout, 'absent\n0\n', 'the drop-in is gone and augenrules merged the rules without it');
	});
});
