import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fileModesProbe, kindOf, parseFileModes, watchedPaths, type FileModesFacts} from '../../src/probes/file-modes.js';
import {marinerFileModesControlPlane, marinerFileModesWorkerKubeconfig644} from '../../src/probes/fixtures/mariner-host.js';

function facts(output: string): FileModesFacts {
	const parsed = parseFileModes(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as FileModesFacts;
}

test('stat lines become files with their kind; absent fixed paths are listed, unmatched globs dropped', () => {
	const modes = facts(marinerFileModesWorkerKubeconfig644);
	assert.deepEqual(
		modes.files.find((file) => file.path === '/etc/kubernetes/kubelet.conf'),
		{path: '/etc/kubernetes/kubelet.conf', mode: 644, owner: 'root', group: 'root', kind: 'kubelet-kubeconfig'},
	);
	assert.deepEqual(modes.files.find((file) => file.path === '/etc/shadow'), {path: '/etc/shadow', mode: 0, owner: 'root', group: 'root', kind: 'shadow'});
	assert.ok(modes.missing.includes('/etc/kubernetes/admin.conf'));
	assert.ok(!modes.missing.some((path) => path.includes('*')));
});

test('recorded on Debian: /etc/shadow 640 root:shadow, a group-readable mode written as 40', () => {
	const modes = facts('640 root shadow /etc/shadow\n40 root root /etc/gshadow\n644 root root /etc/kubernetes/pki/my ca.crt\n');
	assert.deepEqual(modes.files.map((file) => [file.path, file.mode, file.group, file.kind]), [
		['/etc/shadow', 640, 'shadow', 'shadow'],
		['/etc/gshadow', 40, 'root', 'gshadow'],
		['/etc/kubernetes/pki/my ca.crt', 644, 'root', 'other'],
	]);
});

test('control-plane keys, manifests and etcd keys get their kinds', () => {
	const modes = facts(marinerFileModesControlPlane);
	const kinds = new Map(modes.files.map((file) => [file.path, file.kind]));
	assert.equal(kinds.get('/etc/kubernetes/pki/etcd/server.key'), 'pki-key');
	assert.equal(kinds.get('/etc/kubernetes/manifests/kube-apiserver.yaml'), 'static-pod-manifest');
	assert.equal(kinds.get('/etc/ssh/sshd_config.d/50-cloud-init.conf'), 'sshd-config-dropin');
	assert.equal(kinds.get('/etc/ssh/ssh_host_ed25519_key'), 'ssh-host-key');
	assert.equal(kinds.get('/etc/ssh/ssh_host_ed25519_key.pub'), 'ssh-host-pubkey');
	assert.equal(kinds.get('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf'), 'kubelet-unit');
});

test('every watched path has a kind of its own and the script stats each', () => {
	for (const {path, kind} of watchedPaths) {
		assert.equal(kindOf(path.replaceAll('*', 'x')), kind, path);
		assert.ok(fileModesProbe.script.includes(path), path);
	}
});

test('errors: no stat, unreadable output', () => {
	assert.deepEqual(parseFileModes('__AKH_MISSING__ stat\n'), {error: 'command not found: stat'});
	assert.deepEqual(parseFileModes('stat: invalid option -- L\n'), {error: 'cannot read stat output: stat: invalid option -- L'});
});

test("the kubelet's files take the kind their section names, whatever their path", () => {
	const modes = facts([
		'644 root root /etc/passwd',
		'__AKH_SECTION__ kubelet kubelet-config',
		'600 root root /etc/kubernetes/kubelet/config.yaml',
		'__AKH_SECTION__ kubelet kubelet-config-dropin',
		'644 root root /etc/kubernetes/kubelet.conf.d/10-a.conf',
		'__AKH_SECTION__ kubelet kubelet-kubeconfig',
		'__AKH_MISSING__ /etc/kubernetes/kubelet-custom.conf',
		'__AKH_SECTION__ kubelet client-ca',
		'600 root root /etc/kubernetes/certs/ca.pem',
		'__AKH_SECTION__ kubelet not-a-kind',
		'600 root root /etc/kubernetes/pki/ca.crt',
		'',
	].join('\n'));
	assert.deepEqual(modes.files.map((file) => [file.path, file.kind]), [
		['/etc/passwd', 'passwd'],
		['/etc/kubernetes/kubelet/config.yaml', 'kubelet-config'],
		['/etc/kubernetes/kubelet.conf.d/10-a.conf', 'kubelet-config-dropin'],
		['/etc/kubernetes/certs/ca.pem', 'client-ca'],
		// An unknown tag does not make up a kind: the path decides, and this one is not judged.
		['/etc/kubernetes/pki/ca.crt', 'other'],
	]);
	assert.deepEqual(modes.missing, ['/etc/kubernetes/kubelet-custom.conf']);
});
