// OpenSSH known_hosts, read the way OpenSSH reads it: plain and hashed host fields,
// [host]:port for non-default ports, wildcard and negated patterns, @revoked and
// @cert-authority markers. Keys are compared as raw wire-format blobs.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export type KnownHostsHosts =
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] };

export type KnownHostEntry = {
  readonly line: number;
  readonly marker?: 'cert-authority' | 'revoked';
  readonly hosts: KnownHostsHosts;
  readonly keyType: string;
  readonly keyBlob: Buffer;
};

export type KnownHostsParse = {
  readonly entries: readonly KnownHostEntry[];
  readonly errors: readonly { readonly line: number; readonly message: string }[];
};

export type ExpectedKey = { readonly keyType: string; readonly fingerprint: string; readonly line: number };

export type HostKeyVerdict =
  | { readonly state: 'known'; readonly line: number }
  | { readonly state: 'unknown' }
  | { readonly state: 'changed'; readonly expected: readonly ExpectedKey[] }
  | { readonly state: 'revoked'; readonly line: number }
  | { readonly state: 'cert-authority'; readonly line: number };

/** The string OpenSSH looks up: the bare host on port 22, "[host]:port" otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** "SHA256:" + unpadded base64, exactly as `ssh-keygen -l` and the OpenSSH client print it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name embedded at the start of every public key blob. */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return undefined;
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

export function parsePublicKeyLine(text: string): { keyType: string; keyBlob: Buffer; comment: string } | undefined {
  const [keyType, base64, ...comment] = text.trim().split(/\s+/);
  if (!keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const keyBlob = Buffer.from(base64, 'base64');
  if (keyTypeOf(keyBlob) !== keyType) return undefined;
  return { keyType, keyBlob, comment: comment.join(' ') };
}

export function parseKnownHosts(text: string): KnownHostsParse {
  const entries: KnownHostEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else {
        errors.push({ line, message: `unknown marker ${name}` });
        return;
      }
    }
    const [hostField, keyType, base64] = fields;
    if (!hostField || !keyType || !base64) {
      errors.push({ line, message: 'expected: [marker] hosts keytype base64-key [comment]' });
      return;
    }
    const key = parsePublicKeyLine(`${keyType} ${base64}`);
    if (!key) {
      errors.push({ line, message: `key of type ${keyType} does not decode` });
      return;
    }
    const hosts = parseHostField(hostField);
    if (!hosts) {
      errors.push({ line, message: 'malformed hashed host field' });
      return;
    }
    entries.push({ line, ...(marker ? { marker } : {}), hosts, keyType, keyBlob: key.keyBlob });
  });
  return { entries, errors };
}

function parseHostField(field: string): KnownHostsHosts | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return undefined;
  return { kind: 'hashed', salt: Buffer.from(parts[2], 'base64'), hash: Buffer.from(parts[3], 'base64') };
}

/** OpenSSH's wildcard match: `*` any run, `?` one character, case-insensitive. */
export function wildcardMatch(text: string, pattern: string): boolean {
  const t = text.toLowerCase();
  const p = pattern.toLowerCase();
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      ti++;
      pi++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starT = ti;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** A pattern list matches when a positive pattern matches and no negated (`!`) one does. */
export function patternListMatches(text: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(text, pattern.slice(1))) return false;
    } else if (wildcardMatch(text, pattern)) {
      matched = true;
    }
  }
  return matched;
}

export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

export function entryMatches(entry: KnownHostEntry, lookupName: string): boolean {
  if (entry.hosts.kind === 'patterns') return patternListMatches(lookupName, entry.hosts.patterns);
  const hash = createHmac('sha1', entry.hosts.salt).update(lookupName).digest();
  return hash.equals(entry.hosts.hash);
}

export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = hostLookupName(host, port);
  const matching = entries.filter((e) => entryMatches(e, name));
  const revoked = matching.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { state: 'revoked', line: revoked.line };
  const plain = matching.filter((e) => e.marker === undefined);
  const known = plain.find((e) => e.keyBlob.equals(keyBlob));
  if (known) return { state: 'known', line: known.line };
  if (plain.length > 0) {
    return {
      state: 'changed',
      expected: plain.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintOf(e.keyBlob), line: e.line })),
    };
  }
  const authority = matching.find((e) => e.marker === 'cert-authority');
  if (authority) return { state: 'cert-authority', line: authority.line };
  return { state: 'unknown' };
}

/** Key types already trusted for a host, so the client can ask for those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = hostLookupName(host, port);
  const types = entries.filter((e) => e.marker === undefined && entryMatches(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  const keyType = keyTypeOf(keyBlob) ?? 'unknown';
  return `${hostLookupName(host, port)} ${keyType} ${keyBlob.toString('base64')}`;
}
