// The pure parts of fixes: format-aware edits, quoting, workload edits, and the remote file
// steps run against a local shell (the same scripts a node runs, minus sudo).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse as parseToml} from 'smol-toml';
import {editWorkload} from '../../src/fix/cluster/workload-edit.js';
import {editFile, setSshdKeywords, setSysctlKeys, setTomlKeys, setYamlKeys, sshdIncludes} from '../../src/fix/host/formats.js';
import {backupFile, readRemoteFile, renameOver, restoreFile, tempPathFor, writeTemp} from '../../src/fix/host/remote.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import {shellQuote} from '../../src/fix/shell-quote.js';
import {jsonDiff} from '../../src/fix/json-ops.js';
import type {KubeObject} from '../../src/model/kube.js';
import type {NodeShell} from '../../src/transports/ssh.js';
import {missing} from '../support/prerequisites.js';

test('sshd: a keyword is replaced where it is first set globally, new ones go before Match, comments stay', () => {
	const text = '# site policy\nPermitRootLogin yes   # legacy\nInclude /etc/ssh/sshd_config.d/*.conf\nMatch User backup\n  PasswordAuthentication yes\n';
	const out = setSshdKeywords(text, [{key: 'PermitRootLogin', value: 'no'}, {key: 'PasswordAuthentication', value: 'no'}]);
	assert.equal(out, '# site policy\nPermitRootLogin no\nInclude /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nMatch User backup\n  PasswordAuthentication yes\n');
	assert.deepEqual(sshdIncludes(text), [{pattern: '/etc/ssh/sshd_config.d/*.conf', line: 2}]);
	assert.deepEqual(sshdIncludes('Include sshd_config.d/*.conf\n'), [{pattern: '/etc/ssh/sshd_config.d/*.conf', line: 0}]);
	assert.match(editFile('sshd', undefined, [{key: 'X11Forwarding', value: 'no'}], 'host.sshd-hardening'), /^# Written by aks-harden .*\nX11Forwarding no\n$/);
});

test('sysctl, TOML and YAML keys are set in place', () => {
	assert.equal(setSysctlKeys('# keep\nnet.ipv4.tcp_syncookies=0\n', [{key: 'net.ipv4.tcp_syncookies', value: 1}, {key: 'kernel.randomize_va_space', value: 2}]), '# keep\nnet.ipv4.tcp_syncookies = 1\nkernel.randomize_va_space = 2\n');
	const toml = 'version = 2\n# CRI\n[plugins."io.containerd.grpc.v1.cri"]\n  disable_tcp_service = false  # was off\n\n[grpc]\n  address = "/run/containerd/containerd.sock"\n';
	const edited = setTomlKeys(toml, [
		{key: 'plugins."io.containerd.grpc.v1.cri".disable_tcp_service', value: true},
		{key: 'plugins."io.containerd.grpc.v1.cri".stream_server_address', value: '127.0.0.1'},
		{key: 'debug.level', value: 'info'},
	]);
	const parsed = parseToml(edited) as any;
	assert.equal(parsed.plugins['io.containerd.grpc.v1.cri'].disable_tcp_service, true);
	assert.equal(parsed.plugins['io.containerd.grpc.v1.cri'].stream_server_address, '127.0.0.1');
	assert.equal(parsed.debug.level, 'info');
	assert.equal(parsed.grpc.address, '/run/containerd/containerd.sock');
	assert.ok(edited.includes('# CRI\n'));
	const yaml = setYamlKeys('# kubelet\nauthentication:\n  anonymous:\n    enabled: true # bad\nreadOnlyPort: 10255\n', [{key: 'authentication.anonymous.enabled', value: false}, {key: 'readOnlyPort', value: 0}]);
	assert.equal(yaml, '# kubelet\nauthentication:\n  anonymous:\n    enabled: false # bad\nreadOnlyPort: 0\n');
});

test('shell quoting keeps any text one literal word', () => {
	for (const text of ["plain", "it's", '$(touch /tmp/akh-pwned)', 'a b\nc', '`id`;rm -rf /', "'\"\\"]) {
		const result = spawnSync('sh', ['-c', `printf %s ${shellQuote(text)}`], {encoding: 'utf8'});
		assert.equal(result.stdout, text);
	}
	assert.throws(() => shellQuote('a\0b'));
});

const deployment = (containers: Array<Record<string, unknown>>, podSecurity?: Record<string, unknown>): KubeObject => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: {name: 'web', namespace: 'shop'},
	spec: {replicas: 2, template: {spec: {...(podSecurity ? {securityContext: podSecurity} : {}), containers}}},
});

test('workload edits: per container, keeping what must stay, refusing what cannot be patched', () => {
	const playbooks = loadPlaybooks();
	const pb = (id: string) => playbooks.byId.get(id)!.playbook;
	const object = deployment([
		{name: 'app', image: 'a', securityContext: {capabilities: {add: ['NET_ADMIN', 'NET_BIND_SERVICE']}}, resources: {limits: {cpu: '2'}}},
		{name: 'side', image: 'b'},
	]);
	const caps = editWorkload(object, [{playbook: pb('isolation.drop-capabilities'), container: 'app', values: {}}]);
	assert.ok(caps.ok);
	assert.deepEqual((caps.after as any).spec.template.spec.containers[0].securityContext.capabilities, {add: ['NET_BIND_SERVICE'], drop: ['ALL']});
	assert.deepEqual(caps.patch, {spec: {template: {spec: {containers: [{name: 'app', securityContext: {capabilities: {add: ['NET_BIND_SERVICE'], drop: ['ALL']}}}]}}}});
	assert.deepEqual((caps.after as any).spec.template.spec.containers[1], {name: 'side', image: 'b'});

	const limits = editWorkload(object, [{playbook: pb('resources.set-limits'), container: 'app', values: {cpuLimit: '500m', memoryLimit: '256Mi'}}]);
	assert.ok(limits.ok);
	assert.deepEqual((limits.after as any).spec.template.spec.containers[0].resources.limits, {cpu: '2', memory: '256Mi'}, 'an existing limit stays');
	const missing = editWorkload(object, [{playbook: pb('resources.set-limits'), container: 'side', values: {}}]);
	assert.ok(!missing.ok && missing.status === 'needs-parameters');
	assert.deepEqual(missing.ok ? [] : missing.missing!.map((p) => p.name), ['cpuLimit', 'memoryLimit']);

	const root = deployment([{name: 'app', image: 'a'}], {runAsUser: 0});
	const needsUser = editWorkload(root, [{playbook: pb('isolation.run-as-non-root'), container: 'app', values: {}}]);
	assert.ok(!needsUser.ok && needsUser.status === 'needs-parameters', 'uid 0 needs a new runAsUser');
	const withUser = editWorkload(root, [{playbook: pb('isolation.run-as-non-root'), container: 'app', values: {runAsUser: 10001}}]);
	assert.ok(withUser.ok);
	assert.deepEqual((withUser.after as any).spec.template.spec.containers[0].securityContext, {runAsNonRoot: true, runAsUser: 10001});
	const noUser = editWorkload(deployment([{name: 'app', image: 'a'}]), [{playbook: pb('isolation.run-as-non-root'), container: 'app', values: {}}]);
	assert.ok(noUser.ok, 'without uid 0 the image\'s user is kept and runAsNonRoot alone is set');

	const pod: KubeObject = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'x'}, spec: {containers: [{name: 'app'}]}};
	const refusedPod = editWorkload(pod, [{playbook: pb('isolation.unprivileged'), container: 'app', values: {}}]);
	assert.ok(!refusedPod.ok && refusedPod.status === 'refused' && /bare Pod/.test(refusedPod.reason));
	const job: KubeObject = {apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'j', namespace: 'x'}, spec: {template: {spec: {containers: [{name: 'app'}]}}}};
	const refusedJob = editWorkload(job, [{playbook: pb('isolation.unprivileged'), container: 'app', values: {}}]);
	assert.ok(!refusedJob.ok && /cannot be changed once created/.test(refusedJob.reason));
	const debug = editWorkload(object, [{playbook: pb('isolation.unprivileged'), container: 'debugger-1', values: {}}]);
	assert.ok(!debug.ok && /ephemeral debug container/.test(debug.reason));
});

test('the inverse JSON patch turns the new state back into the old one', () => {
	const before = {spec: {a: 1, list: [{name: 'x', s: {p: true}}], gone: 'yes'}};
	const after = {spec: {a: 2, list: [{name: 'x', s: {p: false, q: 1}}]}};
	assert.deepEqual(jsonDiff(after, before), [
		{op: 'replace', path: '/spec/a', value: 1},
		{op: 'remove', path: '/spec/list/0/s/q'},
		{op: 'replace', path: '/spec/list/0/s/p', value: true},
		{op: 'add', path: '/spec/gone', value: 'yes'},
	]);
});

/** A "node" that is this machine's shell: the same scripts, run with `sh -s` and no sudo. */
function localSession(): NodeShell {
	return {
		async run(script) {
			const result = spawnSync('sh', ['-s'], {input: script, encoding: 'utf8'});
			return {stdout: result.stdout, stderr: result.stderr, code: result.status};
		},
		close() {},
	};
}

// The steps chown what they write to the file's owner, as they do on a node as root.
test('the remote file steps: backup, temp write proven by sha256, atomic rename, restore — with hostile names', {skip: missing('root')}, async () => {
	const folder = mkdtempSync(join(tmpdir(), "akh-remote-$(touch x) 'q' "));
	const file = join(folder, "sshd $(id).conf");
	writeFileSync(file, 'old\n', {mode: 0o640});
	const session = localSession();
	const read = await readRemoteFile(session, file);
	assert.ok(read.exists && read.content === 'old\n' && read.mode === '640');
	const backup = `${file}.aks-harden-20250101T000000Z.bak`;
	await backupFile(session, file, backup);
	assert.equal(await backupFile(session, file, backup), `${file}.aks-harden-20250101T000000Z-2.bak`, 'a backup is never overwritten: a second one in the same second gets its own name');
	const temp = tempPathFor(file);
	assert.doesNotMatch(temp, /\.conf$/, 'a temp file never matches an Include glob');
	const content = "new 'content' with $(dollars) and `ticks`\n\u00e9\n";
	await writeTemp(session, file, temp, content, '0600');
	assert.equal(readFileSync(temp, 'utf8'), content);
	assert.equal(statSync(temp).mode & 0o777, 0o640, 'the temp file has the mode of the file it replaces');
	assert.equal(readFileSync(file, 'utf8'), 'old\n', 'the file is untouched until the rename');
	await renameOver(session, temp, file);
	assert.equal(readFileSync(file, 'utf8'), content);
	assert.ok(!existsSync(temp));
	await restoreFile(session, file, backup);
	assert.equal(readFileSync(file, 'utf8'), 'old\n');
	assert.equal(readFileSync(backup, 'utf8'), 'old\n', 'the backup stays after a restore');
	assert.ok(!existsSync(join(folder, 'x')) && !existsSync('x'), 'nothing in a name was executed');
	const fresh = join(folder, 'new.conf');
	const freshTemp = tempPathFor(fresh);
	await writeTemp(session, fresh, freshTemp, 'x\n', '0600');
	assert.equal(statSync(freshTemp).mode & 0o777, 0o600, 'a new file gets the playbook\'s mode');
	await renameOver(session, freshTemp, fresh);
	await restoreFile(session, fresh, undefined);
	assert.ok(!existsSync(fresh), 'undoing a new file removes it');
	assert.deepEqual(readdirSync(folder).filter((name) => name.endsWith('.tmp')), []);
});
