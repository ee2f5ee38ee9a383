import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { WINDOWS_AGENT_PIPE, candidateKeyPaths, defaultKeyPaths, loadKey, pickAgent } from '../../src/transports/ssh-keys.js';

const linux = { homeDir: '/home/op', platform: 'linux' as const, env: {} };
const windows = { homeDir: 'C:\\Users\\op', platform: 'win32' as const, env: { SystemDrive: 'D:' } };

describe('key candidates', () => {
  it('orders explicit keys, then ~/.ssh/config, then the defaults, each file once', () => {
    const list = candidateKeyPaths({ ...linux, explicit: ['/keys/a', '/home/op/.ssh/id_rsa'], configIdentityFiles: ['/keys/cfg', '/keys/a'] });
    assert.deepEqual(list, [
      { path: '/keys/a', source: 'explicit' },
      { path: '/home/op/.ssh/id_rsa', source: 'explicit' },
      { path: '/keys/cfg', source: 'ssh-config' },
      { path: '/home/op/.ssh/id_ed25519', source: 'default' },
      { path: '/home/op/.ssh/id_ecdsa', source: 'default' },
    ]);
  });

  it("adds AksHci's generated key on Windows", () => {
    assert.deepEqual(defaultKeyPaths(windows), [
      'C:\\Users\\op\\.ssh\\id_ed25519',
      'C:\\Users\\op\\.ssh\\id_ecdsa',
      'C:\\Users\\op\\.ssh\\id_rsa',
      'D:\\AksHci\\.ssh\\akshci_rsa',
    ]);
  });
});

describe('pickAgent', () => {
  const exists = (present: string[]) => (file: string) => present.includes(file);
  it('prefers an explicit socket, and null turns the agent off', () => {
    assert.equal(pickAgent({ ...linux, env: { SSH_AUTH_SOCK: '/run/a' } }, '/tmp/b', exists([])), '/tmp/b');
    assert.equal(pickAgent({ ...linux, env: { SSH_AUTH_SOCK: '/run/a' } }, null, exists(['/run/a'])), undefined);
  });

  it('uses SSH_AUTH_SOCK only when the socket exists', () => {
    assert.equal(pickAgent({ ...linux, env: { SSH_AUTH_SOCK: '/run/a' } }, undefined, exists(['/run/a'])), '/run/a');
    assert.equal(pickAgent({ ...linux, env: { SSH_AUTH_SOCK: '/run/a' } }, undefined, exists([])), undefined);
    assert.equal(pickAgent(linux, undefined, exists([])), undefined);
  });

  it("falls back to Windows' agent pipe, then Pageant", () => {
    assert.equal(pickAgent(windows, undefined, exists([WINDOWS_AGENT_PIPE])), WINDOWS_AGENT_PIPE);
    assert.equal(pickAgent(windows, undefined, exists([])), 'pageant');
  });
});

describe('loadKey', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akh-keys-'));
  const plain = path.join(dir, 'plain');
  const locked = path.join(dir, 'locked');
  fs.writeFileSync(plain, ssh2.utils.generateKeyPairSync('ed25519').private);
  fs.writeFileSync(locked, ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'pw', cipher: 'aes256-ctr', rounds: 4 }).private);
  const publicOnly = path.join(dir, 'public');
  fs.writeFileSync(publicOnly, ssh2.utils.generateKeyPairSync('ed25519').public);

  it('loads plain keys and reports missing, public-only and encrypted ones', async () => {
    assert.equal((await loadKey(plain)).kind, 'ok');
    assert.equal((await loadKey(path.join(dir, 'nope'))).kind, 'missing');
    assert.equal((await loadKey(publicOnly)).kind, 'invalid');
    assert.deepEqual(await loadKey(locked), { kind: 'encrypted', path: locked });
  });

  it('asks for a passphrase up to three times', async () => {
    const answers = ['x', 'y', 'pw'];
    assert.equal((await loadKey(locked, async () => answers.shift())).kind, 'ok');
    const wrong = ['a', 'b', 'c', 'pw'];
    assert.equal((await loadKey(locked, async () => wrong.shift())).kind, 'bad-passphrase');
    assert.equal((await loadKey(locked, async () => undefined)).kind, 'encrypted', 'declining leaves it encrypted');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
