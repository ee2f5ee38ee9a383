import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseOpensslDate, parsePki, type PkiFacts} from '../../src/probes/pki.js';
import {marinerPkiExpired, marinerPkiHealthy} from '../../src/probes/fixtures/mariner-host.js';

function facts(output: string, now?: Date): PkiFacts {
	const parsed = parsePki(output, now);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as PkiFacts;
}

test('days left are counted from the node clock the probe printed', () => {
	const pki = facts(marinerPkiHealthy);
	assert.equal(pki.now, '2025-06-10T12:00:00.000Z');
	const ca = pki.certs.find((cert) => cert.path === '/etc/kubernetes/pki/ca.crt')!;
	assert.deepEqual(ca, {path: '/etc/kubernetes/pki/ca.crt', subject: 'CN = kubernetes', notAfter: '2034-03-02T09:15:31Z', daysLeft: 3186, expired: false, isCa: true});
	const leaf = pki.certs.find((cert) => cert.path === '/etc/kubernetes/pki/apiserver.crt')!;
	assert.deepEqual([leaf.daysLeft, leaf.expired, leaf.isCa], [2, false, false]);
	assert.equal(pki.certs.length, 10);
});

test('an injected now wins over the node clock', () => {
	const pki = facts(marinerPkiHealthy, new Date('2025-06-14T00:00:00Z'));
	const leaf = pki.certs.find((cert) => cert.path === '/etc/kubernetes/pki/apiserver.crt')!;
	assert.deepEqual([leaf.daysLeft, leaf.expired], [-1, true]);
	assert.equal(facts(marinerPkiExpired).certs.filter((cert) => cert.expired).length, 3);
});

test('recorded OpenSSL 3 output: a self-signed certificate without basicConstraints is still a CA', () => {
	const pki = facts('__AKH_SECTION__ now\n1795743955\n__AKH_SECTION__ find\n__AKH_SECTION__ cert /etc/kubernetes/pki/etcd/ca.crt\nnotAfter=Jun 15 01:40:22 2027 GMT\nsubject=CN = etcd-ca\nissuer=CN = etcd-ca\n');
	assert.deepEqual(pki.certs[0], {path: '/etc/kubernetes/pki/etcd/ca.crt', subject: 'CN = etcd-ca', notAfter: '2027-06-15T01:40:22Z', daysLeft: 199, expired: false, isCa: true});
});

test('a node without /etc/kubernetes/pki has no certificates, not an error', () => {
	assert.deepEqual(facts('__AKH_SECTION__ now\n1749556800\n__AKH_SECTION__ no-pki\n', new Date('2025-06-10T12:00:00Z')), {pkiDir: false, now: '2025-06-10T12:00:00.000Z', certs: [], unreadable: []});
});

test('unreadable files are listed; permission denied and a missing openssl are errors', () => {
	const pki = facts('__AKH_SECTION__ now\n1749556800\n__AKH_SECTION__ find\n__AKH_SECTION__ cert /etc/kubernetes/pki/x.crt\nCould not open file or uri for loading certificate from /etc/kubernetes/pki/x.crt\n');
	assert.deepEqual(pki.unreadable, [{path: '/etc/kubernetes/pki/x.crt', error: 'Could not open file or uri for loading certificate from /etc/kubernetes/pki/x.crt'}]);
	assert.deepEqual(parsePki('__AKH_SECTION__ now\n1749556800\n__AKH_SECTION__ find\nfind: ‘/etc/kubernetes/pki/etcd’: Permission denied\n'), {
		error: 'cannot read /etc/kubernetes/pki: find: ‘/etc/kubernetes/pki/etcd’: Permission denied',
	});
	assert.deepEqual(parsePki('__AKH_SECTION__ now\n1749556800\n__AKH_MISSING__ openssl\n'), {error: 'command not found: openssl'});
});

test('openssl dates, single-digit days included', () => {
	assert.equal(parseOpensslDate('Mar  2 09:15:31 2034 GMT')?.toISOString(), '2034-03-02T09:15:31.000Z');
	assert.equal(parseOpensslDate('Dec 31 23:59:59 2025 GMT')?.toISOString(), '2025-12-31T23:59:59.000Z');
	assert.equal(parseOpensslDate('31/12/2025'), undefined);
});
