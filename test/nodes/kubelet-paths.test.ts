// The kubelet's files where its unit puts them, on a real OpenSSH test node: the probes read the
// unit's --config, --config-dir, --kubeconfig and the clientCAFile of the merged configuration,
// so host.file-permissions judges those files at their CIS 1.10 modes and host.kubelet-config
// judges the configuration with its drop-ins. No kubelet runs on a light node: the probes fall
// back to the systemd unit file, as they do on a node whose kubelet is stopped.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type {Report} from '../../src/model/report.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import {binPath} from '../support/cli.js';
import {rootSkip, startLab, type Lab} from '../support/ssh-lab.js';

const UNIT = [
	'[Service]',
	'Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/node/kubelet.kubeconfig"',
	'ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS --config=/etc/kubernetes/node/kubelet.yaml --config-dir=/etc/kubernetes/node/kubelet.conf.d',
	'',
].join('\n');
const CONFIG = [
	'apiVersion: kubelet.config.k8s.io/v1beta1',
	'kind: KubeletConfiguration',
	'authentication:',
	'  anonymous:',
	'    enabled: false',
	'  x509:',
	'    clientCAFile: /etc/kubernetes/pki/ca.crt',
	'authorization:',
	'  mode: Webhook',
	'readOnlyPort: 0',
	'rotateCertificates: true',
	'',
].join('\n');
// The later drop-in names another client CA and reopens the read-only port.
const DROP_IN_10 = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstreamingConnectionIdleTimeout: 4h0m0s\n';
const DROP_IN_20 = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: '/etc/kubernetes/node/client-ca.pem'\nreadOnlyPort: 10255\n";
const CERT = '-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n';

describe("the kubelet's own files, found from its unit, on a real node", {skip: rootSkip()}, () => {
	let lab: Lab;
	let work: string;

	before(async () => {
		lab = await startLab({
			nodes: [
				{
					name: 'moc-kubelet-paths',
					files: {
						'/etc/systemd/system/kubelet.service': {content: UNIT, mode: 0o600},
						'/etc/kubernetes/node/kubelet.yaml': {content: CONFIG, mode: 0o600},
						'/etc/kubernetes/node/kubelet.conf.d/10-idle.conf': {content: DROP_IN_10, mode: 0o600},
						'/etc/kubernetes/node/kubelet.conf.d/20-ca.conf': {content: DROP_IN_20, mode: 0o644},
						// Not a .conf file: the kubelet never reads it, so neither do the checks.
						'/etc/kubernetes/node/kubelet.conf.d/30-old.conf.bak': {content: 'readOnlyPort: 1\n', mode: 0o666},
						'/etc/kubernetes/node/kubelet.kubeconfig': {content: 'apiVersion: v1\nkind: Config\n', mode: 0o640},
						'/etc/kubernetes/node/client-ca.pem': {content: CERT, mode: 0o644},
						// The old fixed path, world-readable: no longer judged, the kubelet does not use it.
						'/etc/kubernetes/pki/ca.crt': {content: CERT, mode: 0o644},
						// The default paths hold stale copies the kubelet does not read.
						'/var/lib/kubelet/config.yaml': {content: CONFIG, mode: 0o644},
					},
				},
			],
		});
		work = fs.mkdtempSync(path.join(lab.dir, 'paths-'));
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
	const node = () => ['--nodes', lab.nodes[0]!.address, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];

	test('file-permissions names the files the unit points at; kubelet-config reads the drop-ins; the chmod plan follows those files; a kubelet plan the drop-in would defeat is refused naming it', async () => {
		const audit = await cli(['audit', ...node(), '--checks', 'host.file-permissions,host.kubelet-config', '--format', 'json']);
		assert.equal(audit.code, 1, audit.stderr);
		const findings = (JSON.parse(audit.stdout) as Report).findings;
		const modes = findings.find((finding) => finding.checkId === 'host.file-permissions')!;
		process.stdout.write(`${modes.message}\n`);
		assert.equal(modes.status, 'fail', modes.message);
		assert.match(modes.message, /\/etc\/kubernetes\/node\/client-ca\.pem 644 root:root \(want ≤600 root:root\)/, 'the client CA of the last drop-in, CIS 4.1.7');
		assert.match(modes.message, /\/etc\/kubernetes\/node\/kubelet\.conf\.d\/20-ca\.conf 644 root:root \(want ≤600/, 'the drop-in itself');
		assert.match(modes.message, /\/etc\/kubernetes\/node\/kubelet\.kubeconfig 640 root:root \(want ≤600/, 'the --kubeconfig of the unit, CIS 4.1.5');
		assert.doesNotMatch(modes.message, /10-idle\.conf|kubelet\.yaml|30-old|pki\/ca\.crt|\/var\/lib\/kubelet\/config\.yaml/, 'files at their mode, or not read by the kubelet, are not named');

		const kubelet = findings.find((finding) => finding.checkId === 'host.kubelet-config')!;
		process.stdout.write(`${kubelet.message}\n`);
		assert.equal(kubelet.status, 'fail', kubelet.message);
		assert.match(kubelet.message, /10255/, 'the read-only port the drop-in reopened');

		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, ...node(), '--checks', 'host.file-permissions']);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans.find((candidate) => candidate.playbooks.some((playbook) => playbook.id === 'host.file-modes'))!;
		assert.equal(plan.status, 'ready', plan.reason);
		const shown = JSON.stringify(plan.changes);
		for (const file of ['/etc/kubernetes/node/client-ca.pem', '/etc/kubernetes/node/kubelet.conf.d/20-ca.conf', '/etc/kubernetes/node/kubelet.kubeconfig']) assert.ok(shown.includes(file), `the plan changes ${file}`);
		assert.ok(!shown.includes('/etc/kubernetes/pki/ca.crt'), 'the unused old CA path is left alone');

		// The kubelet fix would edit --config, which already closes the port: the drop-in reopening
		// it is why the check fails, so the plan is refused naming it rather than restarting the
		// kubelet for nothing.
		const kubeletPlanPath = path.join(work, 'kubelet-plan.json');
		const kubeletPlanned = await cli(['fix', '--plan', kubeletPlanPath, ...node(), '--checks', 'host.kubelet-config']);
		assert.equal(kubeletPlanned.code, 0, kubeletPlanned.stdout + kubeletPlanned.stderr);
		const kubeletPlan = (JSON.parse(fs.readFileSync(kubeletPlanPath, 'utf8')) as PlanFile).plans[0]!;
		process.stdout.write(`${kubeletPlan.status}: ${kubeletPlan.reason}\n`);
		assert.equal(kubeletPlan.status, 'refused');
		assert.equal(kubeletPlan.reason, `${lab.nodes[0]!.address}: refused: /etc/kubernetes/node/kubelet.conf.d/20-ca.conf (a --config-dir drop-in) sets readOnlyPort and wins over /etc/kubernetes/node/kubelet.yaml: edit or remove it there too, or the check keeps failing`);

		const applied = await cli(['fix', '--apply', planPath, ...node()]);
		process.stdout.write(`${applied.stdout}\n`);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		const again = await cli(['audit', ...node(), '--checks', 'host.file-permissions', '--format', 'json']);
		const after = (JSON.parse(again.stdout) as Report).findings.find((finding) => finding.checkId === 'host.file-permissions')!;
		assert.equal(after.status, 'pass', after.message);
	});
});
