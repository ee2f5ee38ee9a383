// Pieces shared by light and systemd test nodes: the lab record, keys, the hub-facing Lab object.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LABS_ROOT, destroy, newRecord, reapStaleLabs, saveRecord, track, type LabRecord } from './lab-cleanup.js';
import { connectThroughHub, must, type Hub } from './lab-hub.js';
import { USER_NAME } from './lab-node-files.js';
import type { Lab, LabNode } from './lab-types.js';
import { fingerprintOf, parsePublicKeyLine } from '../../src/transports/ssh-known-hosts.js';

export function preflight(): void {
  const missing = ['/usr/sbin/sshd', '/usr/bin/sudo', '/usr/bin/unshare', '/usr/sbin/ip'].filter((p) => !fs.existsSync(p));
  if (missing.length > 0) {
    throw new Error(
      `SSH test nodes need ${missing.join(', ')}: run .ci/run, or apt-get install -y openssh-server sudo iproute2 util-linux`,
    );
  }
}

export async function beginLab(): Promise<LabRecord> {
  reapStaleLabs();
  fs.mkdirSync(LABS_ROOT, { recursive: true, mode: 0o755 });
  const id = randomBytes(3).toString('hex');
  const dir = path.join(LABS_ROOT, id);
  // 0755 all the way down keeps sshd's StrictModes happy and lets clouduser read nothing private.
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  const record = newRecord(id, dir);
  track(record);
  return record;
}

/**
 * Keys from OpenSSH's own ssh-keygen: ssh2's generator writes an ed25519 public key whose first
 * byte is zero with 31 bytes, which sshd then refuses ("error in libcrypto") about once in 128.
 */
function opensshKeyPair(comment: string): { private: string; public: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akh-key-'));
  try {
    const file = path.join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
    return { private: fs.readFileSync(file, 'utf8'), public: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function makeClientKey(dir: string): { path: string; publicKey: string } {
  const keyPath = path.join(dir, 'client_ed25519');
  const pair = opensshKeyPair('akh-lab-client');
  fs.writeFileSync(keyPath, pair.private, { mode: 0o600 });
  fs.writeFileSync(`${keyPath}.pub`, `${pair.public}\n`, { mode: 0o644 });
  return { path: keyPath, publicKey: pair.public };
}

export function hostnameFor(name: string, id: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return clean || id;
}

export function buildLab(record: LabRecord, hub: Hub, nodes: LabNode[], client: { path: string; publicKey: string }): Lab {
  const knownHostsPath = path.join(record.dir, 'known_hosts');
  fs.writeFileSync(knownHostsPath, nodes.map((n) => `${n.hostKeyLine}\n`).join(''), { mode: 0o644 });
  let stopped: Promise<void> | undefined;
  const connect = (address: string, port: number) => connectThroughHub(hub.socketPath, address, port);
  return {
    id: record.id,
    hub: hub.name,
    nodes,
    clientKeyPath: client.path,
    clientPublicKey: client.publicKey,
    knownHostsPath,
    userName: USER_NAME,
    dir: record.dir,
    async runInHub(command, args, options = {}) {
      const result = await execa('ip', ['netns', 'exec', hub.name, command, ...args], {
        reject: false,
        input: options.input ?? '',
        timeout: options.timeoutMs ?? 60_000,
      });
      return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
    },
    connect,
    connectSocket: (target) => connect(target.address, target.port),
    stop() {
      stopped ??= destroy(record);
      return stopped;
    },
  };
}

export function hostKeyFor(comment: string): { private: string; public: string; line: (address: string) => string; fingerprint: string } {
  const pair = opensshKeyPair(comment);
  const parsed = parsePublicKeyLine(pair.public);
  if (!parsed) throw new Error('generated host key did not parse');
  return {
    private: pair.private,
    public: pair.public,
    line: (address) => `${address} ${parsed.keyType} ${parsed.keyBlob.toString('base64')}`,
    fingerprint: fingerprintOf(parsed.keyBlob),
  };
}

export async function addNodeNamespaces(record: LabRecord, hub: Hub, ids: readonly string[]): Promise<string[]> {
  const names = ids.map((id) => `akh-${record.id}-${id}`);
  record.namespaces.push(...names);
  saveRecord(record);
  await must('ip', ['-batch', '-'], `${names.map((n) => `netns add ${n}`).join('\n')}\n`);
  await must('ip', ['-n', hub.name, '-batch', '-'], `${ids
    .flatMap((id, i) => [`link add v${id} type veth peer name eth0 netns ${names[i]}`, `link set v${id} master br0 up`])
    .join('\n')}\n`);
  return names;
}

