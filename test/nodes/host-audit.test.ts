// The node audit end to end against real OpenSSH sshd test nodes: the real binary, run inside the
// lab's hub namespace, reaching each node over TCP with strict host-key checking.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {rootSkip, startLab, type Lab} from '../support/ssh-lab.js';
import {binPath, hasNoStack} from '../support/cli.js';
import type {Report} from '../../src/model/report.js';
import {targetKey} from '../../src/model/target.js';

const clean = {
	'/etc/ssh/sshd_config.d/10-hardening.conf': {content: 'PermitRootLogin no\nAllowTcpForwarding no\nGatewayPorts no\nPermitTunnel no\nClientAliveCountMax 3\nMaxAuthTries 4\nLoginGraceTime 60\nClientAliveInterval 300\nMaxSessions 10\nX11Forwarding no\nBanner /etc/issue.net\nMACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com\nCiphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr\nKexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp521\n', mode: 0o600},
	'/etc/containerd/config.toml': {content: 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  disable_tcp_service = true\n  stream_server_address = "127.0.0.1"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."contosoacr.azurecr.io"]\n  endpoint = ["https://contosoacr.azurecr.io"]\n', mode: 0o644},
	'/var/lib/kubelet/config.yaml': {content: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\nreadOnlyPort: 0\nstreamingConnectionIdleTimeout: 4h0m0s\nprotectKernelDefaults: true\npodPidsLimit: 4096\nrotateCertificates: true\n', mode: 0o600},
	'/etc/kubernetes/kubelet.conf': {content: 'apiVersion: v1\nkind: Config\n', mode: 0o600},
};
const bad = {
	...clean,
	'/etc/ssh/sshd_config.d/50-cloud-init.conf': {content: 'PasswordAuthentication yes\n'},
	'/etc/containerd/config.toml': {content: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://mirror.local:5000"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.local:5000".tls]\n  insecure_skip_verify = true\n', mode: 0o644},
	'/var/lib/kubelet/config.yaml': {content: clean['/var/lib/kubelet/config.yaml'].content.replace('readOnlyPort: 0', 'readOnlyPort: 10255'), mode: 0o600},
	'/etc/kubernetes/kubelet.conf': {content: 'apiVersion: v1\nkind: Config\n', mode: 0o644},
};
const baseUnits = ['ssh.service', 'cron.service'];
const hostile = 'x$(touch /tmp/akh-pwned-node);y';

let lab: Lab;
let work: string;
let report: Report;
let auditResult: {code: number; stderr: string};

function inHub(args: readonly string[], env: Record<string, string>) {
	return execa('ip', ['netns', 'exec', lab.hub, process.execPath, binPath, ...args], {reject: false, timeout: 180_000, env: {...env, NO_COLOR: '1'}});
}

before(async () => {
	if (rootSkip()) return;
	lab = await startLab({
		nodes: [
			{name: 'clean', files: clean, enabledUnits: baseUnits},
			{name: 'bad', files: bad, enabledUnits: [...baseUnits, 'cups.service']},
			{name: 'restricted', files: clean, enabledUnits: baseUnits, sudo: 'refused'},
			{name: hostile, files: clean, enabledUnits: baseUnits},
			{name: 'hung', hang: true},
			{name: 'rekeyed', files: clean, enabledUnits: baseUnits},
		],
	});
	work = mkdtempSync(join(tmpdir(), 'akh-host-audit-'));
	mkdirSync(join(work, 'home'));
	const byName = new Map(lab.nodes.map((node) => [node.name, node]));
	// A known_hosts where "rekeyed" has someone else's key: a changed host key.
	const knownHosts = readFileSync(lab.knownHostsPath, 'utf8');
	const rekeyed = byName.get('rekeyed')!;
	const other = byName.get('clean')!;
	const otherKey = other.hostKeyLine.split(' ').slice(1).join(' ');
	const lines = knownHosts.split('\n').map((line) => (line.startsWith(`${rekeyed.address} `) ? `${rekeyed.address} ${otherKey}` : line));
	writeFileSync(join(work, 'known_hosts'), lines.join('\n'));
	// Node names are data: the inventory carries the hostile one to its address.
	const inventory = {
		nodes: [
			...lab.nodes.map((node) => ({name: node.name, address: node.address})),
			{name: 'gone', address: lab.nodes[0]!.address.replace(/\.\d+$/, '.250')},
		],
	};
	writeFileSync(join(work, 'inventory.yaml'), stringify(inventory));
	const env = {HOME: join(work, 'home'), KUBECONFIG: join(work, 'none'), SSH_AUTH_SOCK: '', AKS_HARDEN_BASELINES: join(work, 'baselines'), PATH: process.env['PATH'] ?? ''};
	const ssh = ['--ssh-key', lab.clientKeyPath, '--known-hosts', join(work, 'known_hosts'), '--inventory', join(work, 'inventory.yaml')];
	// The clean node is the image's fresh node: its services become the baseline.
	const capture = await inHub(['baseline', 'capture', 'clean', ...ssh], env);
	assert.equal(capture.exitCode, 0, String(capture.stderr));
	const audit = await inHub(['audit', '--sections', 'host,images,certificates', '--timeout', '8s', '--format', 'json', ...ssh], env);
	auditResult = {code: audit.exitCode ?? -1, stderr: String(audit.stderr)};
	report = JSON.parse(String(audit.stdout)) as Report;
});

after(async () => {
	await lab?.stop();
});

const status = (check: string, node: string) => report.findings.find((f) => f.checkId === check && targetKey(f.target) === `node/${node}`);

test('known-bad files fail the matching checks; the clean node passes them', {skip: rootSkip()}, () => {
	assert.equal(auditResult.code, 1, auditResult.stderr);
	const wrong: string[] = [];
	for (const check of ['host.sshd-config', 'images.registry-tls', 'host.kubelet-config', 'host.file-permissions', 'host.services']) {
		if (status(check, 'bad')?.status !== 'fail') wrong.push(`${check} on bad: ${status(check, 'bad')?.status} ${status(check, 'bad')?.message}`);
		if (status(check, 'clean')?.status !== 'pass') wrong.push(`${check} on clean: ${status(check, 'clean')?.status} ${status(check, 'clean')?.message} ${status(check, 'clean')?.reason ?? ''}`);
	}
	assert.deepEqual(wrong, []);
	assert.match(JSON.stringify(status('host.sshd-config', 'bad')!.evidence), /passwordauthentication/);
	assert.match(JSON.stringify(status('images.registry-tls', 'bad')!.evidence), /http:\/\/mirror\.local:5000/);
	assert.match(JSON.stringify(status('host.services', 'bad')!.evidence), /cups/);
	assert.match(JSON.stringify(status('host.file-permissions', 'bad')!.evidence), /\/etc\/kubernetes\/kubelet\.conf/);
});

test('refused sudo: the findings that needed it are error "sudo refused", never pass or fail', {skip: rootSkip()}, () => {
	const finding = status('host.sshd-config', 'restricted');
	assert.equal(finding?.status, 'error');
	assert.match(finding!.reason ?? '', /sudo refused/);
	assert.equal(report.nodes.find((node) => node.name === 'restricted')?.reachable, true);
});

test('an unreachable node, a changed host key and a hung node: errors with the reason, the run completes', {skip: rootSkip()}, () => {
	const gone = report.nodes.find((node) => node.name === 'gone');
	assert.equal(gone?.reachable, false);
	assert.equal(status('host.sshd-config', 'gone')?.status, 'error');
	const rekeyed = report.nodes.find((node) => node.name === 'rekeyed');
	assert.equal(rekeyed?.reachable, false);
	assert.match(rekeyed!.error ?? '', /SHA256:[A-Za-z0-9+/]+.*SHA256:[A-Za-z0-9+/]+/, 'expected and presented fingerprints');
	const hung = status('host.sshd-config', 'hung');
	assert.equal(hung?.status, 'error');
	assert.ok(hasNoStack(auditResult.stderr));
});

test('a hostile node name is data: nothing ran from it', {skip: rootSkip()}, () => {
	assert.equal(existsSync('/tmp/akh-pwned-node'), false);
	assert.equal(status('host.sshd-config', hostile)?.status, 'pass');
});
