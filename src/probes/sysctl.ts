import type {Probe, ProbeParse} from './probe.js';
import {MISSING, intOrString, lines} from './shell.js';

/** HOST-11 keys, then read-only context keys Kubernetes needs (never judged, never changed). */
export const sysctlKeys = [
	'net.ipv4.conf.all.send_redirects',
	'net.ipv4.conf.default.send_redirects',
	'net.ipv4.conf.all.accept_redirects',
	'net.ipv4.conf.default.accept_redirects',
	'net.ipv4.conf.all.accept_source_route',
	'net.ipv4.conf.default.accept_source_route',
	'net.ipv4.conf.all.log_martians',
	'net.ipv4.tcp_syncookies',
	'net.ipv4.icmp_echo_ignore_broadcasts',
	'kernel.randomize_va_space',
	'net.ipv4.ip_forward',
	'net.bridge.bridge-nf-call-iptables',
] as const;

/** `key = value` lines read from /proc/sys; a key the kernel lacks is left out of the facts. */
export function parseSysctl(output: string): ProbeParse {
	const facts: Record<string, number | string> = {};
	for (const line of lines(output)) {
		if (line.startsWith(MISSING)) continue;
		// grep -H: "/proc/sys/net/ipv4/tcp_syncookies:1"; sysctl(8): "net.ipv4.tcp_syncookies = 1".
		const match = /^\/proc\/sys\/([\w/-]+):(.*)$/.exec(line) ?? /^([\w.-]+)\s*=\s*(.*)$/.exec(line);
		if (match) facts[match[1]!.replaceAll('/', '.')] = intOrString(match[2]!.trim().replace(/\s+/g, ' '));
	}
	if (!Object.keys(facts).length) return {error: 'none of the sysctl keys could be read from /proc/sys'};
	return {facts};
}

export const sysctlProbe: Probe = {
	name: 'sysctl',
	platforms: ['linux'],
	needsSudo: false,
	command: `sysctl ${sysctlKeys.join(' ')}`,
	// /proc/sys directly, in one process: no dependency on the sysctl binary, readable without
	// root. (dash's `read` gets one byte of a /proc/sys file, so no builtin trick here.)
	script: `grep -H '' ${sysctlKeys.map((key) => `/proc/sys/${key.replaceAll('.', '/')}`).join(' ')} 2>/dev/null; exit 0`,
	parse: parseSysctl,
};
