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
		const reason = firstLine(output);
		return {error: reason ? `sshd -T failed: ${reason}` : 'sshd -T printed nothing'};
	}
	return {facts};
}

export const sshdProbe: Probe = {
	name: 'sshd',
	platforms: ['linux'],
	needsSudo: true,
	command: 'sudo sshd -T',
	script: [
		'if command -v sshd >/dev/null 2>&1; then s=sshd',
		'elif [ -x /usr/sbin/sshd ]; then s=/usr/sbin/sshd',
		`else echo '${MISSING} sshd'; exit 0; fi`,
		// sshd -T reads the host keys and needs root; its diagnostics belong in the output.
		'"$s" -T 2>&1',
	].join('\n'),
	parse: parseSshd,
};
