// The playbook catalogue: every playbook loads, every `playbook:` a check names exists and
// lists that check, risks and durabilities are where research §5 puts them, and a broken file
// is refused with its file, line and field.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog, packageRoot} from '../../src/catalog/load.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import {isForbiddenKey} from '../../src/fix/playbook.js';
import {UsageError} from '../../src/model/errors.js';

const catalog = loadCatalog();
const playbooks = loadPlaybooks(undefined, catalog);

test('every playbook a check names exists and lists that check', () => {
	const named = catalog.checks.filter(({check}) => check.playbook);
	assert.ok(named.length >= 18, `${named.length} checks name a playbook`);
	for (const {check} of named) {
		const loaded = playbooks.byId.get(check.playbook!);
		assert.ok(loaded, `${check.id} names ${check.playbook}, which exists`);
		assert.ok(loaded.playbook.fixes.includes(check.id), `${check.playbook} lists ${check.id}`);
	}
	for (const {playbook} of playbooks.byId.values()) {
		for (const id of playbook.fixes) assert.ok(catalog.byId.has(id), `${playbook.id} fixes ${id}, which exists`);
	}
});

test('risk and durability follow research §5: what is never automated says why and what to do instead', () => {
	const risk = (id: string) => playbooks.byId.get(id)?.playbook.risk;
	assert.equal(risk('host.services-disable'), 'guided', 'units a node does not need: shown, confirmed per unit, undoable');
	assert.equal(risk('isolation.rbac-never'), 'never');
	assert.equal(risk('host.kubelet-hardening'), 'guided');
	assert.equal(risk('images.registry-tls-manual'), 'manual');
	assert.equal(risk('host.containerd-config-manual'), 'manual');
	assert.equal(risk('isolation.default-deny-network-policy'), 'manual', 'a default-deny cuts traffic: shown, never applied');
	assert.equal(risk('isolation.unprivileged'), 'guided');
	assert.equal(risk('host.sshd-hardening'), 'guided');
	for (const {playbook} of playbooks.byId.values()) {
		const isHost = playbook.steps.some((step) => step.type === 'file-set' || step.type === 'file-mode') || playbook.id.startsWith('host.') || playbook.id === 'images.registry-tls-manual';
		assert.equal(playbook.durability, isHost ? 'ephemeral' : 'persistent', `${playbook.id} durability`);
		if (playbook.risk === 'manual' || playbook.risk === 'never') {
			assert.ok(playbook.why && playbook.instead, `${playbook.id} explains itself`);
		}
		if (playbook.risk === 'never') assert.equal(playbook.steps.length, 0);
	}
});

test('every fixable check in the catalogue maps to a playbook, explicitly or by its fixes list', () => {
	for (const id of ['host.packages', 'host.accounts', 'isolation.cluster-admin-bindings', 'secrets.etcd-encryption']) {
		assert.ok(playbooks.forFinding({checkId: id}), `${id} has a playbook`);
	}
});

test('keys pod networking and platform access depend on are never written', () => {
	for (const key of ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.ipv4.conf.all.rp_filter', 'net/ipv4/conf/eth0/rp_filter']) {
		assert.ok(isForbiddenKey('sysctl', key), key);
	}
	assert.ok(!isForbiddenKey('sysctl', 'net.ipv4.tcp_syncookies'));
	for (const key of ['AllowUsers', 'authorizedkeysfile', 'Match', 'Port']) assert.ok(isForbiddenKey('sshd', key), key);
	assert.ok(!isForbiddenKey('sshd', 'PasswordAuthentication'));
});

function rootWith(name: string, text: string): string {
	const root = mkdtempSync(join(tmpdir(), 'akh-playbooks-'));
	mkdirSync(join(root, 'playbooks'));
	writeFileSync(join(root, 'playbooks', name), text);
	return root;
}

const valid = `id: isolation.example
title: Example
fixes: [isolation.privileged]
risk: guided
durability: persistent
summary: s
steps:
  - type: workload-patch
    set:
      securityContext.privileged: false
`;

test('a broken playbook names its file, line and field', () => {
	const cases: Array<[string, RegExp]> = [
		[valid.replace('risk: guided', 'risk: sometimes'), /^playbooks\/isolation\.example\.yaml:4: risk: /],
		[valid.replace('    set:\n', '    sett:\n'), /^playbooks\/isolation\.example\.yaml:\d+: steps\.0: .*sett/],
		[valid.replace('durability: persistent', 'durability: ephemeral'), /isolation\.example\.yaml:\d+: durability: Kubernetes objects are persistent/],
		[valid.replace('risk: guided', 'risk: manual'), /isolation\.example\.yaml:\d+: why: a manual playbook says why/],
		[
			'id: host.example\ntitle: t\nfixes: [host.sysctl]\nrisk: guided\ndurability: ephemeral\nsummary: s\nsteps:\n  - type: file-set\n    format: sysctl\n    path: /etc/sysctl.d/x.conf\n    validate: sysctl\n    settings:\n      - {key: net.ipv4.ip_forward, value: 0}\n',
			/host\.example\.yaml:13: steps\.0\.settings\.0\.key: net\.ipv4\.ip_forward is never changed/,
		],
		[
			'id: host.example\ntitle: t\nfixes: [host.services]\nrisk: guided\ndurability: persistent\nsummary: s\nsteps:\n  - type: service-state\n',
			/host\.example\.yaml:\d+: durability: host edits are ephemeral/,
		],
		[
			'id: host.example\ntitle: t\nfixes: [host.services]\nrisk: guided\ndurability: ephemeral\nsummary: s\nsteps:\n  - type: service-state\n    state: stopped\n',
			/host\.example\.yaml:\d+: steps\.0\.state: /,
		],
		[
			'id: host.example\ntitle: t\nfixes: [host.sshd-config]\nrisk: guided\ndurability: ephemeral\nsummary: s\nsteps:\n  - type: file-set\n    format: sshd\n    path: /etc/ssh/x.conf\n    validate: sshd\n    settings:\n      - {key: X11Forwarding, value: "no", when: "sshd.(("}\n',
			/host\.example\.yaml:13: steps\.0\.settings\.0\.when: CEL/,
		],
	];
	for (const [text, expected] of cases) {
		const id = /^id: (\S+)/.exec(text)![1]!;
		assert.throws(() => loadPlaybooks(rootWith(`${id}.yaml`, text)), (error: unknown) => {
			assert.ok(error instanceof UsageError, String(error));
			assert.match(error.message, expected);
			return true;
		});
	}
});

test('a playbook fixing a check that does not exist, or a check naming a missing playbook, is refused', () => {
	// A catalogue of one check, isolation.privileged, which names isolation.unprivileged.
	const root = mkdtempSync(join(tmpdir(), 'akh-playbooks-checks-'));
	mkdirSync(join(root, 'checks', 'isolation'), {recursive: true});
	mkdirSync(join(root, 'playbooks'));
	copyFileSync(join(packageRoot, 'checks', 'platform-exceptions.yaml'), join(root, 'checks', 'platform-exceptions.yaml'));
	copyFileSync(join(packageRoot, 'checks', 'isolation', 'isolation.privileged.yaml'), join(root, 'checks', 'isolation', 'isolation.privileged.yaml'));
	const small = loadCatalog(root);
	assert.throws(() => loadPlaybooks(root, small), /checks\/isolation\/isolation\.privileged\.yaml:\d+: playbook: no playbook "isolation\.unprivileged"/);
	copyFileSync(join(packageRoot, 'playbooks', 'isolation.unprivileged.yaml'), join(root, 'playbooks', 'isolation.unprivileged.yaml'));
	assert.equal(loadPlaybooks(root, small).byId.size, 1);
	writeFileSync(join(root, 'playbooks', 'isolation.example.yaml'), valid.replace('fixes: [isolation.privileged]', 'fixes: [isolation.privileged, isolation.nope]'));
	assert.throws(() => loadPlaybooks(root, small), /playbooks\/isolation\.example\.yaml:3: fixes\.1: no check "isolation\.nope"/);
});

test('the services fix refuses protected units whatever a list says, and allows what a node does not need', async () => {
	const {protectedReason} = await import('../../src/fix/host/protected-units.js');
	for (const unit of ['sshd.service', 'ssh.service', 'ssh.socket', 'kubelet.service', 'containerd.service', 'mdsd.service', 'mocguestagent.service', 'himdsd.service', 'auditd.service', 'systemd-journald.service', 'systemd-journald.socket', 'chronyd.service', 'systemd-timesyncd.service', 'systemd-networkd.service', 'NetworkManager.service', 'systemd-logind.service', 'dbus.socket', 'getty@tty1.service']) {
		assert.ok(protectedReason(unit), `${unit} is protected`);
	}
	assert.match(protectedReason('sshd.service')!, /log collection and certificate repair/);
	for (const unit of ['avahi-daemon.service', 'avahi-daemon.socket', 'cups.service', 'telnet.socket', 'systemd-journal-gatewayd.socket', 'systemd-journal-remote.service', 'rpcbind.socket']) {
		assert.equal(protectedReason(unit), undefined, `${unit} may be masked`);
	}
});
