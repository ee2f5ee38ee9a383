// SSH to cluster nodes on ssh2: one connection per node for the whole run, host keys checked
// against OpenSSH's known_hosts (never trust-on-first-use unless asked), keys offered in the
// order an operator expects, every failure turned into one SshError kind with a next step.
// Node names and addresses are data: nothing is interpolated into a shell, local or remote;
// the remote command is a constant and the script travels on stdin.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ClientChannel, ConnectConfig } from 'ssh2';
import { fileIncludeReader, parseProxyJump, resolveHostConfig, type HostConfig } from './ssh-config.js';
import { checkHostKey, fingerprintOf, formatKnownHostsLine, keyTypeOf, knownKeyTypes, parseKnownHosts, type KnownHostEntry } from './ssh-known-hosts.js';
import { printable } from '../model/printable.js';
import { candidateKeyPaths, loadKey, pickAgent, type KeyCandidate, type LoadedKey, type Platform } from './ssh-keys.js';
import type { NodeShell, RunOptions, RunResult } from './interfaces.js';
import { readTextFile } from './input-file.js';

const { Client } = ssh2;

export type SshTarget = {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Explicit keys (--ssh-key), offered before anything else. */
  readonly keyPaths?: readonly string[];
  readonly jump?: SshTarget;
};

export type HostKeyDecision = 'accept-once' | 'accept-remember' | 'refuse';

export type HostKeyInfo = {
  readonly target: SshTarget;
  readonly fingerprint: string;
  readonly keyType: string;
  readonly state: 'unknown' | 'changed';
  readonly expected?: string;
};

export type SshOptions = {
  readonly knownHostsPath: string;
  /** Record unknown host keys instead of refusing them (OpenSSH's accept-new). */
  readonly acceptNewHostKeys: boolean;
  /** Limit for connecting (TCP, handshake, authentication) and the default limit of each run. */
  readonly timeoutMs: number;
  /** Agent socket or pipe; default SSH_AUTH_SOCK (Windows: the OpenSSH agent pipe); null: no agent. */
  readonly agentSocket?: string | null;
  readonly passphrase?: (keyPath: string) => Promise<string | undefined>;
  /** Opens the byte stream to a target instead of a direct TCP connection (tests, tunnels). */
  readonly connectSocket?: (target: SshTarget) => Promise<Duplex>;
  /** Asked about unknown host keys when acceptNewHostKeys is off. A changed key is always refused. */
  readonly onHostKey?: (info: HostKeyInfo) => Promise<HostKeyDecision>;
  /** Most bytes of stdout and stderr together one run may return; default 16 MiB. */
  readonly maxOutputBytes?: number;
  /** Where ~/.ssh lives; default the user's home directory. */
  readonly homeDir?: string;
  /** Default ~/.ssh/config; null: do not read one. */
  readonly sshConfigPath?: string | null;
};

export type SshErrorKind =
  | 'unreachable'
  | 'refused'
  | 'timeout'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-marker'
  | 'key-encrypted'
  | 'output'
  | 'protocol';

export class SshError extends Error {
  override readonly name = 'SshError';
  constructor(
    readonly kind: SshErrorKind,
    message: string,
    readonly partial?: { readonly stdout: string; readonly stderr: string },
  ) {
    super(message);
  }
}

/** Probe output is kilobytes; a node that sends more is broken or hostile, never buffered whole. */
export const defaultMaxOutputBytes = 16 * 1024 * 1024;

/**
 * How long a closing connection may take to say goodbye before its socket is destroyed: a peer
 * that never closes its side must not keep the process alive.
 */
const closeGraceMs = 500;

export type { NodeShell, RunOptions, RunResult };

const describe = (t: SshTarget) => `${printable(t.name)} (${printable(t.user)}@${printable(t.address)}:${t.port})`;

const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

// ---------------------------------------------------------------- known_hosts

async function readKnownHosts(file: string): Promise<readonly KnownHostEntry[]> {
  try {
    return parseKnownHosts(readTextFile(file)).entries;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SshError('host-key-unknown', `cannot read known_hosts ${file}: ${(error as Error).message}`);
  }
}

// Appends from concurrent connections go one at a time, so lines never interleave.
let appendQueue: Promise<void> = Promise.resolve();

function rememberHostKey(file: string, t: SshTarget, keyBlob: Buffer): Promise<void> {
  const write = async () => {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let prefix = '';
    try {
      const current = await readFile(file, 'utf8');
      if (current.length > 0 && !current.endsWith('\n')) prefix = '\n';
    } catch {
      // a new file
    }
    await appendFile(file, `${prefix}${formatKnownHostsLine(t.address, t.port, keyBlob)}\n`, { mode: 0o600 });
  };
  const next = appendQueue.then(write);
  appendQueue = next.catch(() => {});
  return next;
}

type HostKeyCheck = { problem?: SshError };

function hostVerifier(t: SshTarget, o: SshOptions, entries: readonly KnownHostEntry[], check: HostKeyCheck, timer: Deadline) {
  return (keyBlob: Buffer, verify: (ok: boolean) => void): void => {
    const presented = fingerprintOf(keyBlob);
    const keyType = keyTypeOf(keyBlob) ?? 'unknown';
    const refuse = (problem: SshError) => {
      check.problem = problem;
      verify(false);
    };
    const verdict = checkHostKey(entries, t.address, t.port, keyBlob);
    switch (verdict.state) {
      case 'known':
        verify(true);
        return;
      case 'revoked':
        refuse(new SshError('host-key-marker', `${describe(t)}: host key ${presented} is marked @revoked in ${o.knownHostsPath} (line ${verdict.line}); refusing to connect — find out why it was revoked before trusting this node`));
        return;
      case 'cert-authority':
        refuse(new SshError('host-key-marker', `${describe(t)}: only a @cert-authority line (${o.knownHostsPath}:${verdict.line}) covers this host, and host certificates are not supported yet — add the host's own key (${keyType} ${presented}) to known_hosts after verifying it`));
        return;
      case 'changed': {
        const expected = verdict.expected.map((e) => `${e.keyType} ${e.fingerprint} (line ${e.line})`).join(', ');
        refuse(new SshError('host-key-changed', `${describe(t)}: HOST KEY CHANGED — expected ${expected}, presented ${keyType} ${presented}; refusing to connect. If the node was reimaged, verify the new key and remove the old line from ${o.knownHostsPath} (ssh-keygen -R)`));
        return;
      }
      case 'unknown':
        break;
    }
    const unknown = () =>
      new SshError('host-key-unknown', `${describe(t)}: host key ${keyType} ${presented} is not in ${o.knownHostsPath}; verify it and add it (ssh-keyscan, or pass --accept-new-host-keys to record keys on first contact)`);
    const decide = async (): Promise<HostKeyDecision> => {
      if (o.acceptNewHostKeys) return 'accept-remember';
      if (!o.onHostKey) return 'refuse';
      timer.pause();
      try {
        return await o.onHostKey({ target: t, fingerprint: presented, keyType, state: 'unknown' });
      } finally {
        timer.resume();
      }
    };
    decide()
      .then(async (decision) => {
        if (decision === 'refuse') return refuse(unknown());
        if (decision === 'accept-remember') await rememberHostKey(o.knownHostsPath, t, keyBlob);
        verify(true);
      })
      .catch((error: Error) => refuse(new SshError('host-key-unknown', `${describe(t)}: could not record the host key in ${o.knownHostsPath}: ${error.message}`)));
  };
}

// ---------------------------------------------------------------- keys

type KeyPlan = { methods: (user: string) => AnyAuthMethod[]; encrypted: string[]; offered: string[] };

const keyCache = new WeakMap<SshOptions, Map<string, Promise<LoadedKey>>>();

function cachedLoad(o: SshOptions, file: string): Promise<LoadedKey> {
  let cache = keyCache.get(o);
  if (!cache) {
    cache = new Map();
    keyCache.set(o, cache);
  }
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = loadKey(file, o.passphrase);
    cache.set(file, loaded);
  }
  return loaded;
}

function platformOf(o: SshOptions): Platform {
  return { homeDir: o.homeDir ?? os.homedir(), platform: process.platform, env: process.env };
}

async function readConfigText(o: SshOptions): Promise<string> {
  const file = o.sshConfigPath === undefined ? path.join(platformOf(o).homeDir, '.ssh', 'config') : o.sshConfigPath;
  if (file === null) return '';
  try {
    return readTextFile(file);
  } catch {
    return '';
  }
}

/** Operators' configs name nodes either way, by node name or by InternalIP: both count, name first. */
function hostConfigFor(text: string, o: SshOptions, names: readonly string[]): HostConfig {
  const homeDir = platformOf(o).homeDir;
  const options = { homeDir, localUser: safeLocalUser(), include: fileIncludeReader(homeDir) };
  const found = [...new Set(names)].map((name) => resolveHostConfig(text, name, options));
  const pick = <T>(values: readonly (T | undefined)[]) => values.find((v) => v !== undefined);
  const hostName = pick(found.map((c) => c.hostName));
  const user = pick(found.map((c) => c.user));
  const port = pick(found.map((c) => c.port));
  const proxyJump = pick(found.map((c) => c.proxyJump));
  return {
    identityFiles: [...new Set(found.flatMap((c) => c.identityFiles))],
    ...(hostName !== undefined ? { hostName } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(proxyJump !== undefined ? { proxyJump } : {}),
  };
}

function safeLocalUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

async function planKeys(t: SshTarget, o: SshOptions, config: HostConfig): Promise<KeyPlan> {
  const platform = platformOf(o);
  const candidates: KeyCandidate[] = candidateKeyPaths({ explicit: t.keyPaths ?? [], configIdentityFiles: config.identityFiles, ...platform });
  const loaded = await Promise.all(candidates.map(async (c) => ({ candidate: c, loaded: await cachedLoad(o, c.path) })));
  const encrypted: string[] = [];
  const keys: { path: string; key: import('ssh2').ParsedKey }[] = [];
  for (const { candidate, loaded: k } of loaded) {
    if (k.kind === 'ok') keys.push({ path: k.path, key: k.key });
    else if (k.kind === 'encrypted') encrypted.push(k.path);
    else if (k.kind === 'bad-passphrase') throw new SshError('key-encrypted', `${k.path}: the passphrase did not decrypt this key; check it, or load the key into ssh-agent (ssh-add ${k.path})`);
    else if (candidate.source === 'explicit') {
      const why = k.kind === 'missing' ? 'no such file' : k.message;
      throw new SshError('auth', `${k.path}: cannot use this --ssh-key (${why}); pass a readable OpenSSH private key`);
    }
  }
  const agent = pickAgent(platform, o.agentSocket);
  const useAgent = agent !== undefined;
  const explicitCount = keys.filter((k) => (t.keyPaths ?? []).includes(k.path)).length;
  const offered = [...keys.map((k) => k.path)];
  if (useAgent) offered.splice(explicitCount, 0, `agent ${agent}`);
  if (keys.length === 0 && !useAgent && encrypted.length > 0) {
    throw new SshError('key-encrypted', `${encrypted.join(', ')}: encrypted, and no passphrase can be asked in this mode; load the key into ssh-agent (ssh-add ${encrypted[0]}) or pass an unencrypted key with --ssh-key`);
  }
  if (keys.length === 0 && !useAgent) {
    throw new SshError('auth', `no SSH key to offer ${describe(t)}: pass --ssh-key, start ssh-agent, or put a key in ~/.ssh (AKS hybrid: the key given at cluster creation, e.g. %SystemDrive%\\AksHci\\.ssh\\akshci_rsa)`);
  }
  return {
    encrypted,
    offered,
    methods: (user) => {
      const methods: AnyAuthMethod[] = keys.map((k) => ({ type: 'publickey', username: user, key: k.key }));
      if (useAgent) methods.splice(explicitCount, 0, { type: 'agent', username: user, agent: agent! });
      return methods;
    },
  };
}

// ---------------------------------------------------------------- connecting

/** A timer that can stop counting while the operator is being asked something. */
class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  constructor(ms: number, private readonly onExpire: () => void) {
    this.remaining = ms;
    this.resume();
  }
  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= Date.now() - this.startedAt;
  }
  resume(): void {
    if (this.timer || this.remaining === Infinity) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining));
  }
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining = Infinity;
  }
}

function socketError(t: SshTarget, error: NodeJS.ErrnoException): SshError {
  const where = describe(t);
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SshError('refused', `${where}: connection refused; is sshd running and is the port right (--ssh-port)?`);
    case 'ETIMEDOUT':
      return new SshError('timeout', `${where}: no answer to the connection attempt; check the address and firewalls (AKS hybrid may restrict SSH to allowed IP ranges)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTDOWN':
      return new SshError('unreachable', `${where}: cannot reach the node (${error.code}); check the address and the route from this machine, or use --jump`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshError('protocol', `${where}: the connection was reset (${error.code}); the node or a firewall dropped it`);
    default:
      return new SshError('unreachable', `${where}: ${error.message}`);
  }
}

function tcpConnect(t: SshTarget, onSocket: (socket: net.Socket) => void): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: t.address, port: t.port });
    onSocket(socket);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(socketError(t, error));
    });
  });
}

function forwardThrough(jump: Connection, t: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.client.forwardOut('127.0.0.1', 0, t.address, t.port, (error, channel) => {
      if (error) {
        const text = error.message.replace(/^\(SSH\) Channel open failure: /, '');
        const kind: SshErrorKind = /refused/i.test(text) ? 'refused' : /administratively prohibited|prohibited/i.test(text) ? 'protocol' : 'unreachable';
        reject(new SshError(kind, `${describe(t)} via jump host ${describe(jump.target)}: ${text || 'the jump host could not open the connection'}${kind === 'protocol' ? ' (AllowTcpForwarding may be off on the jump host)' : ''}`));
        return;
      }
      resolve(channel);
    });
  });
}

type Connection = { readonly target: SshTarget; readonly client: import('ssh2').Client; readonly jump?: Connection; close(): void };

/**
 * Jump hosts named by ProxyJump in ~/.ssh/config, when the caller gave none. Each hop takes its
 * own HostName, User and Port from the config, as `ssh -J` would.
 */
function jumpFromConfig(t: SshTarget, o: SshOptions, text: string, config: HostConfig): SshTarget | undefined {
  if (t.jump || !config.proxyJump) return t.jump;
  let hops;
  try {
    hops = parseProxyJump(config.proxyJump);
  } catch (error) {
    throw new SshError('protocol', `~/.ssh/config ProxyJump for ${t.name}: ${(error as Error).message}`);
  }
  // "Host *  ProxyJump bastion" also matches the bastion itself; a hop never jumps through itself.
  if (hops.some((hop) => hop.host === t.name || hop.host === t.address)) return undefined;
  let previous: SshTarget | undefined;
  for (const hop of hops) {
    const hopConfig = hostConfigFor(text, o, [hop.host]);
    previous = {
      name: hop.host,
      address: hopConfig.hostName ?? hop.host,
      port: hop.port ?? hopConfig.port ?? 22,
      user: hop.user ?? hopConfig.user ?? safeLocalUser() ?? t.user,
      keyPaths: t.keyPaths ?? [],
      ...(previous ? { jump: previous } : {}),
    };
  }
  return previous;
}

async function open(t: SshTarget, o: SshOptions, depth: number): Promise<Connection> {
  if (depth > 8) throw new SshError('protocol', `${describe(t)}: jump host chain is longer than 8 hops (a loop?)`);
  const text = await readConfigText(o);
  const config = hostConfigFor(text, o, [t.name, t.address]);
  const jumpTarget = jumpFromConfig(t, o, text, config);
  const keys = await planKeys(t, o, config);
  const jump = jumpTarget ? await open(jumpTarget, o, depth + 1) : undefined;
  try {
    const entries = await readKnownHosts(o.knownHostsPath);
    return await handshake(t, o, keys, entries, jump);
  } catch (error) {
    jump?.close();
    throw error;
  }
}

function handshake(t: SshTarget, o: SshOptions, keys: KeyPlan, entries: readonly KnownHostEntry[], jump: Connection | undefined): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const check: HostKeyCheck = {};
    let settled = false;
    let agentProblem: string | undefined;
    // The byte stream, as soon as it exists: a failed or timed-out handshake destroys it (never
    // just half-closes it), so a node that accepted TCP and never spoke SSH cannot hold the process.
    let stream: Duplex | undefined;
    const fail = (error: SshError) => {
      if (settled) return;
      settled = true;
      timer.clear();
      client.end();
      client.destroy();
      stream?.destroy();
      reject(error);
    };
    const timer = new Deadline(o.timeoutMs, () =>
      fail(new SshError('timeout', `${describe(t)}: no SSH session within ${Math.round(o.timeoutMs / 1000)} s; the node may be overloaded or a firewall drops the traffic (raise --timeout to wait longer)`)),
    );

    const socketPromise: Promise<Duplex> = jump
      ? forwardThrough(jump, t)
      : o.connectSocket
        ? o.connectSocket(t).catch((error: NodeJS.ErrnoException) => {
            throw error instanceof SshError ? error : socketError(t, error);
          })
        : tcpConnect(t, (socket) => (stream = socket));

    socketPromise.then(
      (sock) => {
        stream = sock;
        if (settled) {
          sock.destroy();
          return;
        }
        const methods = keys.methods(t.user);
        const preferred = knownKeyTypes(entries, t.address, t.port).flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
        const config: ConnectConfig = {
          sock,
          username: t.user,
          readyTimeout: 0,
          keepaliveInterval: 0,
          hostVerifier: hostVerifier(t, o, entries, check, timer) as unknown as ConnectConfig['hostVerifier'],
          authHandler: (methodsLeft, _partial, next) => {
            if (methodsLeft && !methodsLeft.includes('publickey')) return next(false as never);
            const method = methods.shift();
            next((method ?? false) as never);
          },
          ...(preferred.length > 0 ? { algorithms: { serverHostKey: { prepend: preferred } as never } } : {}),
        };
        client.once('ready', () => {
          if (settled) return;
          settled = true;
          timer.clear();
          const connection: Connection = {
            target: t,
            client,
            ...(jump ? { jump } : {}),
            close: () => {
              client.end();
              setTimeout(() => {
                client.destroy();
                sock.destroy();
              }, closeGraceMs).unref();
              jump?.close();
            },
          };
          resolve(connection);
        });
        client.on('error', (error: Error & { level?: string; code?: string }) => {
          if (settled) return;
          if (check.problem) return fail(check.problem);
          // ssh2 reports a failing agent or key as an error and then goes on to the next method;
          // only its final verdict ends the attempt.
          if (error.level === 'agent') {
            agentProblem = error.message;
            return;
          }
          if (error.level === 'client-authentication' && !/All configured authentication methods failed/.test(error.message)) return;
          if (error.level === 'client-authentication') {
            if (keys.encrypted.length > 0) {
              return fail(new SshError('key-encrypted', `${describe(t)}: no offered key was accepted, and ${keys.encrypted.join(', ')} is encrypted with no way to ask for its passphrase; load it into ssh-agent (ssh-add ${keys.encrypted[0]}) or pass an unencrypted key with --ssh-key`));
            }
            const agentNote = agentProblem ? `; the agent failed: ${agentProblem}` : '';
            return fail(new SshError('auth', `${describe(t)}: the node accepted none of the keys offered (${keys.offered.join(', ')})${agentNote}; check --ssh-user and that the public key is in ~${t.user}/.ssh/authorized_keys`));
          }
          if (error.level === 'client-socket' && error.code) return fail(socketError(t, error as NodeJS.ErrnoException));
          fail(new SshError('protocol', `${describe(t)}: SSH handshake failed: ${error.message}`));
        });
        client.on('close', () => {
          if (check.problem) return fail(check.problem);
          fail(new SshError('protocol', `${describe(t)}: the node closed the connection during the SSH handshake (MaxStartups, an AllowUsers rule or a firewall?)`));
        });
        client.connect(config);
      },
      (error: SshError) => fail(error),
    );
  });
}

// ---------------------------------------------------------------- running

function runOn(connection: Connection, t: SshTarget, script: string, opts: RunOptions, maxOutputBytes: number, inflight: Set<(error: SshError) => void>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let received = 0;
    let code: number | null = null;
    let signal: string | undefined;
    let done = false;
    let channel: ClientChannel | undefined;
    const partial = () => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    const abort = (error: SshError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      inflight.delete(abort);
      reject(error);
    };
    inflight.add(abort);
    const stop = () => {
      if (!channel) return;
      try {
        channel.signal('KILL');
      } catch {
        // the channel may already be half-closed
      }
      channel.close();
    };
    const timer = setTimeout(() => {
      abort(new SshError('timeout', `${describe(t)}: the node did not finish within ${Math.round(opts.timeoutMs / 1000)} s (raise --timeout if the node is slow)`, partial()));
      stop();
    }, opts.timeoutMs);
    // Counted as it arrives; past the cap nothing more is kept and the command is stopped. Its
    // partial output is dropped too: a frame cut anywhere could read as a complete one.
    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > maxOutputBytes) {
        stdout.length = 0;
        stderr.length = 0;
        abort(new SshError('output', `${describe(t)}: output over ${Math.round(maxOutputBytes / (1024 * 1024))} MB; the node's output was cut and not read`));
        stop();
        return;
      }
      into.push(chunk);
    };
    const command = opts.command ?? (opts.sudo ? 'sudo -n sh -s' : 'sh -s');
    connection.client.exec(command, (error, stream) => {
      if (error) {
        abort(new SshError('protocol', `${describe(t)}: could not start a command: ${error.message}`));
        return;
      }
      channel = stream;
      if (done) {
        stream.close();
        return;
      }
      stream.on('data', keep(stdout));
      stream.stderr.on('data', keep(stderr));
      stream.on('exit', (exitCode: number | null, exitSignal?: string) => {
        code = typeof exitCode === 'number' ? exitCode : null;
        if (exitSignal) signal = exitSignal;
      });
      stream.on('close', () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        inflight.delete(abort);
        resolve({ ...partial(), code, ...(signal ? { signal } : {}) });
      });
      stream.end(script);
    });
  });
}

/**
 * Connects to one node (through its jump host, if any), checks its host key and logs in.
 * Throws SshError; the session runs scripts over this one connection until close().
 */
export async function connectNode(t: SshTarget, o: SshOptions): Promise<NodeShell> {
  const connection = await open(t, o, 0);
  const inflight = new Set<(error: SshError) => void>();
  let closed = false;
  const lost = (why: string) => {
    for (const abort of [...inflight]) abort(new SshError('unreachable', `${describe(t)}: connection lost (${why})`));
  };
  connection.client.on('close', () => {
    closed = true;
    lost('closed by the node or the network');
  });
  connection.client.on('error', (error: Error) => lost(error.message));
  return {
    run(script, opts) {
      if (closed) return Promise.reject(new SshError('unreachable', `${describe(t)}: the connection is closed`));
      return runOn(connection, t, script, opts ?? { sudo: false, timeoutMs: o.timeoutMs }, o.maxOutputBytes ?? defaultMaxOutputBytes, inflight);
    },
    close() {
      closed = true;
      connection.close();
    },
  };
}
