// The hub network namespace of a lab: a bridge every node's veth hangs off, the Unix-socket
// forwarder that lets the root-namespace test process reach nodes, and the optional delayer.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { saveRecord, type LabRecord } from './lab-cleanup.js';
import type { CommandResult } from './lab-types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export type Hub = {
  readonly name: string;
  /** First three octets, e.g. "10.251.37". */
  readonly subnet: string;
  readonly socketPath: string;
};

export async function run(command: string, args: readonly string[], input?: string): Promise<CommandResult> {
  const result = await execa(command, args, { reject: false, input: input ?? '', timeout: 60_000 });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}

export async function must(command: string, args: readonly string[], input?: string): Promise<string> {
  const result = await run(command, args, input);
  if (result.exitCode !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/** Starts a long-lived process with its output in files, so it never holds the event loop. */
export function spawnDetached(record: LabRecord, command: string, args: readonly string[], logPath: string): number {
  const log = fs.openSync(logPath, 'a');
  // Plain spawn: execa wants to own the output streams, and these must outlive the event loop.
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  record.pids.push(child.pid);
  saveRecord(record);
  return child.pid;
}

export async function createHub(record: LabRecord, options: { readonly latencyMs?: number }): Promise<Hub> {
  // Each hub is its own namespace, so labs never see each other's addresses; the random
  // octet only keeps addresses distinct in logs when several labs run at once.
  const subnet = `10.251.${1 + Math.floor(Math.random() * 250)}`;
  const name = `akh-${record.id}-hub`;
  record.namespaces.push(name);
  saveRecord(record);
  await must('ip', ['netns', 'add', name]);
  await must('ip', ['-n', name, '-batch', '-'], [
    'link set lo up',
    'link add br0 type bridge',
    `addr add ${subnet}.1/24 dev br0`,
    'link set br0 up',
    '',
  ].join('\n'));

  const socketPath = path.join(record.dir, 'hub.sock');
  spawnDetached(record, 'ip', ['netns', 'exec', name, process.execPath, path.join(here, 'hub-forwarder.mjs'), socketPath], path.join(record.dir, 'forwarder.log'));
  await waitFor(() => fs.existsSync(socketPath), 10_000, () => `hub forwarder did not start: ${readLog(record.dir, 'forwarder.log')}`);

  if (options.latencyMs !== undefined && options.latencyMs > 0) await startDelayer(record, name, options.latencyMs);
  return { name, subnet, socketPath };
}

async function startDelayer(record: LabRecord, hub: string, latencyMs: number): Promise<void> {
  const log = path.join(record.dir, 'delayer.log');
  spawnDetached(record, 'ip', ['netns', 'exec', hub, '/usr/bin/python3', '-u', path.join(here, 'nfq-delay.py'), String(latencyMs), '0'], log);
  await waitFor(() => readLog(record.dir, 'delayer.log').includes('ready'), 10_000, () => `latency delayer did not start: ${readLog(record.dir, 'delayer.log')}`);
  // Only hub-originated packets towards the nodes are held: one direction is enough for RTT.
  await must('ip', ['netns', 'exec', hub, 'iptables', '-A', 'OUTPUT', '-o', 'br0', '-j', 'NFQUEUE', '--queue-num', '0', '--queue-bypass']);
}

export function readLog(dir: string, file: string): string {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch {
    return '';
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function connectThroughHub(socketPath: string, address: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let reply = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(Object.assign(new Error('hub forwarder closed the tunnel'), { code: 'ECONNRESET' })));
    socket.once('connect', () => socket.write(`CONNECT ${address} ${port}\n`));
    const onData = (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      const end = reply.indexOf(0x0a);
      if (end < 0) return;
      socket.off('data', onData);
      socket.removeAllListeners('close');
      socket.removeListener('error', fail);
      socket.pause();
      const line = reply.subarray(0, end).toString('latin1');
      const rest = reply.subarray(end + 1);
      if (line !== 'OK') {
        const code = line.replace(/^ERR /, '');
        socket.destroy();
        reject(Object.assign(new Error(`connect ${code} ${address}:${port}`), { code }));
        return;
      }
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** Resolves once something on address:port speaks SSH. */
export async function waitForSsh(socketPath: string, address: string, timeoutMs: number, describe: () => string): Promise<void> {
  await waitFor(async () => {
    try {
      const socket = await connectThroughHub(socketPath, address, 22);
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), 2000);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          socket.destroy();
          resolve(ok);
        };
        socket.on('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')));
        socket.on('error', () => done(false));
        socket.on('close', () => done(false));
        socket.resume();
      });
    } catch {
      return false;
    }
  }, timeoutMs, describe);
}
