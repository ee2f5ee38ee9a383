import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseSshd, sshdProbe} from '../../src/probes/sshd.js';
import {debianStockSshd, marinerSshdDump, marinerSshdPasswordDropIn, sshdNoPrivsepDir} from '../../src/probes/fixtures/mariner-sshd.js';

function facts(output: string): Record<string, unknown> {
	const parsed = parseSshd(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as Record<string, unknown>;
}

test('a recorded sshd -T (OpenSSH 9.2, Debian) becomes a keyword map', () => {
	const sshd = facts(debianStockSshd);
	assert.equal(sshd['permitrootlogin'], 'without-password');
	assert.equal(sshd['maxauthtries'], 6);
	assert.equal(sshd['logingracetime'], 120);
	assert.equal(sshd['loglevel'], 'INFO');
	assert.equal(sshd['streamlocalbindmask'], '0177', 'only known numeric keywords become numbers');
	assert.deepEqual(sshd['port'], [22]);
	assert.deepEqual(sshd['listenaddress'], ['[::]:22', '0.0.0.0:22']);
	assert.deepEqual(sshd['hostkey'], ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key']);
	assert.deepEqual(sshd['acceptenv'], ['LANG', 'LC_*']);
	assert.deepEqual(sshd['authorizedkeysfile'], ['.ssh/authorized_keys', '.ssh/authorized_keys2']);
	assert.ok((sshd['macs'] as string[]).includes('hmac-sha1'));
	assert.equal((sshd['ciphers'] as string[]).length, 6);
	assert.equal(sshd['subsystem'] instanceof Array, true);
});

test('a drop-in shows up as the effective value', () => {
	assert.equal(facts(marinerSshdDump())['passwordauthentication'], 'no');
	assert.equal(facts(marinerSshdPasswordDropIn)['passwordauthentication'], 'yes');
});

test('warnings before the dump do not invalidate it', () => {
	const sshd = facts(`/etc/ssh/sshd_config line 14: Deprecated option UsePrivilegeSeparation\n${marinerSshdDump()}`);
	assert.equal(sshd['permitrootlogin'], 'no');
});

test('sshd refusing to evaluate, or missing, is an error with the reason', () => {
	assert.deepEqual(parseSshd(sshdNoPrivsepDir), {error: 'sshd -T failed: Missing privilege separation directory: /run/sshd'});
	assert.deepEqual(parseSshd('__AKH_MISSING__ sshd\n'), {error: 'command not found: sshd'});
	assert.deepEqual(parseSshd('/etc/ssh/sshd_config: line 3: Bad configuration option: PermitRootLogn\n'), {
		error: 'sshd -T failed: /etc/ssh/sshd_config: line 3: Bad configuration option: PermitRootLogn',
	});
	assert.deepEqual(parseSshd(''), {error: 'sshd -T printed nothing'});
	assert.deepEqual(parseSshd('no hostkeys available -- exiting.\n'), {error: 'sshd -T failed: no hostkeys available -- exiting.'});
});

test('the probe needs root and prints sshd diagnostics into its output', () => {
	assert.equal(sshdProbe.needsSudo, true);
	assert.match(sshdProbe.script, /-T -C "\$spec" 2>&1/, 'Match blocks evaluated for the connection');
	assert.match(sshdProbe.script, /__AKH_MISSING__ sshd/);
});
