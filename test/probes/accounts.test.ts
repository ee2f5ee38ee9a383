import {test} from 'node:test';
import assert from 'node:assert/strict';
import {accountsProbe, parseAccounts, type AccountsFacts} from '../../src/probes/accounts.js';
import {marinerAccountsBad} from '../../src/probes/fixtures/mariner-host.js';

test('uid-0 accounts, empty passwords (names only) and key fingerprints', () => {
	const parsed = parseAccounts(marinerAccountsBad);
	assert.ok('facts' in parsed);
	const accounts = parsed.facts as AccountsFacts;
	assert.deepEqual(accounts.uid0, ['root', 'toor']);
	assert.deepEqual(accounts.emptyPassword, ['svc-backup']);
	assert.deepEqual(accounts.authorizedKeys[1], {user: 'clouduser', bits: 256, fingerprint: 'SHA256:Xc4bH7wE2o9kTz1u5yQm0Lr8sVnP3aJd6fGi2KhN4tU', comment: 'contractor@laptop', type: 'ED25519'});
});

test('ssh-keygen "no comment" and keys with options are fingerprints too', () => {
	const parsed = parseAccounts('__AKH_SECTION__ uid0\nroot\n__AKH_SECTION__ empty-password\n__AKH_SECTION__ authorized-keys\nroot 3072 SHA256:abc no comment (RSA)\n');
	assert.ok('facts' in parsed);
	assert.deepEqual((parsed.facts as AccountsFacts).authorizedKeys, [{user: 'root', bits: 3072, fingerprint: 'SHA256:abc', comment: 'no comment', type: 'RSA'}]);
});

test('an unreadable /etc/shadow is an error, never "no empty passwords"', () => {
	assert.deepEqual(parseAccounts('__AKH_SECTION__ uid0\nroot\n__AKH_SECTION__ empty-password\n__AKH_MISSING__ /etc/shadow\n__AKH_SECTION__ authorized-keys\n'), {
		error: 'cannot read /etc/shadow (needs root)',
	});
});

test('the snippet prints names only: never the password field', () => {
	assert.match(accountsProbe.script, /awk -F: '\$2 == "" \{print \$1\}' \/etc\/shadow/);
	assert.doesNotMatch(accountsProbe.script, /print \$2/);
});
