import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, missingMarkers, sections} from './shell.js';

export type PackagesFacts = {readonly manager: 'rpm' | 'dpkg'; readonly installed: readonly string[]};

/**
 * Every installed package name. The check holds the HOST-04 deny-list (in both the RPM and the
 * Debian spelling), so the probe stays an observation and the list stays with the check.
 */
export function parsePackages(output: string): ProbeParse {
	const parts = sections(output);
	const part = parts.find((candidate) => candidate.name === 'rpm' || candidate.name === 'dpkg');
	if (!part) {
		const missing = missingMarkers(output);
		return {error: missing.length ? `command not found: ${missing.join(' and ')}` : 'no package manager output'};
	}
	const names = new Set<string>();
	for (const line of lines(part.body)) {
		if (part.name === 'dpkg') {
			// "ii  openssh-server" — only fully installed packages count.
			const match = /^(\S+)\s+(\S+)$/.exec(line);
			if (match && match[1] === 'ii') names.add(match[2]!.replace(/:\w+$/, ''));
		} else if (/^[\w.+-]+$/.test(line)) {
			names.add(line);
		}
	}
	if (!names.size) return {error: `${part.name} listed no packages: ${lines(part.body)[0] ?? 'no output'}`};
	const facts: PackagesFacts = {manager: part.name as 'rpm' | 'dpkg', installed: [...names].sort()};
	return {facts};
}

export const packagesProbe: Probe = {
	name: 'packages',
	platforms: ['linux'],
	needsSudo: false,
	command: "rpm -qa --qf '%{NAME}\\n'   (Debian: dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n')",
	script: [
		// Mariner/Azure Linux ship rpm; Debian may have an rpm binary with an empty database.
		'if command -v rpm >/dev/null 2>&1 && rpm -q rpm >/dev/null 2>&1; then',
		`  echo '${SECTION} rpm'`,
		"  rpm -qa --qf '%{NAME}\\n' 2>&1",
		'elif command -v dpkg-query >/dev/null 2>&1; then',
		`  echo '${SECTION} dpkg'`,
		"  dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' 2>&1",
		'else',
		`  echo '${MISSING} rpm'; echo '${MISSING} dpkg-query'`,
		'fi',
	].join('\n'),
	parse: parsePackages,
};
