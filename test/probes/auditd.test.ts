import {test} from 'node:test';
import assert from 'node:assert/strict';
import {covers, parseAuditd, watchesOf, type AuditdFacts} from '../../src/probes/auditd.js';
import {debianAuditdAbsent, marinerAuditdNotLoaded, marinerAuditdStock, marinerAuditdWatched} from '../../src/probes/fixtures/mariner-auditd.js';

function facts(output: string): AuditdFacts {
	const parsed = parseAuditd(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as AuditdFacts;
}

test('watches: -w with and without -p, syscall rules on path= and dir=, directories cover what is under them', () => {
	assert.deepEqual(watchesOf('-w /etc/kubernetes/ -p wa -k k8s'), [{path: '/etc/kubernetes', perms: 'wa'}]);
	assert.deepEqual(watchesOf('-w /usr/bin/runc -k docker'), [{path: '/usr/bin/runc', perms: 'rwxa'}]);
	assert.deepEqual(watchesOf('-a always,exit -F arch=b64 -S all -F path=/usr/bin/kubelet -F perm=wa -F key=kubelet'), [{path: '/usr/bin/kubelet', perms: 'wa'}]);
	assert.deepEqual(watchesOf('-a always,exit -F dir=/etc/containerd -F perm=rwa'), [{path: '/etc/containerd', perms: 'rwa'}]);
	assert.deepEqual(watchesOf('-b 8192'), []);
	assert.ok(covers([{path: '/etc/kubernetes', perms: 'wa'}], '/etc/kubernetes/pki'));
	assert.ok(!covers([{path: '/etc/kube', perms: 'wa'}], '/etc/kubernetes'), 'a prefix of the name is not a parent folder');
	assert.ok(!covers([{path: '/etc/kubernetes', perms: 'r'}], '/etc/kubernetes'), 'a read-only watch misses tampering');
});

test('a node with its rules loaded, one with the stock rules, one with a rules file never loaded', () => {
	const watched = facts(marinerAuditdWatched);
	assert.equal(watched.installed, true);
	assert.equal(watched.running, true);
	assert.deepEqual(watched.required.map((r) => r.path), ['/usr/bin/kubelet', '/usr/bin/containerd', '/usr/bin/runc', '/etc/kubernetes', '/var/lib/kubelet/config.yaml', '/etc/systemd/system/kubelet.service.d', '/etc/containerd']);
	assert.ok(watched.required.every((r) => r.loaded && r.configured));
	assert.deepEqual(watched.ruleFiles, ['/etc/audit/rules.d/audit.rules', '/etc/audit/rules.d/50-aks-harden.rules']);
	const stock = facts(marinerAuditdStock);
	assert.deepEqual(stock.loaded, [], '"No rules" is an empty list, not a rule');
	assert.ok(stock.required.every((r) => !r.loaded && !r.configured));
	const unloaded = facts(marinerAuditdNotLoaded);
	assert.ok(unloaded.required.every((r) => !r.loaded && r.configured));
});

test('no audit package, or auditctl refusing', () => {
	const absent = facts(debianAuditdAbsent);
	assert.equal(absent.installed, false);
	assert.equal(absent.loaded, null);
	assert.equal(absent.loadedError, 'auditctl is not installed');
	const refused = facts('__AKH_SECTION__ daemon\ninstalled yes\nactive failed\nprocess no\n__AKH_SECTION__ loaded 1\nError sending rule list data request (Operation not permitted)\n__AKH_SECTION__ paths\n');
	assert.equal(refused.running, false);
	assert.equal(refused.loaded, null);
	assert.match(refused.loadedError ?? '', /Operation not permitted/);
	assert.deepEqual(parseAuditd(''), {error: 'the auditd probe printed nothing'});
});
