// systemd units on a demo node: the units the recordings list as enabled or running beyond the
// image's own (CUPS and telnet on the drifted worker), with their unit files, triggers, sockets
// and enablement links, so the services fix can stop, disable and mask them and undo can put
// every link back. The services probe then lists the units as they are.
import {z} from 'zod';
import type {RecordedNode} from '../probes/recorded.js';
import {sections} from '../probes/shell.js';

export const SimUnitSchema = z.object({
	/** `systemctl is-enabled`: enabled, disabled, masked, static… */
	enabled: z.string(),
	/** `systemctl is-active`: active, inactive. */
	active: z.string(),
	description: z.string(),
	fragment: z.string(),
	package: z.string(),
	triggeredBy: z.array(z.string()),
	listen: z.array(z.string()),
	/** Enablement links in /etc/systemd/system naming the unit. */
	links: z.array(z.object({path: z.string(), target: z.string()})),
});
export type SimUnit = z.infer<typeof SimUnitSchema>;

/** What the demo knows of the units it simulates; every other unit is the image's, left alone. */
const known: Readonly<Record<string, Omit<SimUnit, 'enabled' | 'active' | 'links'> & {readonly wantedBy: string}>> = {
	'cups.service': {description: 'CUPS Scheduler', fragment: '/usr/lib/systemd/system/cups.service', package: 'cups-2.4.2-3.cm2.x86_64', triggeredBy: ['cups.socket', 'cups.path'], listen: [], wantedBy: 'multi-user.target'},
	'cups.socket': {description: 'CUPS Scheduler', fragment: '/usr/lib/systemd/system/cups.socket', package: 'cups-2.4.2-3.cm2.x86_64', triggeredBy: [], listen: ['/run/cups/cups.sock (Stream)'], wantedBy: 'sockets.target'},
	'cups.path': {description: 'CUPS Scheduler', fragment: '/usr/lib/systemd/system/cups.path', package: 'cups-2.4.2-3.cm2.x86_64', triggeredBy: [], listen: [], wantedBy: 'multi-user.target'},
	'telnet.socket': {description: 'Telnet Server Activation Socket', fragment: '/usr/lib/systemd/system/telnet.socket', package: 'telnet-server-0.17-85.cm2.x86_64', triggeredBy: [], listen: ['[::]:23 (Stream)'], wantedBy: 'sockets.target'},
};

function link(unit: string): {path: string; target: string} {
	return {path: `/etc/systemd/system/${known[unit]!.wantedBy}.wants/${unit}`, target: known[unit]!.fragment};
}

/** The simulated units as the node's recorded services output shows them. */
export function initialUnits(recording: RecordedNode): Record<string, SimUnit> {
	const parts = sections(recording.probes['services'] ?? '');
	const words = (name: string) => (parts.find((part) => part.name === name)?.body ?? '').split('\n').map((line) => line.trim().split(/\s+/)[0]!).filter(Boolean);
	const enabled = new Set(words('enabled'));
	const running = new Set(words('running'));
	const out: Record<string, SimUnit> = {};
	for (const [unit, info] of Object.entries(known)) {
		if (!enabled.has(unit) && !running.has(unit) && !(unit === 'cups.path' && enabled.has('cups.service'))) continue;
		const isEnabled = enabled.has(unit) || unit === 'cups.path';
		out[unit] = {
			description: info.description,
			fragment: info.fragment,
			package: info.package,
			triggeredBy: info.triggeredBy,
			listen: info.listen,
			enabled: isEnabled ? 'enabled' : 'disabled',
			active: running.has(unit) ? 'active' : 'inactive',
			links: isEnabled ? [link(unit)] : [],
		};
	}
	return out;
}

/** The recorded services output with the simulated units' lines as they are now. */
export function servicesOutput(recorded: string, units: Readonly<Record<string, SimUnit>>): string {
	const simulated = new Set(Object.keys(known));
	const out: string[] = [];
	let section = '';
	const flush = () => {
		for (const [unit, state] of Object.entries(units).sort(([a], [b]) => a.localeCompare(b))) {
			if (section === 'enabled' && state.enabled === 'enabled' && !unit.endsWith('.path')) out.push(`${unit.padEnd(39)}enabled ${unit.endsWith('.socket') ? 'enabled ' : 'disabled'}`);
			if (section === 'running' && state.active === 'active' && unit.endsWith('.service')) out.push(`${unit} loaded active running ${state.description}`);
		}
	};
	for (const line of recorded.split('\n')) {
		const header = /^__AKH_SECTION__ (\S+)/.exec(line);
		if (header) {
			flush();
			section = header[1]!;
		}
		if (!header && simulated.has(line.trim().split(/\s+/)[0]!)) continue;
		out.push(line);
	}
	flush();
	return out.join('\n');
}

type Result = {readonly stdout: string; readonly stderr: string; readonly code: number};

/** The scripts of src/fix/host/unit-remote.ts, against the simulated units; undefined: not one of them. */
export function runUnitScript(units: Record<string, SimUnit>, body: string, args: readonly string[]): Result | undefined {
	const ok = (stdout = ''): Result => ({stdout, stderr: '', code: 0});
	if (body.includes('printf "UNIT %s %s %s\\n"')) {
		const lines: string[] = [];
		for (const unit of args) {
			const state = units[unit];
			lines.push(`UNIT ${unit} ${state?.enabled ?? 'not-found'} ${state?.active ?? 'inactive'}`);
			for (const entry of state?.links ?? []) lines.push(`LINK ${unit} ${entry.path} ${entry.target}`);
		}
		return ok(`${lines.join('\n')}\n`);
	}
	if (body.includes('printf "FRAGMENT %s\\n"')) {
		const state = units[args[0] ?? ''];
		if (!state) return ok('FRAGMENT \nPACKAGE \nTRIGGERS \n');
		const listen = [args[0]!, ...state.triggeredBy].flatMap((unit) => (units[unit]?.listen ?? []).map((address) => `LISTEN ${unit}: ${address}`));
		return ok([`FRAGMENT ${state.fragment}`, `PACKAGE ${state.package}`, `TRIGGERS ${state.triggeredBy.filter((unit) => units[unit]).join(' ')}`, ...listen, ''].join('\n'));
	}
	if (body === 'systemctl stop -- "$@" && systemctl disable -- "$@" 2>&1 && systemctl mask -- "$@" 2>&1') {
		for (const unit of args) {
			const state = units[unit];
			if (state) units[unit] = {...state, active: 'inactive', enabled: 'masked', links: []};
		}
		return ok(args.map((unit) => `Created symlink /etc/systemd/system/${unit} → /dev/null.`).join('\n'));
	}
	if (body === 'systemctl unmask -- "$@" 2>&1') {
		for (const unit of args) if (units[unit]?.enabled === 'masked') units[unit] = {...units[unit]!, enabled: 'disabled'};
		return ok();
	}
	if (body.startsWith('while [ $# -gt 1 ]; do')) {
		for (let index = 0; index + 1 < args.length; index += 2) {
			const [path, target] = [args[index]!, args[index + 1]!];
			const unit = Object.keys(units).find((name) => path.endsWith(`/${name}`) || target.endsWith(`/${name}`));
			if (unit && !units[unit]!.links.some((entry) => entry.path === path)) units[unit] = {...units[unit]!, links: [...units[unit]!.links, {path, target}]};
		}
		return ok();
	}
	if (body === 'systemctl daemon-reload') {
		for (const [unit, state] of Object.entries(units)) if (state.enabled !== 'masked') units[unit] = {...state, enabled: state.links.length ? 'enabled' : 'disabled'};
		return ok();
	}
	if (body === 'systemctl mask -- "$@" 2>&1') {
		for (const unit of args) if (units[unit]) units[unit] = {...units[unit]!, enabled: 'masked'};
		return ok();
	}
	if (body === 'systemctl start -- "$@" 2>&1') {
		for (const unit of args) if (units[unit]) units[unit] = {...units[unit]!, active: 'active'};
		return ok();
	}
	return undefined;
}
