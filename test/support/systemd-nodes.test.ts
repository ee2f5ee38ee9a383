import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectNode, type NodeShell } from '../../src/transports/ssh.js';
import { missing, systemdNodeNeeds } from './prerequisites.js';
import { startSystemdNodes, type Lab } from './ssh-lab.js';

// The first run builds the cached rootfs with debootstrap (about a minute).
describe('systemd test nodes', { skip: missing(...systemdNodeNeeds), timeout: 15 * 60_000 }, () => {
  let lab: Lab | undefined;
  let session: NodeShell | undefined;

  before(async () => {
    lab = await startSystemdNodes([
      { name: 'moc-sys', enabledUnits: ['akh-probe-demo.service'], files: { '/etc/containerd/config.toml': { content: 'version = 2\n' } } },
    ]);
    const node = lab.nodes[0]!;
    session = await connectNode(
      { name: node.name, address: node.address, port: node.port, user: lab.userName, keyPaths: [lab.clientKeyPath] },
      { knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, sshConfigPath: null, connectSocket: (t) => lab!.connectSocket(t) },
    );
  });

  after(async () => {
    session?.close();
    await lab?.stop();
  });

  it('runs systemd as PID 1 and reports a unit it started as running', async () => {
    const result = await session!.run(
      'systemctl is-system-running --wait >/dev/null 2>&1; ps -o comm= -p 1; systemctl is-active akh-probe-demo.service ssh.service; systemctl is-enabled akh-probe-demo.service; cat /etc/containerd/config.toml',
      { sudo: true, timeoutMs: 60_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['systemd', 'active', 'active', 'enabled', 'version = 2']);
  });

  it('lets a node stop a service for real', async () => {
    const result = await session!.run('systemctl disable --now akh-probe-demo.service 2>/dev/null; systemctl is-active akh-probe-demo.service; systemctl is-enabled akh-probe-demo.service', {
      sudo: true,
      timeoutMs: 30_000,
    });
    assert.deepEqual(result.stdout.trim().split('\n'), ['inactive', 'disabled']);
  });
});
