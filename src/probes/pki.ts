import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, sections} from './shell.js';

export type Certificate = {
	readonly path: string;
	readonly subject: string;
	/** ISO 8601, UTC. */
	readonly notAfter: string;
	/** Whole days until notAfter (negative once expired), from the node's clock. */
	readonly daysLeft: number;
	readonly expired: boolean;
	readonly isCa: boolean;
};

export type PkiFacts = {
	/** false when /etc/kubernetes/pki does not exist (not a kubeadm control plane). */
	readonly pkiDir: boolean;
	/** The clock daysLeft was computed against. */
	readonly now: string;
	readonly certs: readonly Certificate[];
	/** Files openssl could not read, with its reason. */
	readonly unreadable: readonly {readonly path: string; readonly error: string}[];
};

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** openssl's `notAfter=Nov 24 01:39:08 2036 GMT`. */
export function parseOpensslDate(text: string): Date | undefined {
	const match = /^(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s+GMT$/.exec(text.trim());
	if (!match) return undefined;
	const month = months.indexOf(match[1]!);
	if (month < 0) return undefined;
	return new Date(Date.UTC(Number(match[6]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5])));
}

const DAY = 86_400_000;

/**
 * CERT-03: every certificate under /etc/kubernetes/pki with its expiry. `daysLeft` is counted
 * from the node's own clock (printed by the probe) so recorded output judges the same forever;
 * `now` overrides it (tests), and the local clock is the last resort.
 */
export function parsePki(output: string, now?: Date): ProbeParse {
	const parts = sections(output);
	const clock = parts.find((part) => part.name === 'now');
	if (parts.some((part) => part.name === 'no-pki')) {
		const facts: PkiFacts = {pkiDir: false, now: (now ?? new Date()).toISOString(), certs: [], unreadable: []};
		return {facts};
	}
	if (output.includes(`${MISSING} openssl`)) return {error: 'command not found: openssl'};
	const list = parts.find((part) => part.name === 'find');
	const denied = list && lines(list.body).find((line) => /permission denied/i.test(line));
	if (denied) return {error: `cannot read /etc/kubernetes/pki: ${denied}`};
	const nodeNow = clock && /^\d+$/.test(clock.body.trim()) ? new Date(Number(clock.body.trim()) * 1000) : undefined;
	const reference = now ?? nodeNow ?? new Date();
	const certs: Certificate[] = [];
	const unreadable: {path: string; error: string}[] = [];
	for (const part of parts) {
		if (part.name !== 'cert') continue;
		const path = part.args.join(' ');
		let notAfter: Date | undefined;
		let subject = '';
		let issuer = '';
		let isCa = false;
		for (const line of lines(part.body)) {
			if (line.startsWith('notAfter=')) notAfter = parseOpensslDate(line.slice('notAfter='.length));
			else if (line.startsWith('subject=')) subject = line.slice('subject='.length).trim();
			else if (line.startsWith('issuer=')) issuer = line.slice('issuer='.length).trim();
			else if (/^CA:TRUE/.test(line)) isCa = true;
		}
		if (!notAfter) {
			unreadable.push({path, error: lines(part.body)[0] ?? 'no output from openssl'});
			continue;
		}
		const left = notAfter.getTime() - reference.getTime();
		certs.push({
			path,
			subject,
			notAfter: notAfter.toISOString().replace('.000Z', 'Z'),
			daysLeft: Math.floor(left / DAY),
			expired: left <= 0,
			// Without a basicConstraints line, a self-signed certificate is still a CA.
			isCa: isCa || (subject !== '' && subject === issuer),
		});
	}
	const facts: PkiFacts = {pkiDir: true, now: reference.toISOString(), certs, unreadable};
	return {facts};
}

export const pkiProbe: Probe = {
	name: 'pki',
	platforms: ['linux'],
	// kubeadm leaves /etc/kubernetes/pki 755 and certificates 644: reading them needs no root.
	needsSudo: false,
	command: "for f in $(sudo find /etc/kubernetes/pki -name '*.crt'); do echo \"$f $(sudo openssl x509 -enddate -noout -in $f)\"; done",
	script: [
		`echo '${SECTION} now'`,
		'date -u +%s',
		`[ -d /etc/kubernetes/pki ] || { echo '${SECTION} no-pki'; exit 0; }`,
		`command -v openssl >/dev/null 2>&1 || { echo '${MISSING} openssl'; exit 0; }`,
		`echo '${SECTION} find'`,
		"list=$(find /etc/kubernetes/pki -name '*.crt' \\( -type f -o -type l \\) 2>&1 | sort)",
		'printf \'%s\\n\' "$list" | grep -v \'^/\'',
		'printf \'%s\\n\' "$list" | grep \'^/\' | while IFS= read -r f; do',
		`  echo "${SECTION} cert $f"`,
		'  openssl x509 -in "$f" -noout -enddate -subject -issuer 2>&1',
		"  openssl x509 -in \"$f\" -noout -text 2>/dev/null | grep -A1 'Basic Constraints' | grep -o 'CA:[A-Z]*'",
		'done',
		'exit 0',
	].join('\n'),
	parse: (output) => parsePki(output),
};
