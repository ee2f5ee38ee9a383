// Test nodes with a real systemd as PID 1 (systemd-nspawn -b), for checks that need running
// services: is-active, list-units, disable --now. One container boots to sshd in about 0.6 s.
// Each container boots from one cached Debian bookworm rootfs through its own overlay, which is
// mounted inside a private mount namespace so that it disappears with the container even if
// the test process is killed. Each container gets its own cgroup: nspawns sharing one cgroup
// make their systemds fight over the same unit cgroups and units fail with 219/CGROUP.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { destroy, saveRecord } from './lab-cleanup.js';
import { createHub, must, readLog, spawnDetached, waitForSsh } from './lab-hub.js';
import { addHome, addHostname, addSudo, enableUnits, writeFixtures, writeNodeFile, type Layer } from './lab-node-files.js';
import type { Lab, LabNode, LabNodeSpec } from './lab-types.js';
import { addNodeNamespaces, beginLab, buildLab, hostKeyFor, hostnameFor, makeClientKey, preflight } from './lab-base.js';

export const ROOTFS_CACHE = '/var/cache/aks-harden-test';
const ROOTFS = path.join(ROOTFS_CACHE, 'rootfs');
const READY = path.join(ROOTFS, '.akh-ready');
const PACKAGES = 'systemd,systemd-sysv,dbus,openssh-server,iproute2,procps,cron,sudo';
/** The rootfs gives clouduser this id; the node's files are owned accordingly. */
const USER_IDS = { uid: 1000, gid: 1000 };

function aptMirror(): string {
  try {
    const sources = fs.readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    const uri = /^URIs:\s*(\S+)/m.exec(sources)?.[1];
    if (uri && !uri.includes('security')) return uri;
  } catch {
    // fall through to the default mirror
  }
  return 'http://deb.debian.org/debian';
}

async function withLock<T>(lockPath: string, body: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (!fs.existsSync(`/proc/${owner}`)) fs.rmSync(lockPath, { force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

/** Builds the bookworm rootfs once (about a minute with debootstrap) and reuses it afterwards. */
export async function ensureRootfs(): Promise<string> {
  if (fs.existsSync(READY)) return ROOTFS;
  for (const tool of ['/usr/sbin/debootstrap', '/usr/bin/systemd-nspawn']) {
    if (!fs.existsSync(tool)) throw new Error(`systemd test nodes need ${tool}: run .ci/run, or apt-get install -y debootstrap systemd-container`);
  }
  fs.mkdirSync(ROOTFS_CACHE, { recursive: true });
  return withLock(path.join(ROOTFS_CACHE, 'rootfs.lock'), async () => {
    if (fs.existsSync(READY)) return ROOTFS;
    const partial = path.join(ROOTFS_CACHE, 'rootfs.partial');
    if (!fs.existsSync(path.join(partial, '.debootstrap-done'))) {
      fs.rmSync(partial, { recursive: true, force: true });
      await execa('debootstrap', ['--variant=minbase', `--include=${PACKAGES}`, 'bookworm', partial, aptMirror()], { timeout: 15 * 60_000 });
      fs.writeFileSync(path.join(partial, '.debootstrap-done'), '');
    }
    await must('chroot', [partial, 'sh', '-c', 'id clouduser >/dev/null 2>&1 || useradd -m -u 1000 -U -s /bin/bash clouduser; usermod -p "*" clouduser']);
    // Every container gets its own host key; shared ones from the package install would hide mix-ups.
    for (const file of fs.readdirSync(path.join(partial, 'etc/ssh'))) {
      if (file.startsWith('ssh_host_')) fs.rmSync(path.join(partial, 'etc/ssh', file));
    }
    fs.rmSync(ROOTFS, { recursive: true, force: true });
    fs.renameSync(partial, ROOTFS);
    fs.writeFileSync(READY, '');
    return ROOTFS;
  });
}

const BOOT_SCRIPT = `set -e
mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged"
exec systemd-nspawn -D "$2/merged" -M "$3" -b --register=no --keep-unit --network-namespace-path="/run/netns/$4" --console=pipe
`;

const JOIN_CGROUPS = 'for d in "$1" "$2"; do echo $$ > "$d/cgroup.procs"; done; shift 2; exec "$@"';

/** Boots N nspawn containers with systemd and sshd; the result has the same shape as startLab's. */
export async function startSystemdNodes(spec: number | readonly LabNodeSpec[], options: { readonly latencyMs?: number } = {}): Promise<Lab> {
  preflight();
  const specs: readonly LabNodeSpec[] = typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => ({ name: `sys${i + 1}` })) : spec;
  if (specs.some((s) => s.hang)) throw new Error('hang nodes are light nodes only (startLab)');
  const rootfs = await ensureRootfs();
  const record = await beginLab();
  try {
    const hub = await createHub(record, options);
    const client = makeClientKey(record.dir);
    const ids = specs.map((_, i) => `s${i + 1}`);
    const namespaces = await addNodeNamespaces(record, hub, ids);
    const cgroupRoots = ['systemd', 'unified'].map((h) => `/sys/fs/cgroup/${h}/akh-${record.id}`);
    record.cgroups.push(...cgroupRoots);
    saveRecord(record);
    const nodes: LabNode[] = [];
    for (const [i, nodeSpec] of specs.entries()) {
      const id = ids[i]!;
      const netns = namespaces[i]!;
      const address = `${hub.subnet}.${10 + i}`;
      const nodeDir = path.join(record.dir, 'nodes', id);
      for (const sub of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(nodeDir, sub), { recursive: true, mode: 0o755 });
      const layers: Layer[] = [{ prefix: '/', upper: path.join(nodeDir, 'upper'), lower: rootfs }];
      const hostname = hostnameFor(nodeSpec.name, id);
      const hostKey = hostKeyFor(hostname);
      writeNodeFile(layers, '/etc/ssh/ssh_host_ed25519_key', { content: hostKey.private, mode: 0o600 });
      writeNodeFile(layers, '/etc/ssh/ssh_host_ed25519_key.pub', { content: `${hostKey.public}\n` });
      writeNodeFile(layers, '/etc/ssh/sshd_config.d/00-akh-lab.conf', {
        content: 'HostKey /etc/ssh/ssh_host_ed25519_key\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nMaxStartups 100\n',
      });
      addHome(layers, USER_IDS, client.publicKey);
      addSudo(layers, nodeSpec.sudo);
      addHostname(layers, hostname);
      if (nodeSpec.enabledUnits) {
        enableUnits(layers, nodeSpec.enabledUnits, { exclusive: false, unitSearch: ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system'], fallbackExec: '/bin/sleep infinity' });
      }
      writeFixtures(layers, nodeSpec.files);
      await must('ip', ['-n', netns, '-batch', '-'], `link set lo up\naddr add ${address}/24 dev eth0\nlink set eth0 up\n`);
      const cgroups = cgroupRoots.map((root) => path.join(root, id));
      for (const dir of cgroups) fs.mkdirSync(dir, { recursive: true });
      const pid = spawnDetached(record, 'sh', ['-c', JOIN_CGROUPS, 'sh', cgroups[0]!, cgroups[1]!,
        'unshare', '--mount', '--propagation', 'private', 'sh', '-c', BOOT_SCRIPT, 'sh', rootfs, nodeDir, `akh-${record.id}-${id}`, netns], path.join(nodeDir, 'nspawn.log'));
      record.pids = record.pids.filter((p) => p !== pid);
      record.gracefulPids.push(pid);
      saveRecord(record);
      nodes.push({ name: nodeSpec.name, id, address, port: 22, netns, hostKeyLine: hostKey.line(address), hostKeyFingerprint: hostKey.fingerprint });
    }
    await Promise.all(nodes.map((node) =>
      waitForSsh(hub.socketPath, node.address, 60_000, () => `container ${node.id} did not boot to sshd: ${readLog(path.join(record.dir, 'nodes', node.id), 'nspawn.log').slice(-2000)}`)));
    return buildLab(record, hub, nodes, client);
  } catch (error) {
    await destroy(record, 3000);
    throw error;
  }
}
