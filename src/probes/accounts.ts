import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, sections} from './shell.js';

export type AuthorizedKey = {readonly user: string; readonly bits: number; readonly fingerprint: string; readonly type: string; readonly comment: string};

export type AccountsFacts = {
	readonly uid0: readonly string[];
	/** Accounts whose /etc/shadow password field is empty: names only, never the field itself. */
	readonly emptyPassword: readonly string[];
	readonly shadowReadable: boolean;
	readonly authorizedKeys: readonly AuthorizedKey[];
};

/** `ssh-keygen -lf` rows, prefixed with the account: `clouduser 4096 SHA256:… comment (RSA)`. */
function keys(body: string): AuthorizedKey[] {
	const out: AuthorizedKey[] = [];
	for (const line of lines(body)) {
		const match = /^(\S+) (\d+) ((?:SHA256|MD5):\S+) (.*?) ?\(([\w-]+)\)$/.exec(line);
		if (match) out.push({user: match[1]!, bits: Number(match[2]), fingerprint: match[3]!, comment: match[4]!, type: match[5]!});
	}
	return out;
}

/** HOST-08/09: uid-0 accounts, empty passwords and the SSH keys that can log in as clouduser or root. */
export function parseAccounts(output: string): ProbeParse {
	const parts = sections(output);
	const uid0 = parts.find((part) => part.name === 'uid0');
	const empty = parts.find((part) => part.name === 'empty-password');
	if (!uid0 || !empty) return {error: `cannot read accounts: ${lines(output)[0] ?? 'no output'}`};
	if (uid0.body.includes(`${MISSING} `)) return {error: 'cannot read /etc/passwd'};
	const shadowReadable = !empty.body.includes(`${MISSING} `);
	if (!shadowReadable) return {error: 'cannot read /etc/shadow (needs root)'};
	const facts: AccountsFacts = {
		uid0: lines(uid0.body),
		emptyPassword: lines(empty.body),
		shadowReadable,
		authorizedKeys: keys(parts.find((part) => part.name === 'authorized-keys')?.body ?? ''),
	};
	return {facts};
}

export const accountsProbe: Probe = {
	name: 'accounts',
	platforms: ['linux'],
	needsSudo: true,
	command: "awk -F: '$3==0{print $1}' /etc/passwd; sudo awk -F: '$2==\"\"{print $1}' /etc/shadow; sudo ssh-keygen -lf /home/clouduser/.ssh/authorized_keys",
	script: [
		`echo '${SECTION} uid0'`,
		`if [ -r /etc/passwd ]; then awk -F: '$3 == 0 {print $1}' /etc/passwd; else echo '${MISSING} /etc/passwd'; fi`,
		`echo '${SECTION} empty-password'`,
		// Only the name column ever leaves the node.
		`if [ -r /etc/shadow ]; then awk -F: '$2 == "" {print $1}' /etc/shadow; else echo '${MISSING} /etc/shadow'; fi`,
		`echo '${SECTION} authorized-keys'`,
		'for u in clouduser root; do',
		"  h=$(awk -F: -v u=\"$u\" '$1 == u {print $6}' /etc/passwd 2>/dev/null)",
		'  [ -n "$h" ] || continue',
		'  for f in "$h/.ssh/authorized_keys" "$h/.ssh/authorized_keys2"; do',
		'    [ -f "$f" ] || continue',
		'    if command -v ssh-keygen >/dev/null 2>&1; then',
		'      ssh-keygen -lf "$f" 2>/dev/null | sed "s|^|$u |"',
		'    else',
		`      echo '${MISSING} ssh-keygen'`,
		'    fi',
		'  done',
		'done',
	].join('\n'),
	parse: parseAccounts,
};
