// Tear-down for test labs. Every lab writes what it owns (namespaces, processes, cgroups) to
// <dir>/lab.json before creating it, so a run that died without cleaning up (SIGKILL, a
// crashed runner) is cleaned by the next lab start, and only what that run recorded is removed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const LABS_ROOT = '/tmp/akh-labs';

export type LabRecord = {
  readonly id: string;
  readonly dir: string;
  readonly ownerPid: number;
  readonly ownerStart: string;
  namespaces: string[];
  /** Asked to stop with SIGTERM first (systemd-nspawn turns it into a clean shutdown). */
  gracefulPids: number[];
  pids: number[];
  cgroups: string[];
};

const live = new Set<LabRecord>();
let handlersInstalled = false;

export function processStartTime(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 counts from after the command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

export function newRecord(id: string, dir: string): LabRecord {
  return {
    id,
    dir,
    ownerPid: process.pid,
    ownerStart: processStartTime(process.pid),
    namespaces: [],
    gracefulPids: [],
    pids: [],
    cgroups: [],
  };
}

export function saveRecord(record: LabRecord): void {
  fs.writeFileSync(path.join(record.dir, 'lab.json'), JSON.stringify(record, null, 2));
}

export function track(record: LabRecord): void {
  live.add(record);
  saveRecord(record);
  installHandlers();
}

export function untrack(record: LabRecord): void {
  live.delete(record);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const record of live) destroySync(record);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const record of live) destroySync(record);
      live.clear();
      process.kill(process.pid, signal);
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

function netnsPids(namespace: string): number[] {
  const result = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid > 0 && pid !== process.pid);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function removeCgroupTree(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) removeCgroupTree(path.join(dir, entry.name));
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      sleepSync(20);
    }
  }
}

/** Kills everything the lab started, deletes its namespaces, cgroups and files. */
export function destroySync(record: LabRecord): void {
  const victims = new Set<number>([...record.gracefulPids, ...record.pids]);
  for (const namespace of record.namespaces) for (const pid of netnsPids(namespace)) victims.add(pid);
  for (const pid of victims) kill(pid, 'SIGKILL');
  const deadline = Date.now() + 3000;
  while ([...victims].some(isAlive) && Date.now() < deadline) sleepSync(20);
  for (const namespace of record.namespaces) spawnSync('ip', ['netns', 'delete', namespace], { stdio: 'ignore' });
  for (const cgroup of record.cgroups) removeCgroupTree(cgroup);
  fs.rmSync(record.dir, { recursive: true, force: true });
}

/** Graceful first: lets nspawn'd systemd shut down, then the same as destroySync. */
export async function destroy(record: LabRecord, graceMs = 5000): Promise<void> {
  for (const pid of record.gracefulPids) kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (record.gracefulPids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  destroySync(record);
  untrack(record);
}

/** Cleans labs whose owning process is gone; a live owner's lab is never touched. */
export function reapStaleLabs(): void {
  let ids: string[];
  try {
    ids = fs.readdirSync(LABS_ROOT);
  } catch {
    return;
  }
  for (const id of ids) {
    const dir = path.join(LABS_ROOT, id);
    let record: LabRecord;
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, 'lab.json'), 'utf8')) as LabRecord;
    } catch {
      continue;
    }
    const ownerAlive = isAlive(record.ownerPid) && processStartTime(record.ownerPid) === record.ownerStart;
    if (ownerAlive || record.dir !== dir) continue;
    destroySync(record);
  }
}
