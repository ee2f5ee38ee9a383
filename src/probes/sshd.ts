import type {Probe, ProbeParse} from './probe.js';
import {MISSING, firstLine, lines, missingMarkers} from './shell.js';

/** Keywords `sshd -T` prints as one comma-separated list. */
const commaLists = new Set([
	'ciphers',
	'macs',
	'kexalgorithms',
	'hostkeyalgorithms',
	'pubkeyacceptedalgorithms',
	'pubkeyacceptedkeytypes',
	'casignaturealgorithms',
	'hostbasedacceptedalgorithms',
	'hostbasedacceptedkeytypes',
	'gssapikexalgorithms',
]);

/** Keywords sshd -T prints once per value: always lists, even with one value. */
const repeated = new Set([
	'hostkey',
	'hostcertificate',
	'listenaddress',
	'port',
	'acceptenv',
	'setenv',
	'subsystem',
	'allowusers',
	'denyusers',
	'allowgroups',
	'denygroups',
	'include',
	'channeltimeout',
]);

/** Whitespace-separated lists on one line. */
const wordLists = new Set(['authorizedkeysfile', 'authenticationmethods', 'permitopen', 'permitlisten', 'ipqos']);

const integers = new Set([
	'port',
	'maxauthtries',
	'maxsessions',
	'logingracetime',
	'clientaliveinterval',
	'clientalivecountmax',
	'x11displayoffset',
	'requiredrsasize',
]);

/** The connection sshd -T was evaluated for (`-C`), printed by the probe before the dump. */
export const CONNECTION_LINE = '__AKH_SSHD_CONNECTION__';

/** `MaxStartups start:rate:full` (a lone number is start = full, rate 100 as sshd reads it). */
function maxStartups(raw: string): {start: number; rate: number; full: number} | undefined {
	const parts = raw.split(':').map(Number);
	if (parts.some((part) => !Number.isFinite(part))) return undefined;
	const [start = 0, rate = 100, full = start] = parts;
	return parts.length === 1 ? {start, rate: 100, full: start} : {start, rate, full};
}

function value(keyword: string, raw: string): unknown {
	if (commaLists.has(keyword)) return raw.split(',').filter(Boolean);
	if (wordLists.has(keyword)) return raw.split(/\s+/).filter(Boolean);
	if (integers.has(keyword) && /^\d+$/.test(raw)) return Number(raw);
	return raw;
}

/**
 * `sshd -T` prints the effective server configuration — Include files and sshd_config.d drop-ins
 * already applied — one lower-case keyword per line. Anything else on the output (a missing
 * privilege-separation directory, a bad option) means sshd refused to evaluate its config.
 */
export function parseSshd(output: string): ProbeParse {
	const missing = missingMarkers(output);
	if (missing.length) return {error: `command not found: ${missing[0]}`};
	const facts: Record<string, unknown> = {};
	for (const line of lines(output)) {
		if (line.startsWith(`${CONNECTION_LINE} `)) {
			facts['connection'] = line.slice(CONNECTION_LINE.length + 1).trim();
			continue;
		}
		const match = /^([a-z][a-z0-9]*) ?(.*)$/.exec(line);
		if (!match) continue;
		const keyword = match[1]!;
		const raw = match[2]!.trim();
		if (repeated.has(keyword)) {
			const list = (facts[keyword] as unknown[] | undefined) ?? [];
			list.push(value(keyword, raw));
			facts[keyword] = list;
		} else {
			facts[keyword] = value(keyword, raw);
		}
	}
	// A real dump always has these; without them the output is sshd's complaint, not a config.
	// Warnings printed before a dump (deprecated options) do not invalidate it.
	if (!('permitrootlogin' in facts) || !('port' in facts)) {
		const reason = firstLine(output.split('\n').filter((line) => !line.startsWith(CONNECTION_LINE)).join('\n'));
		return {error: reason ? `sshd -T failed: ${reason}` : 'sshd -T printed nothing'};
	}
	if (typeof facts['maxstartups'] === 'string') {
		const limits = maxStartups(facts['maxstartups']);
		if (limits) facts['maxstartupslimits'] = limits;
	}
	facts['connection'] ??= '';
	return {facts};
}

export const sshdProbe: Probe = {
	name: 'sshd',
	platforms: ['linux'],
	needsSudo: true,
	command: 'sudo sshd -T -C user=<ssh user>,host=<client address>,addr=<client address>,laddr=<node address>,lport=22',
	script: [
		'if command -v sshd >/dev/null 2>&1; then s=sshd',
		'elif [ -x /usr/sbin/sshd ]; then s=/usr/sbin/sshd',
		`else echo '${MISSING} sshd'; exit 0; fi`,
		// Without -C sshd -T skips every Match block, so a `Match Address 0.0.0.0/0` that turns
		// passwords back on would go unseen. The connection is ours: sudo drops SSH_CONNECTION from
		// the environment, so it is read from the nearest ancestor (the login shell) that has it.
		"conn=''; p=$$; i=0",
		'while [ -n "$p" ] && [ "$p" -gt 1 ] && [ $i -lt 16 ]; do',
		"  conn=$(tr '\\000' '\\n' < \"/proc/$p/environ\" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p')",
		'  [ -n "$conn" ] && break',
		"  p=$(sed -n 's/^PPid:[[:space:]]*//p' \"/proc/$p/status\" 2>/dev/null); i=$((i+1))",
		'done',
		// Through the Kubernetes API there is no SSH connection: a documentation address (TEST-NET-3)
		// stands for an outside client, which `Match Address` blocks for all addresses still catch.
		'set -- $conn',
		'addr=${1:-203.0.113.10}',
		// The login account AKS hybrid uses when the probe does not run under sudo from a login.
		'spec="user=${SUDO_USER:-clouduser},host=$addr,addr=$addr"',
		'[ -n "$3" ] && spec="$spec,laddr=$3,lport=$4"',
		`printf '%s %s\\n' '${CONNECTION_LINE}' "$spec"`,
		// sshd -T reads the host keys and needs root; its diagnostics belong in the output.
		'"$s" -T -C "$spec" 2>&1',
	].join('\n'),
	parse: parseSshd,
};
