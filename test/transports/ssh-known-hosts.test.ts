import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { missing } from '../support/prerequisites.js';
import {
  checkHostKey,
  fingerprintOf,
  formatKnownHostsLine,
  hashHostName,
  hostLookupName,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  parsePublicKeyLine,
  patternListMatches,
  wildcardMatch,
} from '../../src/transports/ssh-known-hosts.js';

const newKey = (type: 'ed25519' | 'ecdsa' = 'ed25519') => {
  const pair = type === 'ed25519' ? ssh2.utils.generateKeyPairSync('ed25519') : ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const parsed = parsePublicKeyLine(pair.public);
  assert.ok(parsed);
  return parsed;
};

const a = newKey();
const b = newKey();
const c = newKey('ecdsa');
const b64 = (blob: Buffer) => blob.toString('base64');

describe('known_hosts parsing', () => {
  it('reads plain, bracketed, hashed and marker lines and skips comments', () => {
    const text = [
      '# a comment',
      '',
      `10.0.0.4,moc-abc ssh-ed25519 ${b64(a.keyBlob)} node one`,
      `[10.0.0.5]:2222 ssh-ed25519 ${b64(b.keyBlob)}`,
      `${hashHostName('10.0.0.6')} ecdsa-sha2-nistp256 ${b64(c.keyBlob)}`,
      `@revoked * ssh-ed25519 ${b64(b.keyBlob)}`,
      `@cert-authority *.example ssh-ed25519 ${b64(a.keyBlob)}`,
      '   ',
    ].join('\n');
    const { entries, errors } = parseKnownHosts(text);
    assert.deepEqual(errors, []);
    assert.equal(entries.length, 5);
    assert.deepEqual(entries.map((e) => e.line), [3, 4, 5, 6, 7]);
    assert.deepEqual(entries.map((e) => e.marker ?? null), [null, null, null, 'revoked', 'cert-authority']);
    assert.equal(entries[2]!.hosts.kind, 'hashed');
  });

  it('reports malformed lines with their numbers and keeps the rest', () => {
    const text = [
      `@bogus host ssh-ed25519 ${b64(a.keyBlob)}`,
      'host-only',
      'host ssh-ed25519 not!base64',
      `host ssh-rsa ${b64(a.keyBlob)}`,
      `|1|bad host ssh-ed25519 ${b64(a.keyBlob)}`,
      `good ssh-ed25519 ${b64(a.keyBlob)}`,
    ].join('\r\n');
    const { entries, errors } = parseKnownHosts(text);
    assert.deepEqual(errors.map((e) => e.line), [1, 2, 3, 4, 5]);
    assert.equal(entries.length, 1);
  });
});

describe('host matching', () => {
  it('matches wildcards case-insensitively and honours negation', () => {
    assert.ok(wildcardMatch('moc-ABC', 'moc-*'));
    assert.ok(wildcardMatch('10.0.0.4', '10.0.0.?'));
    assert.ok(!wildcardMatch('10.0.0.44', '10.0.0.?'));
    assert.ok(wildcardMatch('anything', '*'));
    assert.ok(wildcardMatch('a.b.c', '*.c'));
    assert.ok(!wildcardMatch('a.b.c', '*.d'));
    assert.ok(patternListMatches('10.0.0.4', ['10.0.0.*', '!10.0.0.5']));
    assert.ok(!patternListMatches('10.0.0.5', ['10.0.0.*', '!10.0.0.5']));
    assert.ok(!patternListMatches('10.0.0.5', ['!10.0.0.9']), 'negation alone never matches');
  });

  it('looks non-default ports up as [host]:port, like OpenSSH', () => {
    assert.equal(hostLookupName('10.0.0.4', 22), '10.0.0.4');
    assert.equal(hostLookupName('10.0.0.4', 2222), '[10.0.0.4]:2222');
    assert.equal(formatKnownHostsLine('10.0.0.4', 2222, a.keyBlob), `[10.0.0.4]:2222 ssh-ed25519 ${b64(a.keyBlob)}`);
  });
});

describe('checkHostKey', () => {
  const file = [
    `10.0.0.4 ssh-ed25519 ${b64(a.keyBlob)}`,
    `[10.0.0.5]:2222 ssh-ed25519 ${b64(b.keyBlob)}`,
    `${hashHostName('[10.0.0.6]:2200')} ecdsa-sha2-nistp256 ${b64(c.keyBlob)}`,
    `@revoked 10.0.0.7 ssh-ed25519 ${b64(b.keyBlob)}`,
    `10.0.0.7 ssh-ed25519 ${b64(b.keyBlob)}`,
    `@cert-authority 10.1.* ssh-ed25519 ${b64(a.keyBlob)}`,
  ].join('\n');
  const { entries } = parseKnownHosts(file);

  it('knows the recorded key, including on a non-default port and in hashed form', () => {
    assert.deepEqual(checkHostKey(entries, '10.0.0.4', 22, a.keyBlob), { state: 'known', line: 1 });
    assert.deepEqual(checkHostKey(entries, '10.0.0.5', 2222, b.keyBlob), { state: 'known', line: 2 });
    assert.deepEqual(checkHostKey(entries, '10.0.0.6', 2200, c.keyBlob), { state: 'known', line: 3 });
  });

  it('treats port 22 and other ports as different hosts', () => {
    assert.equal(checkHostKey(entries, '10.0.0.5', 22, b.keyBlob).state, 'unknown');
    assert.equal(checkHostKey(entries, '10.0.0.4', 2222, a.keyBlob).state, 'unknown');
  });

  it('reports a changed key with the expected fingerprint', () => {
    const verdict = checkHostKey(entries, '10.0.0.4', 22, b.keyBlob);
    assert.equal(verdict.state, 'changed');
    assert.ok(verdict.state === 'changed');
    assert.deepEqual(verdict.expected, [{ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(a.keyBlob), line: 1 }]);
  });

  it('refuses a revoked key even when a plain line also lists it', () => {
    assert.deepEqual(checkHostKey(entries, '10.0.0.7', 22, b.keyBlob), { state: 'revoked', line: 4 });
  });

  it('flags hosts covered only by a @cert-authority line', () => {
    assert.deepEqual(checkHostKey(entries, '10.1.2.3', 22, c.keyBlob), { state: 'cert-authority', line: 6 });
  });

  it('lists known key types so the client can ask for them first', () => {
    assert.deepEqual(knownKeyTypes(entries, '10.0.0.6', 2200), ['ecdsa-sha2-nistp256']);
    assert.deepEqual(knownKeyTypes(entries, '10.9.9.9', 22), []);
  });
});

describe('fingerprints', () => {
  it('prints SHA256 fingerprints exactly as OpenSSH does', () => {
    const expected = `SHA256:${createHash('sha256').update(a.keyBlob).digest('base64').replace(/=+$/, '')}`;
    assert.equal(fingerprintOf(a.keyBlob), expected);
    assert.ok(!fingerprintOf(a.keyBlob).endsWith('='));
    assert.equal(keyTypeOf(a.keyBlob), 'ssh-ed25519');
    assert.equal(keyTypeOf(Buffer.from([0, 0])), undefined);
  });

  it('hashes host names with HMAC-SHA1 as ssh-keygen -H does', () => {
    const salt = Buffer.alloc(20, 7);
    const line = hashHostName('10.0.0.4', salt);
    assert.match(line, /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/);
    assert.equal(line, hashHostName('10.0.0.4', salt));
    assert.notEqual(line, hashHostName('10.0.0.5', salt));
  });
});

describe('interoperability with ssh-keygen', { skip: missing('ssh-keygen') }, () => {
  it('matches entries hashed by the real ssh-keygen -H', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execa } = await import('execa');
    const dir = mkdtempSync(join(tmpdir(), 'akh-kh-'));
    try {
      const file = join(dir, 'known_hosts');
      writeFileSync(file, `10.0.0.4 ssh-ed25519 ${b64(a.keyBlob)}\n[10.0.0.5]:2222 ssh-ed25519 ${b64(b.keyBlob)}\n`);
      await execa('ssh-keygen', ['-H', '-f', file]);
      const { entries } = parseKnownHosts(readFileSync(file, 'utf8'));
      assert.ok(entries.every((e) => e.hosts.kind === 'hashed'));
      assert.equal(checkHostKey(entries, '10.0.0.4', 22, a.keyBlob).state, 'known');
      assert.equal(checkHostKey(entries, '10.0.0.5', 2222, b.keyBlob).state, 'known');
      assert.equal(checkHostKey(entries, '10.0.0.4', 22, b.keyBlob).state, 'changed');
      const listed = await execa('ssh-keygen', ['-l', '-f', file]);
      assert.ok(listed.stdout.includes(fingerprintOf(a.keyBlob)), listed.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
