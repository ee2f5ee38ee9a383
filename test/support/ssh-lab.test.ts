import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { missing, sshLabNeeds } from './prerequisites.js';
import { rootSkip, startLab, type Lab } from './ssh-lab.js';
import { reapStaleLabs } from './lab-cleanup.js';

const HOSTILE = 'x$(touch /tmp/pwned);y';
const DROP_IN = '/etc/ssh/sshd_config.d/50-cloud.conf';

describe('ssh lab (real sshd nodes)', { skip: rootSkip() }, () => {
  let lab: Lab | undefined;

  before(async () => {
    fs.rmSync('/tmp/pwned', { force: true });
    lab = await startLab({
      nodes: [
        {
          name: 'moc-alpha',
          files: {
            [DROP_IN]: { content: 'PermitRootLogin no\nX11Forwarding no\n' },
            '/etc/containerd/config.toml': { content: 'version = 2\n' },
            '/var/lib/kubelet/config.yaml': { content: 'kind: KubeletConfiguration\n', mode: 0o600 },
            '/etc/kubernetes/kubelet.conf': { content: 'apiVersion: v1\n', mode: 0o600 },
          },
          enabledUnits: ['kubelet.service', 'containerd.service'],
        },
        { name: 'moc-restricted', sudo: 'refused' },
        { name: HOSTILE },
      ],
    });
  });

  after(async () => {
    await lab?.stop();
  });

  const ssh = (l: Lab, address: string, command: string[], knownHosts = l.knownHostsPath) =>
    l.runInHub('ssh', [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'ConnectTimeout=5',
      '-i', l.clientKeyPath,
      '-l', l.userName,
      address,
      '--',
      ...command,
    ]);

  it('serves each node its own files over real OpenSSH with strict host key checking', async (t) => {
    if (!lab) return t.skip('no lab');
    const [alpha, restricted] = lab.nodes;
    const read = await ssh(lab, alpha!.address, ['sudo', '-n', 'cat', DROP_IN, '/var/lib/kubelet/config.yaml', '/etc/kubernetes/kubelet.conf']);
    assert.equal(read.exitCode, 0, read.stderr);
    assert.match(read.stdout, /PermitRootLogin no/);
    assert.match(read.stdout, /KubeletConfiguration/);
    const other = await ssh(lab, restricted!.address, ['cat', '/etc/containerd/config.toml']);
    assert.notEqual(other.exitCode, 0, 'fixtures of one node must not leak into another');
    const units = await ssh(lab, alpha!.address, ['systemctl', 'is-enabled', 'kubelet.service', 'containerd.service', 'cron.service']);
    assert.deepEqual(units.stdout.trim().split('\n').slice(0, 2), ['enabled', 'enabled']);
    assert.ok(!fs.existsSync('/etc/containerd/config.toml') || !fs.readFileSync('/etc/containerd/config.toml', 'utf8').startsWith('version = 2\n'));
  });

  it('refuses a node whose host key is not the recorded one', async (t) => {
    if (!lab) return t.skip('no lab');
    const [alpha, restricted] = lab.nodes;
    const wrong = path.join(lab.dir, 'wrong_known_hosts');
    fs.writeFileSync(wrong, `${alpha!.address} ${restricted!.hostKeyLine.split(' ').slice(1).join(' ')}\n`);
    const result = await ssh(lab, alpha!.address, ['true'], wrong);
    assert.equal(result.exitCode, 255);
    assert.match(result.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    const empty = path.join(lab.dir, 'empty_known_hosts');
    fs.writeFileSync(empty, '');
    const unknown = await ssh(lab, alpha!.address, ['true'], empty);
    assert.equal(unknown.exitCode, 255);
    assert.match(unknown.stderr, /No ED25519 host key is known/);
  });

  it('refuses sudo on a restricted node the way AKS hybrid does', async (t) => {
    if (!lab) return t.skip('no lab');
    const result = await ssh(lab, lab.nodes[1]!.address, ['sudo', '-n', 'true']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /a password is required/);
    const plain = await ssh(lab, lab.nodes[1]!.address, ['id', '-un']);
    assert.equal(plain.stdout.trim(), 'clouduser');
  });

  it('treats a hostile node name as data', async (t) => {
    if (!lab) return t.skip('no lab');
    const hostile = lab.nodes[2]!;
    assert.equal(hostile.name, HOSTILE);
    const result = await ssh(lab, hostile.address, ['hostname']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout.trim(), /^[a-z0-9-]+$/);
    assert.equal(fs.existsSync('/tmp/pwned'), false);
  });

  it('reaches nodes from the root namespace through the hub socket', async (t) => {
    if (!lab) return t.skip('no lab');
    const socket = await lab.connect(lab.nodes[0]!.address, 22);
    const banner = await new Promise<string>((resolve) => {
      socket.once('data', (b: Buffer) => resolve(b.toString('latin1')));
      socket.resume();
    });
    socket.destroy();
    assert.match(banner, /^SSH-2\.0-OpenSSH/);
    await assert.rejects(lab.connect(lab.nodes[0]!.address, 2222), { code: 'ECONNREFUSED' });
  });

  it('removes its namespaces and files on stop', async (t) => {
    if (!lab) return t.skip('no lab');
    const { hub, dir } = lab;
    await lab.stop();
    const list = await execa('ip', ['netns', 'list']);
    assert.ok(!list.stdout.includes(hub.replace(/-hub$/, '')), list.stdout);
    assert.equal(fs.existsSync(dir), false);
    assert.equal(fs.existsSync('/tmp/pwned'), false);
  });
});

describe('ssh lab clean-up and latency', { skip: missing(...sshLabNeeds, 'python3') }, () => {
  const labModule = fileURLToPath(new URL('./ssh-lab.ts', import.meta.url));
  const namespaces = async () => (await execa('ip', ['netns', 'list'])).stdout;

  // A child process starts a lab and reports its id; the parent then ends it by a signal.
  async function labInChild(): Promise<{ child: ChildProcess; exited: Promise<unknown>; id: string }> {
    const script = `const { startLab } = await import(${JSON.stringify(labModule)});
const lab = await startLab({ nodes: [{ name: 'crash' }] });
console.log(lab.id);
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const id = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', () => reject(new Error('lab child exited early')));
    });
    assert.match(id, /^[0-9a-f]{6}$/);
    assert.ok((await namespaces()).includes(`akh-${id}-n1`));
    return { child, exited, id };
  }

  it('cleans up on SIGINT', async () => {
    const { child, exited, id } = await labInChild();
    child.kill('SIGINT');
    await exited;
    assert.ok(!(await namespaces()).includes(`akh-${id}-`));
    assert.equal(fs.existsSync(`/tmp/akh-labs/${id}`), false);
  });

  it('lets the next lab clean up after a run that was killed outright', async () => {
    const { child, exited, id } = await labInChild();
    child.kill('SIGKILL');
    await exited;
    assert.ok((await namespaces()).includes(`akh-${id}-n1`), 'SIGKILL leaves the lab behind');
    reapStaleLabs();
    assert.ok(!(await namespaces()).includes(`akh-${id}-`));
    assert.equal(fs.existsSync(`/tmp/akh-labs/${id}`), false);
  });

  it('adds the requested latency on the hub bridge', async () => {
    const lab = await startLab({ nodes: [{ name: 'slow' }], latencyMs: 60 });
    try {
      const started = performance.now();
      const socket = await lab.connect(lab.nodes[0]!.address, 22);
      await new Promise((resolve) => {
        socket.once('data', resolve);
        socket.resume();
      });
      socket.destroy();
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 55, `connect + banner took ${elapsed.toFixed(1)} ms`);
      const rules = await lab.runInHub('iptables', ['-S', 'OUTPUT']);
      assert.match(rules.stdout, /NFQUEUE --queue-num 0 --queue-bypass/);
    } finally {
      await lab.stop();
    }
  });
});
