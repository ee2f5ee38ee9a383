import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandPath, fileIncludeReader, parseProxyJump, resolveHostConfig, splitConfigLine } from '../../src/transports/ssh-config.js';

const home = { homeDir: '/home/op', localUser: 'op' };

describe('splitConfigLine', () => {
  it('accepts "Keyword value", "Keyword=value" and "Keyword = value"', () => {
    assert.deepEqual(splitConfigLine('Port 2222'), ['Port', '2222']);
    assert.deepEqual(splitConfigLine('Port=2222'), ['Port', '2222']);
    assert.deepEqual(splitConfigLine('  Port = 2222  '), ['Port', '2222']);
  });

  it('keeps quoted words together and drops comments', () => {
    assert.deepEqual(splitConfigLine('IdentityFile "~/My Keys/id_rsa" # work key'), ['IdentityFile', '~/My Keys/id_rsa']);
    assert.deepEqual(splitConfigLine('# Host *'), []);
    assert.deepEqual(splitConfigLine(''), []);
  });
});

describe('resolveHostConfig', () => {
  const config = `
# global defaults come first only if written first
Host moc-* !moc-skip
  User clouduser
  IdentityFile ~/.ssh/akshci_rsa
  ProxyJump admin@bastion.example:2200

Host 10.0.0.?
  HostName %h.nodes.example
  Port 2222
  IdentityFile %d/.ssh/ip_%h_key

host MOC-ABC
  user someone-else
  Port 22

Match host moc-abc
  IdentityFile ~/.ssh/match_key

Match exec "true"
  User from-exec

Host *
  User fallback
  Port 2200
  IdentityFile ~/.ssh/id_ed25519
  ProxyJump none
`;

  it('takes the first value obtained for each keyword', () => {
    const r = resolveHostConfig(config, 'moc-abc', home);
    assert.equal(r.user, 'clouduser');
    assert.equal(r.port, 22);
    assert.equal(r.proxyJump, 'admin@bastion.example:2200');
  });

  it('accumulates IdentityFile in order and expands ~', () => {
    const r = resolveHostConfig(config, 'moc-abc', home);
    assert.deepEqual(r.identityFiles, ['/home/op/.ssh/akshci_rsa', '/home/op/.ssh/match_key', '/home/op/.ssh/id_ed25519']);
  });

  it('honours negated patterns', () => {
    const r = resolveHostConfig(config, 'moc-skip', home);
    assert.equal(r.user, 'fallback');
    assert.equal(r.proxyJump, 'none');
    assert.deepEqual(r.identityFiles, ['/home/op/.ssh/id_ed25519']);
  });

  it('matches ? and expands %h and %d', () => {
    const r = resolveHostConfig(config, '10.0.0.4', home);
    assert.equal(r.hostName, '10.0.0.4.nodes.example');
    assert.equal(r.port, 2222);
    assert.deepEqual(r.identityFiles, ['/home/op/.ssh/ip_10.0.0.4.nodes.example_key', '/home/op/.ssh/id_ed25519']);
    assert.equal(resolveHostConfig(config, '10.0.0.44', home).port, 2200);
  });

  it('does not apply Match blocks it cannot evaluate', () => {
    assert.notEqual(resolveHostConfig(config, 'moc-abc', home).user, 'from-exec');
  });

  it('applies settings before the first Host to every host', () => {
    const r = resolveHostConfig('User early\nHost x\n  User late\n', 'x');
    assert.equal(r.user, 'early');
  });

  it('follows Include through the given reader', () => {
    const r = resolveHostConfig('Include conf.d/*\nHost *\n  Port 2200\n', 'moc-1', {
      ...home,
      include: (pattern) => (pattern === 'conf.d/*' ? ['Host moc-*\n  Port 2201\n  User clouduser\n'] : []),
    });
    assert.equal(r.port, 2201);
    assert.equal(r.user, 'clouduser');
  });

  it('returns an empty result for an unrelated host or an empty file', () => {
    assert.deepEqual(resolveHostConfig('', 'h'), { identityFiles: [] });
    assert.deepEqual(resolveHostConfig('Host other\n  User u\n', 'h'), { identityFiles: [] });
  });
});

describe('expandPath', () => {
  it('leaves unknown tokens and a missing home alone', () => {
    assert.equal(expandPath('~/.ssh/k', { host: 'h' }), '~/.ssh/k');
    assert.equal(expandPath('%%/%r/%x', { host: 'h', user: 'u' }), '%/u/%x');
  });
});

describe('parseProxyJump', () => {
  it('reads user@host:port hops and comma chains', () => {
    assert.deepEqual(parseProxyJump('admin@bastion:2200'), [{ user: 'admin', host: 'bastion', port: 2200 }]);
    assert.deepEqual(parseProxyJump('a@j1,j2:2022'), [{ user: 'a', host: 'j1' }, { host: 'j2', port: 2022 }]);
    assert.deepEqual(parseProxyJump('ssh://u@h:23'), [{ user: 'u', host: 'h', port: 23 }]);
  });

  it('reads bracketed and bare IPv6 addresses', () => {
    assert.deepEqual(parseProxyJump('[fd00::1]:2200'), [{ host: 'fd00::1', port: 2200 }]);
    assert.deepEqual(parseProxyJump('fd00::1'), [{ host: 'fd00::1' }]);
  });

  it('returns no hops for none and rejects garbage', () => {
    assert.deepEqual(parseProxyJump('none'), []);
    assert.throws(() => parseProxyJump('host:99999'), /cannot read jump host/);
    assert.throws(() => parseProxyJump('@host'), /cannot read jump host/);
  });
});

describe('fileIncludeReader', () => {
  it('reads relative includes under ~/.ssh and expands a wildcard in name order', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'akh-cfg-'));
    try {
      fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
      fs.writeFileSync(path.join(home, '.ssh', 'conf.d', '20-b.conf'), 'Host moc-*\n  Port 2202\n');
      fs.writeFileSync(path.join(home, '.ssh', 'conf.d', '10-a.conf'), 'Host moc-*\n  User clouduser\n');
      fs.writeFileSync(path.join(home, '.ssh', 'conf.d', 'skip.txt'), 'Host *\n  User nobody\n');
      const read = fileIncludeReader(home);
      assert.equal(read('conf.d/*.conf').length, 2);
      assert.deepEqual(read('missing/*'), []);
      const r = resolveHostConfig('Include conf.d/*.conf\n', 'moc-x', { homeDir: home, include: read });
      assert.equal(r.user, 'clouduser');
      assert.equal(r.port, 2202);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
