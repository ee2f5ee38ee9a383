// Host checks through Kubernetes on real SSH test nodes: the same nodes audited with
// --node-access ssh and --node-access kubernetes give the same findings. No kubelet or container
// runtime can run here: the in-process API server runs a probe pod's exec inside the test node's
// own namespaces (support/node-exec.ts), as the pod's `chroot /host` would on a real node.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {startApiServer, type ApiServer, type ForbiddenRule} from '../../src/demo/api-server.js';
import type {KubeObject} from '../../src/model/kube.js';
import type {Finding} from '../../src/model/finding.js';
import type {Report} from '../../src/model/report.js';
import {bridgeApiIntoHub} from '../support/api-bridge.js';
import {binPath} from '../support/cli.js';
import {labNodeExec} from '../support/node-exec.js';
import {rootSkip, startLab, type Lab} from '../support/ssh-lab.js';
import {nodeObject} from '../support/node-object.js';

const names = ['node-a', 'node-b'];


/**
 * What must agree between the two paths: which check, on what, with which status, message and
 * evidence. One evidence value differs by design: `sshd.connection` names the connection sshd's
 * Match blocks were judged for — the tool's own SSH connection, or through Kubernetes (no SSH
 * connection at all) an outside documentation address (probes/sshd.ts).
 */
function comparable(report: Report): string[] {
	return report.findings
		.filter((finding: Finding) => finding.section === 'host')
		.map((finding) => {
			const {['sshd.connection']: _connection, ...evidence} = (finding.evidence ?? {}) as Record<string, unknown>;
			return JSON.stringify({check: finding.checkId, target: finding.target, status: finding.status, message: finding.message, evidence});
		})
		.sort();
}

describe('nodes through Kubernetes on real SSH test nodes', {skip: rootSkip(), timeout: 5 * 60_000}, () => {
	let lab: Lab;
	let work: string;
	const servers: ApiServer[] = [];
	const bridges: Array<{close(): void}> = [];

	before(async () => {
		lab = await startLab({
			nodes: [
				{name: 'node-a', sudo: 'nopasswd', files: {'/etc/ssh/sshd_config.d/50-weak.conf': {content: 'PasswordAuthentication yes\nX11Forwarding yes\n'}}},
				{name: 'node-b', sudo: 'nopasswd'},
			],
		});
		work = fs.mkdtempSync(path.join(lab.dir, 'access-'));
		fs.chmodSync(work, 0o755);
		fs.mkdirSync(path.join(work, 'home'));
	});

	after(async () => {
		for (const bridge of bridges) bridge.close();
		for (const server of servers) await server.close();
		await lab?.stop();
	});

	/** A cluster whose nodes are the lab's (plus any extra), its exec running in the lab nodes. */
	async function cluster(name: string, options: {extraNodes?: readonly string[]; forbidden?: readonly ForbiddenRule[]; configz?: (node: string) => Record<string, unknown> | undefined} = {}) {
		const objects = [...lab.nodes.map((node) => nodeObject(node.name, node.address)), ...(options.extraNodes ?? []).map((node) => nodeObject(node, '10.255.0.1'))];
		const api = await startApiServer({objects, ...labNodeExec(lab), ...(options.forbidden ? {forbidden: options.forbidden} : {}), ...(options.configz ? {configz: options.configz} : {}), tokens: {'operator-token': 'operator'}});
		servers.push(api);
		bridges.push(await bridgeApiIntoHub(lab, api.port));
		const kubeconfig = path.join(work, `${name}.kubeconfig`);
		fs.writeFileSync(kubeconfig, api.kubeconfigYaml({token: 'operator-token'}), {mode: 0o600});
		return {api, kubeconfig};
	}

	async function audit(kubeconfig: string, args: readonly string[]) {
		const env = ['-u', 'SSH_AUTH_SOCK', `KUBECONFIG=${kubeconfig}`, `HOME=${path.join(work, 'home')}`, `AKS_HARDEN_STATE_DIR=${path.join(work, 'state')}`, 'NO_COLOR=1'];
		const ssh = ['--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];
		const result = await lab.runInHub('env', [...env, process.execPath, binPath, 'audit', '--sections', 'host', '--format', 'json', ...ssh, ...args], {timeoutMs: 180_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr, report: result.stdout.trim().startsWith('{') ? (JSON.parse(result.stdout) as Report) : undefined};
	}

	function leftovers(api: ApiServer): string[] {
		return [...api.store.all('Pod'), ...api.store.all('Namespace')].filter((object) => object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'aks-harden').map((object) => `${object.kind}/${object.metadata.name}`);
	}

	test('--node-access kubernetes and --node-access ssh give the same findings; nothing is left behind', async () => {
		const {api, kubeconfig} = await cluster('same');
		const viaSsh = await audit(kubeconfig, ['--node-access', 'ssh']);
		assert.ok(viaSsh.report, viaSsh.stderr);
		const pods: KubeObject[] = [];
		api.store.subscribe((event) => {
			if (event.type === 'ADDED' && event.object.kind === 'Pod') pods.push(structuredClone(event.object) as KubeObject);
		});
		const viaKube = await audit(kubeconfig, ['--node-access', 'kubernetes', '--allow-probe-pods']);
		assert.ok(viaKube.report, viaKube.stderr);
		assert.equal(viaKube.code, viaSsh.code, viaKube.stderr);
		const ssh = comparable(viaSsh.report);
		assert.ok(ssh.length >= names.length * 3, `host findings: ${ssh.length}`);
		assert.ok(ssh.some((line) => line.includes('"status":"fail"')), 'the weak sshd drop-in fails a check');
		assert.deepEqual(comparable(viaKube.report), ssh);
		const connection = (report: Report) => report.findings.find((finding) => finding.checkId === 'host.sshd-config')?.evidence?.['sshd.connection'];
		assert.match(String(connection(viaSsh.report)), /^user=clouduser,host=10\./);
		assert.equal(connection(viaKube.report), 'user=clouduser,host=203.0.113.10,addr=203.0.113.10');
		assert.deepEqual(viaSsh.report.nodes.map((node) => [node.name, node.access]), names.map((name) => [name, 'ssh']));
		assert.deepEqual(viaKube.report.nodes.map((node) => [node.name, node.access]), names.map((name) => [name, 'kubernetes']));
		// One probe pod per node was created in the tool's own namespace, and every one is gone.
		const created = api.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/namespaces/aks-harden-probes/pods');
		assert.equal(created.length, names.length);
		assert.deepEqual(leftovers(api), []);
		// The pods are the manifest `explain probe-pod` shows: pinned, every taint tolerated, the host read-only, a deadline.
		const explained = await lab.runInHub(process.execPath, [binPath, 'explain', 'probe-pod']);
		for (const pod of pods) {
			const spec = pod['spec'] as {nodeName: string; tolerations: unknown; activeDeadlineSeconds: number; containers: Array<{securityContext: unknown; volumeMounts: unknown}>; volumes: unknown};
			assert.ok(names.includes(spec.nodeName));
			assert.deepEqual(spec.tolerations, [{operator: 'Exists'}]);
			assert.ok(spec.activeDeadlineSeconds >= 60);
			assert.deepEqual(spec.containers[0]!.volumeMounts, [{name: 'host', mountPath: '/host', readOnly: true}, {name: 'scratch', mountPath: '/host/tmp'}]);
			assert.match(explained.stdout, /mountPath: \/host\n\s+readOnly: true/);
			assert.match(explained.stdout, /- operator: Exists/);
		}
	});

	test('Ctrl-C mid-run: the run says so, exits 130 and leaves no probe pod and no namespace', async () => {
		const {api, kubeconfig} = await cluster('interrupt', {extraNodes: ['node-slow']});
		const env = ['-u', 'SSH_AUTH_SOCK', `KUBECONFIG=${kubeconfig}`, `HOME=${path.join(work, 'home')}`, `AKS_HARDEN_STATE_DIR=${path.join(work, 'state')}`, 'NO_COLOR=1'];
		// ip netns exec, env and node each exec in place: the pid is the audit's own.
		const child = spawn('ip', ['netns', 'exec', lab.hub, 'env', ...env, process.execPath, binPath, 'audit', '--sections', 'host', '--format', 'json', '--node-access', 'kubernetes', '--allow-probe-pods', '--timeout', '60s', '--nodes', 'node-a,node-slow'], {stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
		// node-slow's pod never runs (nothing stands for its kubelet): interrupt while it waits.
		const deadline = Date.now() + 60_000;
		while (!api.store.all('Pod').some((pod) => pod.metadata.name.includes('node-slow'))) {
			assert.ok(Date.now() < deadline, `no probe pod for node-slow: ${stderr}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		child.kill('SIGINT');
		assert.equal(await exited, 130, stderr);
		assert.match(stderr, /audit interrupted: nothing was written/);
		assert.match(stderr, /deleting what this run created on the cluster/);
		assert.deepEqual(leftovers(api), []);
	});

	test('cleanup deletes the pods a killed run left and the namespace the tool created, and nothing else', async () => {
		const {api, kubeconfig} = await cluster('cleanup');
		const labels = {'app.kubernetes.io/managed-by': 'aks-harden'};
		api.store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'aks-harden-probes', labels: {...labels, 'aks-harden.io/created': 'true'}}} as KubeObject);
		api.store.put({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'aks-harden-probe-node-a-x-dead01', namespace: 'aks-harden-probes', labels: {...labels, 'aks-harden.io/probe': 'true', 'aks-harden.io/run': 'dead01'}}, spec: {nodeName: 'node-a', containers: [{name: 'probe', image: 'busybox'}]}} as KubeObject);
		api.store.put({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'operator-pod', namespace: 'aks-harden-probes'}, spec: {containers: [{name: 'app', image: 'busybox'}]}} as KubeObject);
		const env = [`KUBECONFIG=${kubeconfig}`, `HOME=${path.join(work, 'home')}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...env, process.execPath, binPath, 'cleanup']);
		assert.equal(result.exitCode, 0, result.stderr);
		assert.equal(result.stdout, '1 probe pod deleted; namespace aks-harden-probes deleted');
		assert.deepEqual(leftovers(api), []);
	});

	test('the inventory sends one node through Kubernetes and the other over SSH; .aks-harden.yaml names the probe namespace', async () => {
		const {api, kubeconfig} = await cluster('mixed');
		const dir = fs.mkdtempSync(path.join(work, 'mixed-'));
		const inventory = path.join(dir, 'inventory.yaml');
		fs.writeFileSync(inventory, 'nodes:\n  - name: node-b\n    access: kubernetes\n');
		const settings = path.join(dir, 'settings.yaml');
		fs.writeFileSync(settings, 'nodeAccess:\n  probeNamespace: ops-probes\n');
		const result = await audit(kubeconfig, ['--allow-probe-pods', '--inventory', inventory, '--waivers', settings]);
		assert.ok(result.report, result.stderr);
		assert.deepEqual(result.report.nodes.map((node) => [node.name, node.access]), [['node-a', 'ssh'], ['node-b', 'kubernetes']]);
		assert.deepEqual(api.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/pods')).map((request) => request.path), ['/api/v1/namespaces/ops-probes/pods']);
		assert.deepEqual(leftovers(api), []);
	});

	test('without --allow-probe-pods nothing is created, and with no node judged the audit fails closed saying why', async () => {
		const {api, kubeconfig} = await cluster('refused');
		const result = await audit(kubeconfig, ['--node-access', 'kubernetes']);
		assert.equal(result.code, 2, result.stderr);
		assert.match(result.stderr, /node node-a unreachable: probe pods are not allowed: rerun with --allow-probe-pods/);
		assert.match(result.stderr, /no node could be reached/);
		assert.equal(api.requests.filter((request) => request.method === 'POST').length, 0);
	});

	test('without probe pods, the kubelet is judged from its live configuration (configz) and nothing is created', async () => {
		// What a kubelet's /configz answers: the merged configuration (node-b's is the weak one).
		const kubelet = (node: string) => ({
			authentication: {anonymous: {enabled: node === 'node-b'}, webhook: {enabled: true}, x509: {clientCAFile: '/etc/kubernetes/pki/ca.crt'}},
			authorization: {mode: node === 'node-b' ? 'AlwaysAllow' : 'Webhook'},
			readOnlyPort: 0,
			streamingConnectionIdleTimeout: '5m0s',
			makeIPTablesUtilChains: true,
			rotateCertificates: true,
			protectKernelDefaults: true,
			eventRecordQPS: 5,
			tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
		});
		const {api, kubeconfig} = await cluster('configz', {configz: kubelet});
		const result = await audit(kubeconfig, ['--node-access', 'kubernetes']);
		assert.ok(result.report, result.stderr);
		assert.equal(api.requests.filter((request) => request.method === 'POST').length, 0, 'no pod, no namespace');
		assert.deepEqual(result.report.nodes.map((node) => [node.name, node.access]), names.map((name) => [name, 'configz']));
		const kubeletFindings = new Map(result.report.findings.filter((finding) => finding.checkId === 'host.kubelet-config').map((finding) => [(finding.target as {node: string}).node, finding]));
		assert.equal(kubeletFindings.get('node-a')?.status, 'pass', JSON.stringify(kubeletFindings.get('node-a')));
		assert.equal(kubeletFindings.get('node-b')?.status, 'fail');
		assert.match(kubeletFindings.get('node-b')!.message, /anonymous|AlwaysAllow/i);
		const others = result.report.findings.filter((finding) => finding.section === 'host' && finding.checkId !== 'host.kubelet-config');
		assert.ok(others.length > 0 && others.every((finding) => finding.status === 'error' && /--allow-probe-pods/.test(finding.message)));
	});

	test('without nodes/proxy (and no probe pods) the run says which permission is missing', async () => {
		const {kubeconfig} = await cluster('noproxy', {configz: () => ({}), forbidden: [{user: 'operator', resource: 'nodes/proxy'}]});
		const result = await audit(kubeconfig, ['--node-access', 'kubernetes', '--checks', 'host.kubelet-config']);
		// Nothing could be judged on any node: fail closed, each node's reason naming the permission.
		assert.equal(result.code, 2, result.stderr);
		for (const name of names) assert.match(result.stderr, new RegExp(`node ${name} unreachable: .*the kubelet's live configuration: forbidden: cannot get nodes/proxy`));
	});

	test('without pods/exec: the run completes, host checks are error naming the permission, nothing remains', async () => {
		const {api, kubeconfig} = await cluster('rbac', {forbidden: [{user: 'operator', resource: 'pods/exec'}]});
		const result = await audit(kubeconfig, ['--node-access', 'kubernetes', '--allow-probe-pods']);
		assert.ok(result.report, result.stderr);
		const host = result.report.findings.filter((finding) => finding.section === 'host' && finding.checkId !== 'host.kubelet-config');
		assert.ok(host.length > 0 && host.every((finding) => finding.status === 'error' && /pods\/exec/.test(finding.message)), JSON.stringify(host.map((f) => [f.checkId, f.status, f.message])));
		assert.notEqual(result.code, 2, 'errors are reported, not failed, unless asked');
		assert.deepEqual(leftovers(api), []);
		const strict = await audit(kubeconfig, ['--node-access', 'kubernetes', '--allow-probe-pods', '--fail-on-error']);
		assert.equal(strict.code, 2, strict.stderr);
		assert.match(strict.stderr, /findings could not be judged \(error\) and --fail-on-error is set/);
		assert.ok(strict.report, 'the report is still written');
	});

	test('a node that never runs its probe pod: its checks are error after --timeout, and its pod is deleted', async () => {
		const {api, kubeconfig} = await cluster('gone', {extraNodes: ['node-gone']});
		const result = await audit(kubeconfig, ['--node-access', 'kubernetes', '--allow-probe-pods', '--timeout', '3s', '--nodes', 'node-a,node-gone']);
		assert.ok(result.report, result.stderr);
		const gone = result.report.findings.filter((finding) => finding.section === 'host' && (finding.target as {node?: string}).node === 'node-gone');
		assert.ok(gone.length > 0 && gone.every((finding) => finding.status === 'error' && /did not run within 3 s/.test(finding.message)), JSON.stringify(gone.map((f) => [f.checkId, f.status, f.message])));
		const reached = result.report.findings.filter((finding) => finding.section === 'host' && (finding.target as {node?: string}).node === 'node-a');
		assert.ok(reached.some((finding) => finding.status !== 'error'));
		assert.deepEqual(leftovers(api), []);
	});
});
