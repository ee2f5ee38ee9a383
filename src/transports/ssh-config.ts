// The subset of ~/.ssh/config the node transport honours, with OpenSSH's rules: the first
// value obtained for a keyword wins (so specific Host blocks go first), IdentityFile
// accumulates, Host patterns take `*`, `?` and `!negation`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { patternListMatches, wildcardMatch } from './ssh-known-hosts.js';
import { readTextFile } from './input-file.js';

export type HostConfig = {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  readonly proxyJump?: string;
};

export type JumpHop = { readonly user?: string; readonly host: string; readonly port?: number };

export type ResolveOptions = {
  /** For `~` and `%d`; without it `~` is left as is. */
  readonly homeDir?: string;
  readonly localUser?: string;
  /** Texts of the files an `Include` argument names (already glob-expanded), if includes should be followed. */
  readonly include?: (pattern: string) => readonly string[];
};

/** Splits a config line into words as OpenSSH does: "Keyword value", "Keyword=value", double quotes. */
export function splitConfigLine(line: string): string[] {
  const head = /^\s*([^\s=]+)(?:\s*=\s*|\s+|$)/.exec(line);
  if (!head || head[1]!.startsWith('#')) return [];
  const words = [head[1]!];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (const c of line.slice(head[0].length)) {
    if (quoted) {
      if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

type Settings = {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
};

function matchCriteria(args: readonly string[], host: string): boolean {
  for (let i = 0; i < args.length; i++) {
    const criterion = args[i]!.toLowerCase();
    if (criterion === 'all') continue;
    if (criterion === 'host' || criterion === 'originalhost') {
      const list = args[++i];
      if (list === undefined || !patternListMatches(host, list.split(','))) return false;
      continue;
    }
    // exec, user, localuser, localnetwork, canonical, final … cannot be judged here; a block we
    // cannot evaluate is not applied rather than guessed.
    return false;
  }
  return true;
}

function apply(text: string, host: string, settings: Settings, options: ResolveOptions, depth: number): void {
  let active = true;
  for (const raw of text.split(/\r?\n/)) {
    const words = splitConfigLine(raw.trim());
    const [keywordRaw, ...args] = words;
    if (!keywordRaw) continue;
    const keyword = keywordRaw.toLowerCase();
    if (keyword === 'host') {
      active = patternListMatches(host, args);
      continue;
    }
    if (keyword === 'match') {
      active = matchCriteria(args, host);
      continue;
    }
    if (!active) continue;
    const value = args[0];
    if (value === undefined) continue;
    switch (keyword) {
      case 'hostname':
        settings.hostName ??= value;
        break;
      case 'user':
        settings.user ??= value;
        break;
      case 'port': {
        const port = Number(value);
        if (settings.port === undefined && Number.isInteger(port) && port > 0 && port < 65536) settings.port = port;
        break;
      }
      case 'identityfile':
        for (const file of args) if (!settings.identityFiles.includes(file)) settings.identityFiles.push(file);
        break;
      case 'proxyjump':
        settings.proxyJump ??= value;
        break;
      case 'include':
        if (options.include && depth < 16) {
          for (const pattern of args) for (const included of options.include(pattern)) apply(included, host, settings, options, depth + 1);
        }
        break;
      default:
        break;
    }
  }
}

/** Expands `~` and the `%` tokens OpenSSH allows in IdentityFile. */
export function expandPath(value: string, tokens: { home?: string; host: string; user?: string; localUser?: string }): string {
  let out = value;
  if (tokens.home !== undefined && (out === '~' || out.startsWith('~/'))) out = tokens.home + out.slice(1);
  return out.replace(/%([%dhrLlu])/g, (whole, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'd':
        return tokens.home ?? whole;
      case 'h':
        return tokens.host;
      case 'r':
        return tokens.user ?? whole;
      case 'u':
        return tokens.localUser ?? whole;
      default:
        return whole;
    }
  });
}

export function resolveHostConfig(text: string, host: string, options: ResolveOptions = {}): HostConfig {
  const settings: Settings = { identityFiles: [] };
  apply(text, host.toLowerCase(), settings, options, 0);
  const hostName = settings.hostName === undefined ? undefined : expandPath(settings.hostName, { host });
  const tokens = { home: options.homeDir, host: hostName ?? host, user: settings.user, localUser: options.localUser };
  const result: HostConfig = {
    identityFiles: settings.identityFiles.map((file) => expandPath(file, tokens)),
    ...(hostName !== undefined ? { hostName } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    ...(settings.proxyJump !== undefined ? { proxyJump: settings.proxyJump } : {}),
  };
  return result;
}

/**
 * Parses a ProxyJump value ("[user@]host[:port]" hops, comma separated, or ssh:// URIs).
 * Returns [] for "none"; throws on a hop it cannot read.
 */
export function parseProxyJump(value: string): JumpHop[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    let hop = raw.trim();
    if (hop.startsWith('ssh://')) hop = hop.slice('ssh://'.length).replace(/\/$/, '');
    let user: string | undefined;
    const at = hop.lastIndexOf('@');
    if (at >= 0) {
      user = hop.slice(0, at);
      hop = hop.slice(at + 1);
    }
    let host = hop;
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hop);
    if (bracketed) {
      host = bracketed[1]!;
      if (bracketed[2] !== undefined) port = Number(bracketed[2]);
    } else if ((hop.match(/:/g) ?? []).length === 1) {
      const [h, p] = hop.split(':');
      host = h!;
      port = Number(p);
    }
    if (!host || (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) || user === '') {
      throw new Error(`cannot read jump host ${JSON.stringify(raw.trim())}: expected [user@]host[:port]`);
    }
    return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
  });
}

/**
 * Reads what an `Include` names, as OpenSSH does for a user config: relative paths are under
 * ~/.ssh, and the last path element may hold `*` or `?` (matches are read in name order).
 */
export function fileIncludeReader(homeDir: string): (pattern: string) => string[] {
  return (pattern) => {
    const expanded = pattern.startsWith('~/')
      ? path.join(homeDir, pattern.slice(2))
      : path.isAbsolute(pattern)
        ? pattern
        : path.join(homeDir, '.ssh', pattern);
    const dir = path.dirname(expanded);
    const base = path.basename(expanded);
    let names = [base];
    if (/[*?]/.test(base)) {
      try {
        names = readdirSync(dir).filter((name) => wildcardMatch(name, base)).sort();
      } catch {
        return [];
      }
    }
    return names.flatMap((name) => {
      try {
        return [readTextFile(path.join(dir, name))];
      } catch {
        return [];
      }
    });
  };
}
