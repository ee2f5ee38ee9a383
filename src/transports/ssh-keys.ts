// Which private keys to offer a node, in the order an AKS hybrid operator expects: keys named
// on the command line, then the agent, then ~/.ssh/config, then the usual ~/.ssh/id_* files and,
// on Windows, the key the AksHci PowerShell module generates.
import { existsSync } from 'node:fs';
import path from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { InputFileError, readRegularFile, smallFileBytes } from './input-file.js';

const { utils } = ssh2;

export type KeySource = 'explicit' | 'ssh-config' | 'default';
export type KeyCandidate = { readonly path: string; readonly source: KeySource };

export type Platform = { readonly homeDir: string; readonly platform: NodeJS.Platform; readonly env: Readonly<Record<string, string | undefined>> };

export function defaultKeyPaths(p: Platform): string[] {
  const join = p.platform === 'win32' ? path.win32.join : path.posix.join;
  const paths = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(p.homeDir, '.ssh', name));
  if (p.platform === 'win32') paths.push(path.win32.join(`${p.env.SystemDrive ?? 'C:'}\\`, 'AksHci', '.ssh', 'akshci_rsa'));
  return paths;
}

/** Keys in offering order, each file once (its first, most specific, source wins). */
export function candidateKeyPaths(input: { readonly explicit: readonly string[]; readonly configIdentityFiles: readonly string[] } & Platform): KeyCandidate[] {
  const seen = new Set<string>();
  const out: KeyCandidate[] = [];
  const add = (file: string, source: KeySource) => {
    if (seen.has(file)) return;
    seen.add(file);
    out.push({ path: file, source });
  };
  for (const file of input.explicit) add(file, 'explicit');
  for (const file of input.configIdentityFiles) add(file, 'ssh-config');
  for (const file of defaultKeyPaths(input)) add(file, 'default');
  return out;
}

export const WINDOWS_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

/**
 * The agent to ask: an explicit socket (null: none), else SSH_AUTH_SOCK, else on Windows the
 * OpenSSH agent service's pipe or, when that is absent, Pageant.
 */
export function pickAgent(p: Platform, explicit: string | null | undefined, exists: (file: string) => boolean = existsSync): string | undefined {
  if (explicit === null) return undefined;
  if (explicit !== undefined) return explicit;
  const fromEnv = p.env.SSH_AUTH_SOCK;
  if (fromEnv && (p.platform === 'win32' || exists(fromEnv))) return fromEnv;
  if (p.platform === 'win32') return exists(WINDOWS_AGENT_PIPE) ? WINDOWS_AGENT_PIPE : 'pageant';
  return undefined;
}

export type LoadedKey =
  | { readonly kind: 'ok'; readonly path: string; readonly key: ParsedKey }
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'encrypted'; readonly path: string }
  | { readonly kind: 'bad-passphrase'; readonly path: string }
  | { readonly kind: 'invalid'; readonly path: string; readonly message: string };

const PASSPHRASE_TRIES = 3;

function parse(data: Buffer, passphrase?: string): ParsedKey | Error {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) return new Error('no key in file');
  if (!key.isPrivateKey()) return new Error('this is a public key; pass the private half');
  return key;
}

const isEncryptedError = (error: Error) => /encrypted/i.test(error.message) && /no passphrase/i.test(error.message);

/**
 * Reads one private key. An encrypted key asks `passphrase` (up to three tries; undefined
 * means the operator declined) and, without a callback, comes back as 'encrypted'.
 */
export async function loadKey(file: string, passphrase?: (keyPath: string) => Promise<string | undefined>): Promise<LoadedKey> {
  let data: Buffer;
  try {
    data = readRegularFile(file, smallFileBytes);
  } catch (error) {
    // A FIFO or /dev/zero given as a key is no key: said so, never read.
    if (error instanceof InputFileError) return { kind: 'invalid', path: file, message: error.message };
    return { kind: 'missing', path: file };
  }
  const first = parse(data);
  if (!(first instanceof Error)) return { kind: 'ok', path: file, key: first };
  if (!isEncryptedError(first)) return { kind: 'invalid', path: file, message: first.message };
  if (!passphrase) return { kind: 'encrypted', path: file };
  for (let attempt = 0; attempt < PASSPHRASE_TRIES; attempt++) {
    const answer = await passphrase(file);
    if (answer === undefined) return { kind: 'encrypted', path: file };
    const key = parse(data, answer);
    if (!(key instanceof Error)) return { kind: 'ok', path: file, key };
  }
  return { kind: 'bad-passphrase', path: file };
}
