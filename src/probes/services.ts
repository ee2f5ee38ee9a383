import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, missingMarkers, sections} from './shell.js';

export type ServicesFacts = {
	/** Enabled unit files (services and sockets), with their suffix: `sshd.service`, `telnet.socket`. */
	readonly enabled: readonly string[];
	/** Running services; null when systemd is not PID 1 (nothing can be "running" to ask about). */
	readonly running: readonly string[] | null;
	readonly systemdRunning: boolean;
	readonly note?: string;
};

const unitName = /^[\w@.:\\-]+\.(service|socket)$/;

/** First column of `systemctl list-unit-files` / `list-units` rows, skipping a failed-unit bullet. */
function units(body: string): string[] {
	const out = new Set<string>();
	for (const line of lines(body)) {
		const [first = '', second = ''] = line.split(/\s+/);
		const name = first === '●' || first === '*' ? second : first;
		if (unitName.test(name)) out.add(name);
	}
	return [...out].sort();
}

/**
 * Enabled unit files and running services (HOST-01/02). The parser knows nothing of what is
 * allowed: the `service-baseline` probe brings the image's baseline, and the check compares.
 */
export function parseServices(output: string): ProbeParse {
	const missing = missingMarkers(output);
	if (missing.length) return {error: `command not found: ${missing[0]}`};
	const parts = sections(output);
	const enabled = parts.find((part) => part.name === 'enabled');
	if (!enabled) return {error: 'systemctl printed no unit list'};
	const failed = /^(Failed|System has not been booted)/m.exec(enabled.body);
	if (failed && !units(enabled.body).length) return {error: `systemctl failed: ${lines(enabled.body)[0]}`};
	const running = parts.find((part) => part.name === 'running');
	const systemdRunning = running !== undefined && !parts.some((part) => part.name === 'not-running');
	const facts: ServicesFacts = {
		enabled: units(enabled.body),
		running: systemdRunning ? units(running.body) : null,
		systemdRunning,
		...(systemdRunning ? {} : {note: 'systemd is not running on this node: only enabled units were listed'}),
	};
	return {facts};
}

export const servicesProbe: Probe = {
	name: 'services',
	platforms: ['linux'],
	needsSudo: false,
	command:
		'systemctl list-unit-files --type=service,socket --state=enabled --no-legend; systemctl list-units --type=service --state=running --no-legend --plain',
	script: [
		`command -v systemctl >/dev/null 2>&1 || { echo '${MISSING} systemctl'; exit 0; }`,
		// /run/systemd/system exists only when systemd is PID 1 (sd_booted).
		'if [ -d /run/systemd/system ]; then',
		`  echo '${SECTION} enabled'`,
		'  systemctl list-unit-files --type=service,socket --state=enabled --no-legend --no-pager 2>&1',
		`  echo '${SECTION} running'`,
		'  systemctl list-units --type=service --state=running --no-legend --plain --no-pager 2>&1',
		'else',
		// Offline, systemctl parses every unit file (about a second of CPU); enablement is the
		// .wants/.requires links, so read those directly.
		`  echo '${SECTION} enabled'`,
		'  for d in /etc/systemd/system/*.wants /etc/systemd/system/*.requires; do [ -d "$d" ] && ls -1 "$d"; done 2>/dev/null',
		`  echo '${SECTION} not-running'`,
		'fi',
	].join('\n'),
	parse: parseServices,
};
