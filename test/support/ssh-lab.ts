// Real OpenSSH test nodes on this machine, as AKS hybrid Linux nodes look to the tool:
// user clouduser with key-only login, sudo (or a refused sudo), its own host key, and its own
// /etc and /var/lib holding the fixture files of the test.
//
// Layout (needs root; about 0.1-0.2 s per node to start on a 2-core machine):
// - one hub network namespace with a bridge; each node is its own network namespace with a
//   veth on that bridge. No address or interface is added to the root namespace.
// - each node's sshd runs under `unshare --mount --uts` with overlays on /etc and /var/lib
//   (upper layer = the node's own directory), a private /run, an empty /root and its own /home.
// - the test process stays in the root namespace and reaches nodes through a forwarder that
//   runs inside the hub and listens on a Unix socket in the lab directory (Unix sockets are
//   filesystem objects, so they cross network namespaces). `lab.connectSocket` plugs into the
//   SSH transport's connectSocket hook; traffic still crosses the hub bridge, so the latency
//   delayer applies. Benchmarks that want no forwarder can run inside the hub via runInHub.
// - names, addresses and paths are passed to every command as separate arguments; the only
//   shell scripts are constants that read their inputs from "$1", "$2", ….
import fs from 'node:fs';
import path from 'node:path';
import { destroy } from './lab-cleanup.js';
import { createHub, readLog, spawnDetached, waitForSsh } from './lab-hub.js';
import { addNodeNamespaces, beginLab, buildLab, hostKeyFor, hostnameFor, makeClientKey, preflight } from './lab-base.js';
import { USER_NAME, addHome, addHostname, addSudo, addUser, enableUnits, pickUserIds, writeFixtures, writeNodeFile, type Layer } from './lab-node-files.js';
import type { Lab, LabNode, LabNodeSpec } from './lab-types.js';
import { missing, sshLabNeeds, systemdNodeNeeds } from './prerequisites.js';

export type { Lab, LabNode, LabNodeSpec, NodeFile, CommandResult } from './lab-types.js';
export { startSystemdNodes } from './systemd-nodes.js';

export type LabOptions = { readonly nodes: readonly LabNodeSpec[]; readonly latencyMs?: number };

/** Returns false (and skips the test) when a prerequisite is missing; under CI=true it fails instead. */
export function requireRoot(t: { skip(message?: string): void }): boolean {
  const problem = missing(...sshLabNeeds);
  if (problem === false) return true;
  t.skip(problem);
  return false;
}

/** For `describe(name, { skip: rootSkip() }, …)`: the same rule for a whole suite. */
export function rootSkip(): string | false {
  return missing(...sshLabNeeds);
}

/** The same for suites on the systemd test nodes (systemd-nspawn and a debootstrap rootfs too). */
export function systemdSkip(): string | false {
  return missing(...systemdNodeNeeds);
}

function sshdConfig(spec: LabNodeSpec): string {
  const lines = [
    // Drop-ins first, as Debian and Azure Linux do, so a fixture's drop-in wins (first value wins).
    'Include /etc/ssh/sshd_config.d/*.conf',
    'Port 22',
    'ListenAddress 0.0.0.0',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'UsePAM no',
    'StrictModes yes',
    'PidFile /run/sshd.pid',
    // sshd keeps the last MaxStartups it reads (not the first), so a drop-in cannot override this
    // one: it is the CIS value, which leaves room for the few connections a test opens at once.
    'MaxStartups 10:30:60',
    'Subsystem sftp internal-sftp',
  ];
  if (spec.hang) {
    // Output starts, then nothing more ever comes: the transport's timeout must end it.
    lines.push(`Match User ${USER_NAME}`, "  ForceCommand printf 'partial-output'; exec sleep infinity");
  } else if (spec.flood) {
    // Output that never ends, as fast as the link takes it: the transport's size cap must end it.
    lines.push(`Match User ${USER_NAME}`, '  ForceCommand exec yes aks-harden-flood-line');
  }
  return `${lines.join('\n')}\n`;
}

const LIGHT_NODE_SCRIPT = `set -e
ip link set lo up
ip addr add "$3/24" dev eth0
ip link set eth0 up
hostname "$1"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$2/etc.u,workdir=$2/etc.w" /etc
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$2/varlib.u,workdir=$2/varlib.w" /var/lib
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/sshd
mount --bind "$2/root" /root
mount --bind "$2/home" /home
exec /usr/sbin/sshd -D -e
`;

/** Starts N light sshd nodes (no systemd inside; config files, accounts and unit enablement only). */
export async function startLab(options: LabOptions): Promise<Lab> {
  preflight();
  if (options.nodes.length === 0 || options.nodes.length > 200) throw new Error('a lab has 1 to 200 nodes');
  const record = await beginLab();
  try {
    const hub = await createHub(record, options);
    const client = makeClientKey(record.dir);
    const ids = options.nodes.map((_, i) => `n${i + 1}`);
    const namespaces = await addNodeNamespaces(record, hub, ids);
    const nodes = options.nodes.map((spec, i) => {
      const id = ids[i]!;
      const address = `${hub.subnet}.${10 + i}`;
      const nodeDir = path.join(record.dir, 'nodes', id);
      for (const sub of ['etc.u', 'etc.w', 'varlib.u', 'varlib.w', 'root', 'home']) fs.mkdirSync(path.join(nodeDir, sub), { recursive: true, mode: 0o755 });
      fs.chmodSync(path.join(nodeDir, 'root'), 0o700);
      const layers: Layer[] = [
        { prefix: '/etc', upper: path.join(nodeDir, 'etc.u'), lower: '/etc' },
        { prefix: '/var/lib', upper: path.join(nodeDir, 'varlib.u'), lower: '/var/lib' },
        { prefix: '/home', upper: path.join(nodeDir, 'home'), lower: null },
        { prefix: '/root', upper: path.join(nodeDir, 'root'), lower: null },
      ];
      const hostname = hostnameFor(spec.name, id);
      const hostKey = hostKeyFor(hostname);
      // 600 as CIS asks, so a test node that is otherwise clean passes host.file-permissions.
      writeNodeFile(layers, '/etc/ssh/sshd_config', { content: sshdConfig(spec), mode: 0o600 });
      writeNodeFile(layers, '/etc/ssh/ssh_host_ed25519_key', { content: hostKey.private, mode: 0o600 });
      writeNodeFile(layers, '/etc/ssh/ssh_host_ed25519_key.pub', { content: `${hostKey.public}\n` });
      const userIds = pickUserIds(layers);
      addUser(layers, userIds);
      addHome(layers, userIds, client.publicKey);
      addSudo(layers, spec.sudo);
      addHostname(layers, hostname);
      if (spec.enabledUnits) {
        enableUnits(layers, spec.enabledUnits, { exclusive: true, unitSearch: ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system'], fallbackExec: '/bin/true' });
      }
      writeFixtures(layers, spec.files);
      // ip netns exec, unshare and sh all exec in place: the pid is the node's sshd, whose
      // namespaces stand for the node (node-exec.ts enters them).
      const pid = spawnDetached(record, 'ip', ['netns', 'exec', namespaces[i]!, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', LIGHT_NODE_SCRIPT, 'sh', hostname, nodeDir, address], path.join(nodeDir, 'sshd.log'));
      const node: LabNode = {
        name: spec.name,
        id,
        address,
        port: 22,
        netns: namespaces[i]!,
        hostKeyLine: hostKey.line(address),
        hostKeyFingerprint: hostKey.fingerprint,
        pid,
      };
      return node;
    });
    await Promise.all(nodes.map((node) =>
      waitForSsh(hub.socketPath, node.address, 15_000, () => `node ${node.id} sshd did not come up: ${readLog(path.join(record.dir, 'nodes', node.id), 'sshd.log')}`)));
    return buildLab(record, hub, nodes, client);
  } catch (error) {
    await destroy(record, 0);
    throw error;
  }
}
