// Builds the writable layers a test node sees over the machine's (or the rootfs's) files.
// Nothing here touches the machine's own /etc: every write goes to a per-node directory that
// is mounted as an overlay upper layer or bind-mounted inside the node's mount namespace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LabNodeSpec, NodeFile } from './lab-types.js';

export const USER_NAME = 'clouduser';

/** Where a node path lands: a per-node directory layered over `lower` (if any). */
export type Layer = { readonly prefix: string; readonly upper: string; readonly lower: string | null };

export type Ids = { readonly uid: number; readonly gid: number };

function resolve(layers: readonly Layer[], nodePath: string): { layer: Layer; rel: string } {
  if (!path.posix.isAbsolute(nodePath) || nodePath.split('/').includes('..')) {
    throw new Error(`node file path must be absolute without "..": ${JSON.stringify(nodePath)}`);
  }
  const normal = path.posix.normalize(nodePath);
  const layer = [...layers]
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .find((l) => l.prefix === '/' || normal === l.prefix || normal.startsWith(`${l.prefix}/`));
  if (!layer) {
    throw new Error(`node file ${nodePath} is outside the node's writable trees (${layers.map((l) => l.prefix).join(', ')})`);
  }
  return { layer, rel: path.posix.relative(layer.prefix, normal) };
}

/**
 * Creates parents in the upper layer with the lower layer's owner and mode: an overlay shows
 * the upper directory's attributes, so a fresh 0755 /etc/sudoers.d would change the node.
 */
function ensureDir(layer: Layer, relDir: string): string {
  let current = layer.upper;
  fs.mkdirSync(current, { recursive: true });
  for (const part of relDir.split('/').filter(Boolean)) {
    current = path.join(current, part);
    const lowerPath = layer.lower === null ? null : path.join(layer.lower, path.relative(layer.upper, current));
    if (!fs.existsSync(current)) {
      fs.mkdirSync(current);
      const lower = lowerPath !== null && fs.existsSync(lowerPath) ? fs.statSync(lowerPath) : null;
      if (lower?.isDirectory()) {
        fs.chmodSync(current, lower.mode & 0o7777);
        fs.chownSync(current, lower.uid, lower.gid);
      } else {
        fs.chmodSync(current, 0o755);
      }
    }
  }
  return current;
}

export function writeNodeFile(layers: readonly Layer[], nodePath: string, file: NodeFile, owner?: Ids): string {
  const { layer, rel } = resolve(layers, nodePath);
  const dir = ensureDir(layer, path.posix.dirname(rel));
  const target = path.join(dir, path.posix.basename(rel));
  fs.writeFileSync(target, file.content);
  fs.chmodSync(target, file.mode ?? 0o644);
  if (owner) fs.chownSync(target, owner.uid, owner.gid);
  return target;
}

export function readNodeFile(layers: readonly Layer[], nodePath: string): string {
  const { layer, rel } = resolve(layers, nodePath);
  const upper = path.join(layer.upper, rel);
  if (fs.existsSync(upper)) return fs.readFileSync(upper, 'utf8');
  if (layer.lower === null) return '';
  try {
    return fs.readFileSync(path.join(layer.lower, rel), 'utf8');
  } catch {
    return '';
  }
}

/** The lower layer's view of a path; paths outside every layer are the machine's own. */
function statOf(layers: readonly Layer[], nodePath: string): fs.Stats | null {
  const outside = !layers.some((l) => l.prefix === '/' || nodePath === l.prefix || nodePath.startsWith(`${l.prefix}/`));
  let lowerPath: string | null = nodePath;
  if (!outside) {
    const { layer, rel } = resolve(layers, nodePath);
    lowerPath = layer.lower === null ? null : path.join(layer.lower, rel);
  }
  if (lowerPath === null) return null;
  try {
    return fs.statSync(lowerPath);
  } catch {
    return null;
  }
}

/** The first id free as both uid and gid in the node's lower /etc, so file owners line up. */
export function pickUserIds(layers: readonly Layer[]): Ids {
  const used = new Set<number>();
  for (const file of ['/etc/passwd', '/etc/group']) {
    for (const line of readNodeFile(layers, file).split('\n')) used.add(Number(line.split(':')[2]));
  }
  let id = 1000;
  while (used.has(id)) id++;
  return { uid: id, gid: id };
}

/** Adds clouduser to the node's own account databases (the lower layer stays as it was). */
export function addUser(layers: readonly Layer[], ids: Ids): void {
  const append = (file: string, line: string) => {
    const before = readNodeFile(layers, file);
    if (before.split('\n').some((l) => l.startsWith(`${USER_NAME}:`))) return;
    const lower = statOf(layers, file);
    const written = writeNodeFile(layers, file, {
      content: `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${line}\n`,
      mode: lower ? lower.mode & 0o7777 : 0o644,
    });
    if (lower) fs.chownSync(written, lower.uid, lower.gid);
  };
  append('/etc/passwd', `${USER_NAME}:x:${ids.uid}:${ids.gid}:AKS hybrid node user:/home/${USER_NAME}:/bin/bash`);
  // "*" rather than "!": sshd without PAM treats "!" as a locked account and refuses keys too.
  append('/etc/shadow', `${USER_NAME}:*:19700:0:99999:7:::`);
  append('/etc/group', `${USER_NAME}:x:${ids.gid}:`);
  if (statOf(layers, '/etc/gshadow')) append('/etc/gshadow', `${USER_NAME}:!::`);
}

export function addHome(layers: readonly Layer[], ids: Ids, authorizedKey: string): void {
  const home = `/home/${USER_NAME}`;
  const { layer, rel } = resolve(layers, home);
  const homeDir = ensureDir(layer, rel);
  fs.chownSync(homeDir, ids.uid, ids.gid);
  fs.chmodSync(homeDir, 0o755);
  const sshDir = ensureDir(layer, `${rel}/.ssh`);
  fs.chownSync(sshDir, ids.uid, ids.gid);
  fs.chmodSync(sshDir, 0o700);
  writeNodeFile(layers, `${home}/.ssh/authorized_keys`, { content: `${authorizedKey.trim()}\n`, mode: 0o600 }, ids);
}

export function addSudo(layers: readonly Layer[], sudo: LabNodeSpec['sudo']): void {
  if (sudo === 'refused') return;
  writeNodeFile(layers, `/etc/sudoers.d/${USER_NAME}`, { content: `${USER_NAME} ALL=(ALL) NOPASSWD: ALL\n`, mode: 0o440 });
}

export function addHostname(layers: readonly Layer[], hostname: string): void {
  writeNodeFile(layers, '/etc/hostname', { content: `${hostname}\n` });
  const hosts = readNodeFile(layers, '/etc/hosts') || '127.0.0.1 localhost\n';
  // sudo resolves its own host name and warns on stderr when it cannot.
  writeNodeFile(layers, '/etc/hosts', { content: `${hosts.trimEnd()}\n127.0.1.1 ${hostname}\n` });
}

const WANTS = '/etc/systemd/system/multi-user.target.wants';

/**
 * Links units into multi-user.target.wants. `exclusive` hides the lower layer's links (an
 * opaque overlay directory), so a light node reports exactly the units the test asked for.
 */
export function enableUnits(layers: readonly Layer[], units: readonly string[], options: { exclusive: boolean; unitSearch: readonly string[]; fallbackExec: string }): void {
  const { layer, rel } = resolve(layers, WANTS);
  const wants = ensureDir(layer, rel);
  if (options.exclusive) setOpaque(wants);
  for (const unit of units) {
    if (!/^[A-Za-z0-9@._:-]+$/.test(unit)) throw new Error(`bad unit name ${JSON.stringify(unit)}`);
    let target = options.unitSearch.map((dir) => `${dir}/${unit}`).find((p) => statOf(layers, p) !== null);
    if (!target) {
      target = `/etc/systemd/system/${unit}`;
      writeNodeFile(layers, target, {
        content: `[Unit]\nDescription=${unit} (test fixture)\n\n[Service]\nExecStart=${options.fallbackExec}\n\n[Install]\nWantedBy=multi-user.target\n`,
      });
    }
    const link = path.join(wants, unit);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  }
}

function setOpaque(dir: string): void {
  // Node has no setxattr; overlayfs reads this xattr when the node's mount is made.
  const script = 'import os,sys; os.setxattr(sys.argv[1], "trusted.overlay.opaque", b"y")';
  const result = spawnSync('/usr/bin/python3', ['-c', script, dir], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`could not mark ${dir} opaque`);
}

export function writeFixtures(layers: readonly Layer[], files: LabNodeSpec['files']): void {
  for (const [nodePath, file] of Object.entries(files ?? {})) writeNodeFile(layers, nodePath, file);
}
