// Registry credentials written in containerd's config.toml, for the guided part of
// host.containerd-credentials: the auth tables to take out once the credential lives in an
// imagePullSecret or a kubelet credential provider, shown as a diff with every value redacted.
// Nothing here writes: containerd reads credentials from no other file (hosts.toml has no
// credential fields; a containerd 1.x import replaces the whole CRI plugin section), so moving
// them is the operator's step. The secret never leaves this module: only redacted text does.
import {unifiedDiff} from '../text-diff.js';
import type {NodeRef} from '../model.js';
import type {NodeShell} from '../../transports/interfaces.js';
import {readRemoteFile} from './remote.js';

const secretKeys = ['username', 'password', 'auth', 'identitytoken'];
const REDACTED = '"<redacted>"';

/** A table header: `[a.b."c"]` (arrays of tables included). */
const headerOf = (line: string) => /^\s*\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$/.exec(line)?.[1];
const isAuthTable = (header: string) => /\.registry\.configs\.(?:"[^"]*"|'[^']*'|[\w.-]+)\.auth$/.test(header.replace(/\s+/g, ''));

/**
 * Every value of a credential key replaced, in any table (over-redacting costs nothing): a
 * `password = ...` line, an inline table (`auth = {username = "u", password = "p"}`), a dotted
 * key, a multi-line string (its other lines are dropped).
 */
export function redactCredentials(text: string): string {
	const out: string[] = [];
	let openString: string | undefined;
	for (const line of text.split('\n')) {
		if (openString) {
			// The rest of a multi-line string value: nothing of it is shown.
			if (line.includes(openString)) openString = undefined;
			continue;
		}
		const key = /^(\s*)(["']?)([\w-]+)\2\s*=\s*(.*)$/.exec(line);
		if (key && secretKeys.includes(key[3]!.toLowerCase()) && !key[4]!.startsWith('{')) {
			const value = key[4]!;
			const multi = /^("""|''')/.exec(value)?.[1];
			if (multi && !value.slice(3).includes(multi)) openString = multi;
			out.push(`${key[1]}${key[2]}${key[3]}${key[2]} = ${REDACTED}`);
			continue;
		}
		// Inline tables and dotted keys: any quoted value after a credential key.
		out.push(line.replace(new RegExp(`((?:^|[{,.\\s])(?:${secretKeys.join('|')})\\s*=\\s*)("(?:[^"\\\\]|\\\\.)*"|'[^']*')`, 'gi'), `$1${REDACTED}`));
	}
	return out.join('\n');
}

/** Written as a key instead of a table: `auth = {...}` or `configs."host".auth.password = ...`. */
const isAuthKeyLine = (line: string) => /^\s*(?:[^=]*\.)?auth\s*=\s*\{/.test(line) || /^\s*[^=]*\.auth\.[\w-]+\s*=/.test(line);

/** The file without its `registry.configs."host".auth` tables (header and keys) and auth keys. */
export function withoutAuthTables(text: string): string {
	const out: string[] = [];
	let skipping = false;
	// The final newline is the file's, not the last table's.
	const newline = text.endsWith('\n');
	for (const line of (newline ? text.slice(0, -1) : text).split('\n')) {
		const header = headerOf(line);
		if (header !== undefined) skipping = isAuthTable(header);
		if (!skipping && !isAuthKeyLine(line)) out.push(line);
	}
	return out.join('\n') + (newline ? '\n' : '');
}

/**
 * What the operator does by hand, for the plan's notes: the redacted diff of config.toml without
 * its auth tables, and the order to do it in. Undefined when the file has no auth table.
 */
export async function credentialGuidance(session: NodeShell, node: NodeRef, path: string, hosts: readonly string[]): Promise<string | undefined> {
	const file = await readRemoteFile(session, path);
	if (!file.exists) return undefined;
	const shown = redactCredentials(file.content);
	const after = withoutAuthTables(shown);
	if (after === shown) return undefined;
	const diff = unifiedDiff(`${node.name}:${path}`, shown, after, {before: ' (values redacted)', after: ' (credentials taken out)'});
	return [
		`Guided, not applied: the registry credential for ${hosts.join(', ')} stays in ${path} (now root-only) until you move it. containerd reads credentials from no other file — hosts.toml has no credential fields, and a containerd 1.x import replaces the whole CRI plugin section — so the move goes out of the node:`,
		`1. kubectl create secret docker-registry <name> --docker-server=<host> --docker-username=… --docker-password=… in each namespace that pulls from it, and add it to the pods' imagePullSecrets (or to their ServiceAccount); or install a kubelet credential provider for the registry.`,
		`2. Take the auth tables out of ${path}:`,
		diff.trimEnd(),
		`3. sudo containerd config dump >/dev/null to check it parses, then restart containerd node by node (drain first; running containers keep running).`,
	].join('\n');
}
