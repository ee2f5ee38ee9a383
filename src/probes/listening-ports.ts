import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, sections} from './shell.js';

export type ListeningPort = {
	readonly proto: 'tcp' | 'udp';
	/** As ss prints it, without brackets: 0.0.0.0, *, ::, 127.0.0.1, 10.0.0.4%eth0. */
	readonly address: string;
	readonly port: number;
	/** The owning process name; '' when unknown (no root, or the /proc/net fallback). */
	readonly process: string;
	/** Bound to 127.0.0.0/8 or ::1 only: not reachable from the network. */
	readonly loopback: boolean;
};

export type ListeningPortsFacts = {readonly source: 'ss' | 'proc'; readonly ports: readonly ListeningPort[]};

function isLoopback(address: string): boolean {
	const bare = address.replace(/%.*$/, '');
	return bare.startsWith('127.') || bare === '::1' || bare === '::ffff:127.0.0.1';
}

function splitHostPort(local: string): {address: string; port: number} | undefined {
	const colon = local.lastIndexOf(':');
	if (colon < 0) return undefined;
	const port = Number(local.slice(colon + 1));
	if (!Number.isInteger(port)) return undefined;
	return {address: local.slice(0, colon).replace(/^\[(.*)\]$/, '$1').replace(/^\[(.*)\](%.*)$/, '$1$2'), port};
}

function fromSs(body: string): ListeningPort[] {
	const out: ListeningPort[] = [];
	for (const line of lines(body)) {
		// Netid State Recv-Q Send-Q Local Peer [Process]
		const fields = line.split(/\s+/);
		const proto = fields[0];
		if ((proto !== 'tcp' && proto !== 'udp') || fields.length < 6) continue;
		const local = splitHostPort(fields[4]!);
		if (!local) continue;
		const process = /users:\(\("([^"]*)"/.exec(line)?.[1] ?? '';
		out.push({proto, ...local, process, loopback: isLoopback(local.address)});
	}
	return out;
}

function hexAddress(hex: string): string {
	if (hex.length === 8) {
		// Little-endian IPv4.
		return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
	}
	const words: string[] = [];
	for (let i = 0; i < 32; i += 8) {
		const word = hex.slice(i, i + 8);
		const bytes = [6, 4, 2, 0].map((j) => word.slice(j, j + 2)).join('');
		words.push(bytes.slice(0, 4), bytes.slice(4, 8));
	}
	const full = words.map((w) => w.replace(/^0+(?=.)/, '').toLowerCase()).join(':');
	if (full === '0:0:0:0:0:0:0:0') return '::';
	if (full === '0:0:0:0:0:0:0:1') return '::1';
	return full;
}

/** /proc/net/{tcp,tcp6,udp,udp6}: state 0A is LISTEN; for UDP every bound socket (07) counts. */
function fromProc(parts: readonly {name: string; args: readonly string[]; body: string}[]): ListeningPort[] {
	const out: ListeningPort[] = [];
	for (const part of parts) {
		if (part.name !== 'proc') continue;
		const proto = (part.args[0] ?? '').startsWith('udp') ? 'udp' : 'tcp';
		for (const line of lines(part.body)) {
			const fields = line.split(/\s+/);
			const [addr, port] = (fields[1] ?? '').split(':');
			const state = fields[3];
			if (!addr || !port || (proto === 'tcp' ? state !== '0A' : state !== '07')) continue;
			const address = hexAddress(addr);
			out.push({proto, address, port: parseInt(port, 16), process: '', loopback: isLoopback(address)});
		}
	}
	return out;
}

function unique(ports: ListeningPort[]): ListeningPort[] {
	const seen = new Map<string, ListeningPort>();
	for (const port of ports) seen.set(`${port.proto} ${port.address} ${port.port}`, port);
	return [...seen.values()].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto) || a.address.localeCompare(b.address));
}

/** HOST-03: sockets listening for TCP connections or bound for UDP, with their owners. */
export function parseListeningPorts(output: string): ProbeParse {
	const parts = sections(output);
	const ss = parts.find((part) => part.name === 'ss');
	if (ss) {
		const facts: ListeningPortsFacts = {source: 'ss', ports: unique(fromSs(ss.body))};
		return {facts};
	}
	if (parts.some((part) => part.name === 'proc')) {
		const facts: ListeningPortsFacts = {source: 'proc', ports: unique(fromProc(parts))};
		return {facts};
	}
	return {error: output.includes(MISSING) ? 'command not found: ss, and /proc/net/tcp is unreadable' : 'no socket list'};
}

export const listeningPortsProbe: Probe = {
	name: 'listening-ports',
	platforms: ['linux'],
	needsSudo: false,
	command: 'sudo ss -Htlnup',
	script: [
		'if command -v ss >/dev/null 2>&1 && out=$(ss -Htlnup 2>&1); then',
		`  echo '${SECTION} ss'`,
		'  printf \'%s\\n\' "$out"',
		'else',
		'  n=0',
		'  for f in tcp tcp6 udp udp6; do',
		`    [ -r /proc/net/$f ] && { echo "${SECTION} proc $f"; cat /proc/net/$f; n=1; }`,
		'  done',
		`  [ $n = 1 ] || echo '${MISSING} ss'`,
		'fi',
	].join('\n'),
	parse: parseListeningPorts,
};
