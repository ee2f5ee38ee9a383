import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import ssh2 from 'ssh2';
import { connectNode, SshError, type SshOptions, type SshTarget } from '../../src/transports/ssh.js';
import { fingerprintOf, parsePublicKeyLine } from '../../src/transports/ssh-known-hosts.js';
import { rootSkip, startLab, type Lab, type LabNode } from '../support/ssh-lab.js';

const DROP_IN = '/etc/ssh/sshd_config.d/50-cloud.conf';

async function rejectsWith(promise: Promise<unknown>, kind: SshError['kind'], message?: RegExp): Promise<SshError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SshError, `expected SshError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'messages are one line');
    return error;
  }
  assert.fail(`expected an SshError of kind ${kind}`);
}

describe('ssh transport against real sshd nodes', { skip: rootSkip() }, () => {
  let lab: Lab;
  let home: string;
  let a: LabNode;
  let b: LabNode;
  let restricted: LabNode;
  let hang: LabNode;

  before(async () => {
    lab = await startLab({
      nodes: [
        { name: 'moc-a', files: { [DROP_IN]: { content: 'PermitRootLogin no\n' } } },
        { name: 'moc-b' },
        { name: 'moc-restricted', sudo: 'refused' },
        { name: 'moc-hang', hang: true },
      ],
    });
    [a, b, restricted, hang] = lab.nodes as [LabNode, LabNode, LabNode, LabNode];
    home = fs.mkdtempSync(path.join(lab.dir, 'home-'));
  });

  after(async () => {
    await lab?.stop();
  });

  const target = (node: LabNode, extra: Partial<SshTarget> = {}): SshTarget => ({
    name: node.name,
    address: node.address,
    port: node.port,
    user: lab.userName,
    keyPaths: [lab.clientKeyPath],
    ...extra,
  });

  const options = (extra: Partial<SshOptions> = {}): SshOptions => ({
    knownHostsPath: lab.knownHostsPath,
    acceptNewHostKeys: false,
    timeoutMs: 10_000,
    agentSocket: null,
    homeDir: home,
    sshConfigPath: null,
    connectSocket: (t) => lab.connectSocket(t),
    ...extra,
  });

  const knownHosts = (name: string, text: string) => {
    const file = path.join(lab.dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('connects, verifies the host key and runs a script with sudo on stdin', async () => {
    const session = await connectNode(target(a), options());
    try {
      const result = await session.run(`id -un\ncat ${DROP_IN}\nprintf 'err' >&2\nexit 3\n`, { sudo: true, timeoutMs: 5000 });
      assert.equal(result.code, 3);
      assert.equal(result.stderr, 'err');
      assert.match(result.stdout, /^root\nPermitRootLogin no\n$/);
      const plain = await session.run('id -un', { sudo: false, timeoutMs: 5000 });
      assert.equal(plain.stdout.trim(), 'clouduser');
      const again = await session.run('echo "$((6*7))"');
      assert.equal(again.stdout, '42\n');
    } finally {
      session.close();
    }
  });

  it('treats hostile node names as data', async () => {
    fs.rmSync('/tmp/pwned', { force: true });
    const name = 'x$(touch /tmp/pwned);y\nFAKE LINE';
    const session = await connectNode(target(a, { name }), options());
    const result = await session.run('echo ok', { sudo: true, timeoutMs: 5000 });
    session.close();
    assert.equal(result.stdout, 'ok\n');
    const error = await rejectsWith(connectNode(target(a, { name }), options({ knownHostsPath: knownHosts('kh-hostile', '') })), 'host-key-unknown');
    assert.ok(error.message.startsWith('x$(touch /tmp/pwned);y\\nFAKE LINE ('), error.message);
    assert.equal(fs.existsSync('/tmp/pwned'), false);
  });

  it('refuses an unknown host when headless', async () => {
    const empty = knownHosts('kh-empty', '');
    const error = await rejectsWith(connectNode(target(a), options({ knownHostsPath: empty })), 'host-key-unknown', /not in .*kh-empty/);
    assert.ok(error.message.includes(a.hostKeyFingerprint));
  });

  it('records an unknown host key with acceptNewHostKeys', async () => {
    const file = knownHosts('kh-accept', '# existing comment without newline');
    const session = await connectNode(target(a), options({ knownHostsPath: file, acceptNewHostKeys: true }));
    session.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[0], '# existing comment without newline');
    assert.equal(lines[1], a.hostKeyLine);
    const again = await connectNode(target(a), options({ knownHostsPath: file }));
    again.close();
  });

  it('asks onHostKey about unknown keys and honours its answer', async () => {
    const file = knownHosts('kh-ask', '');
    const asked: string[] = [];
    const once = await connectNode(target(b), options({
      knownHostsPath: file,
      onHostKey: async (info) => {
        asked.push(`${info.state} ${info.keyType} ${info.fingerprint}`);
        return 'accept-once';
      },
    }));
    once.close();
    assert.deepEqual(asked, [`unknown ssh-ed25519 ${b.hostKeyFingerprint}`]);
    assert.equal(fs.readFileSync(file, 'utf8'), '', 'accept-once writes nothing');
    await rejectsWith(connectNode(target(b), options({ knownHostsPath: file, onHostKey: async () => 'refuse' })), 'host-key-unknown');
    const remembered = await connectNode(target(b), options({ knownHostsPath: file, onHostKey: async () => 'accept-remember' }));
    remembered.close();
    assert.equal(fs.readFileSync(file, 'utf8'), `${b.hostKeyLine}\n`);
  });

  it('always refuses a changed host key and shows both fingerprints', async () => {
    const otherKey = b.hostKeyLine.split(' ').slice(1).join(' ');
    const file = knownHosts('kh-changed', `${a.address} ${otherKey}\n`);
    let asked = false;
    const error = await rejectsWith(
      connectNode(target(a), options({ knownHostsPath: file, acceptNewHostKeys: true, onHostKey: async () => { asked = true; return 'accept-remember'; } })),
      'host-key-changed',
    );
    assert.ok(error.message.includes(b.hostKeyFingerprint), error.message);
    assert.ok(error.message.includes(a.hostKeyFingerprint), error.message);
    assert.equal(asked, false);
    assert.equal(fs.readFileSync(file, 'utf8'), `${a.address} ${otherKey}\n`);
  });

  it('refuses a revoked host key', async () => {
    const file = knownHosts('kh-revoked', `@revoked * ${a.hostKeyLine.split(' ').slice(1).join(' ')}\n${a.hostKeyLine}\n`);
    await rejectsWith(connectNode(target(a), options({ knownHostsPath: file })), 'host-key-marker', /@revoked/);
  });

  it('reports a key the node does not accept as an auth error', async () => {
    const wrong = path.join(lab.dir, 'wrong_ed25519');
    fs.writeFileSync(wrong, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    await rejectsWith(connectNode(target(a, { keyPaths: [wrong] }), options()), 'auth', /accepted none of the keys/);
    await rejectsWith(connectNode(target(a, { keyPaths: [path.join(lab.dir, 'missing')] }), options()), 'auth', /no such file/);
  });

  it('reports a closed port as refused, both through a socket hook and over direct TCP', async () => {
    await rejectsWith(connectNode(target(a, { port: 2222 }), options()), 'refused');
    const direct = options();
    delete (direct as { connectSocket?: unknown }).connectSocket;
    const server = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rejectsWith(connectNode({ name: 'local', address: '127.0.0.1', port, user: 'clouduser', keyPaths: [lab.clientKeyPath] }, direct), 'refused');
  });

  it('reports a network with no route as unreachable and silence as a timeout', async () => {
    await rejectsWith(connectNode(target(a, { address: '192.0.2.1' }), options()), 'unreachable');
    const silent = a.address.replace(/\.\d+$/, '.250');
    const started = Date.now();
    await rejectsWith(connectNode(target(a, { address: silent }), options({ timeoutMs: 1000 })), 'timeout');
    assert.ok(Date.now() - started < 2500);
  });

  it('shows sudo refusal on a restricted node as the run result', async () => {
    const session = await connectNode(target(restricted), options());
    try {
      const result = await session.run('id -u', { sudo: true, timeoutMs: 5000 });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /password is required/);
      assert.equal(result.stdout, '');
    } finally {
      session.close();
    }
  });

  it('times out a node that hangs mid-output without holding the others', async () => {
    const [stuck, fine] = await Promise.all([connectNode(target(hang), options()), connectNode(target(b), options())]);
    try {
      const started = Date.now();
      const [hung, ok] = await Promise.allSettled([
        stuck.run('echo never', { sudo: true, timeoutMs: 1500 }),
        fine.run('sleep 0.2; echo done', { sudo: true, timeoutMs: 5000 }),
      ]);
      assert.equal(ok.status, 'fulfilled');
      assert.equal(ok.value.stdout, 'done\n');
      assert.equal(hung.status, 'rejected');
      const error = hung.reason as SshError;
      assert.equal(error.kind, 'timeout');
      assert.equal(error.partial?.stdout, 'partial-output');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1400 && elapsed < 3000, `took ${elapsed} ms`);
      const after = await fine.run('echo still', { sudo: false, timeoutMs: 5000 });
      assert.equal(after.stdout, 'still\n');
    } finally {
      stuck.close();
      fine.close();
    }
  });

  describe('encrypted keys', () => {
    let encrypted: string;
    before(async () => {
      encrypted = path.join(lab.dir, 'encrypted_ed25519');
      fs.copyFileSync(lab.clientKeyPath, encrypted);
      fs.chmodSync(encrypted, 0o600);
      await execa('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse', '-f', encrypted]);
    });

    it('fails headless with key-encrypted naming the file', async () => {
      await rejectsWith(connectNode(target(a, { keyPaths: [encrypted] }), options()), 'key-encrypted', /encrypted_ed25519.*ssh-agent/);
    });

    it('asks the passphrase callback once per key file and connects', async () => {
      const asked: string[] = [];
      const opts = options({ passphrase: async (file) => { asked.push(file); return asked.length === 1 ? 'wrong' : 'correct horse'; } });
      const first = await connectNode(target(a, { keyPaths: [encrypted] }), opts);
      const second = await connectNode(target(b, { keyPaths: [encrypted] }), opts);
      first.close();
      second.close();
      assert.deepEqual(asked, [encrypted, encrypted], 'a wrong answer is asked again, then the key is reused');
    });
  });

  describe('key discovery', () => {
    it('uses ~/.ssh/config IdentityFile and then ~/.ssh/id_ed25519', async () => {
      const configHome = fs.mkdtempSync(path.join(lab.dir, 'home-config-'));
      fs.mkdirSync(path.join(configHome, '.ssh'));
      fs.writeFileSync(path.join(configHome, '.ssh', 'config'), `Host ${a.address}\n  IdentityFile ${lab.clientKeyPath}\n`);
      const viaConfig = await connectNode(target(a, { keyPaths: [] }), options({ homeDir: configHome, sshConfigPath: undefined }));
      viaConfig.close();
      await rejectsWith(connectNode(target(b, { keyPaths: [] }), options({ homeDir: configHome, sshConfigPath: undefined })), 'auth', /no SSH key to offer/);
      fs.copyFileSync(lab.clientKeyPath, path.join(configHome, '.ssh', 'id_ed25519'));
      const viaDefault = await connectNode(target(b, { keyPaths: [] }), options({ homeDir: configHome, sshConfigPath: undefined }));
      viaDefault.close();
    });

    it('uses the SSH agent', async (t) => {
      const socket = path.join(lab.dir, 'agent.sock');
      const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      t.after(() => agent.kill());
      for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      await execa('ssh-add', ['-q', lab.clientKeyPath], { env: { SSH_AUTH_SOCK: socket } });
      const session = await connectNode(target(a, { keyPaths: [] }), options({ agentSocket: socket }));
      const result = await session.run('echo agent', { sudo: false, timeoutMs: 5000 });
      session.close();
      assert.equal(result.stdout, 'agent\n');
    });

    it('goes on to the next key when the agent is broken', async () => {
      const notAnAgent = path.join(lab.dir, 'not-an-agent');
      fs.writeFileSync(notAnAgent, '');
      const session = await connectNode(target(a), options({ agentSocket: notAnAgent }));
      session.close();
      await rejectsWith(connectNode(target(a, { keyPaths: [] }), options({ agentSocket: notAnAgent })), 'auth', /agent failed/);
    });
  });

  describe('jump hosts', () => {
    it('reaches a node through another one and still checks its host key', async () => {
      const session = await connectNode(target(b, { jump: target(a) }), options());
      try {
        const result = await session.run('hostname; echo "$SSH_CONNECTION"', { sudo: false, timeoutMs: 5000 });
        const [hostname, connection] = result.stdout.trim().split('\n');
        assert.equal(hostname, 'moc-b');
        assert.ok(connection?.startsWith(`${a.address} `), `the session comes from the jump host: ${connection}`);
      } finally {
        session.close();
      }
      const wrongTarget = knownHosts('kh-jump', `${a.hostKeyLine}\n${b.address} ${a.hostKeyLine.split(' ').slice(1).join(' ')}\n`);
      await rejectsWith(connectNode(target(b, { jump: target(a) }), options({ knownHostsPath: wrongTarget })), 'host-key-changed');
      await rejectsWith(connectNode(target(b, { port: 2222, jump: target(a) }), options()), 'refused', /via jump host/);
    });

    it('takes ProxyJump from ~/.ssh/config', async () => {
      const configHome = fs.mkdtempSync(path.join(lab.dir, 'home-jump-'));
      fs.mkdirSync(path.join(configHome, '.ssh'));
      fs.writeFileSync(path.join(configHome, '.ssh', 'config'), `Host moc-b\n  ProxyJump clouduser@${a.address}\n`);
      const session = await connectNode(target(b), options({ homeDir: configHome, sshConfigPath: undefined }));
      try {
        const result = await session.run('echo "$SSH_CONNECTION"', { sudo: false, timeoutMs: 5000 });
        assert.ok(result.stdout.startsWith(`${a.address} `), result.stdout);
      } finally {
        session.close();
      }
    });
  });

  it('prints fingerprints the way OpenSSH does for the lab keys', async () => {
    const parsed = parsePublicKeyLine(a.hostKeyLine.split(' ').slice(1).join(' '));
    assert.ok(parsed);
    assert.equal(fingerprintOf(parsed.keyBlob), a.hostKeyFingerprint);
    const file = path.join(lab.dir, 'fp.pub');
    fs.writeFileSync(file, `${a.hostKeyLine.split(' ').slice(1).join(' ')}\n`);
    const listed = await execa('ssh-keygen', ['-l', '-f', file]);
    assert.ok(listed.stdout.includes(a.hostKeyFingerprint), listed.stdout);
  });
});
