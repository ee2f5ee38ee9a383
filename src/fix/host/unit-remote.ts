// The node side of the services fix: read a unit's state, stop + disable + mask it, and put a
// recorded state back. Each script is a constant; unit names and paths reach it as quoted
// arguments. systemctl is asked one question per unit so that one odd unit cannot hide another.
import {createHash} from 'node:crypto';
import type {NodeShell} from '../../transports/interfaces.js';
import {failure, run} from './remote.js';

/** Where enablement and alias links live; the packaged unit files stay where the package put them. */
const LINKS_UNDER = '/etc/systemd/system';

export type UnitLink = {readonly path: string; readonly target: string};

/** What undo needs to put a unit back exactly: its enablement, whether it ran, and its links. */
export type UnitState = {
	readonly unit: string;
	/** `systemctl is-enabled`: enabled, disabled, static, masked, indirect, … */
	readonly enabled: string;
	/** `systemctl is-active`: active, inactive, failed, … */
	readonly active: string;
	/** Symlinks in /etc/systemd/system naming the unit (wants/requires links, aliases), masks aside. */
	readonly links: readonly UnitLink[];
};

export type UnitInfo = {
	readonly unit: string;
	readonly fragmentPath: string;
	/** The unit file is a plain file in /etc/systemd/system, which `systemctl mask` cannot replace. */
	readonly isLocalFile: boolean;
	readonly package: string;
	/** Units that start it: its .socket, .path and .timer. */
	readonly triggeredBy: readonly string[];
	/** What it listens on: a socket unit's Listen= and the service's own listening sockets. */
	readonly listening: readonly string[];
};

/** Running in any sense that undo must bring back. */
export function isRunning(active: string): boolean {
	return active === 'active' || active === 'activating' || active === 'reloading';
}

/** One digest over a set of units' states, so a unit that moved since the plan is noticed. */
export function statesDigest(states: readonly Pick<UnitState, 'unit' | 'enabled' | 'active' | 'links'>[]): string {
	const text = [...states]
		.sort((a, b) => a.unit.localeCompare(b.unit))
		.map((state) => [state.unit, state.enabled, isRunning(state.active) ? 'running' : 'stopped', ...[...state.links].map((link) => `${link.path}>${link.target}`).sort()].join(' '))
		.join('\n');
	return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The states the fix leaves: masked, stopped, no links. */
export function maskedStates(units: readonly string[]): UnitState[] {
	return units.map((unit) => ({unit, enabled: 'masked', active: 'inactive', links: []}));
}

const READ_STATES = [
	'command -v systemctl >/dev/null 2>&1 || { echo "systemctl not found" >&2; exit 127; }',
	'[ -d /run/systemd/system ] || { echo "systemd is not running on this node" >&2; exit 3; }',
	'links=$(find "$LINKS" -type l 2>/dev/null)',
	'for u in "$@"; do',
	'  e=$(systemctl is-enabled -- "$u" 2>/dev/null | head -n 1); [ -n "$e" ] || e=unknown',
	'  a=$(systemctl is-active -- "$u" 2>/dev/null | head -n 1); [ -n "$a" ] || a=unknown',
	'  printf "UNIT %s %s %s\\n" "$u" "$e" "$a"',
	'  printf "%s\\n" "$links" | while IFS= read -r l; do',
	'    [ -n "$l" ] || continue',
	'    t=$(readlink -- "$l") || continue',
	'    [ "$t" = /dev/null ] && continue',
	'    if [ "${l##*/}" = "$u" ] || [ "${t##*/}" = "$u" ]; then printf "LINK %s %s %s\\n" "$u" "$l" "$t"; fi',
	'  done',
	'done',
].join('\n');

export async function readUnitStates(session: NodeShell, units: readonly string[]): Promise<UnitState[]> {
	const result = await run(session, units, `LINKS=${LINKS_UNDER}\n${READ_STATES}`);
	if (result.code !== 0) throw failure(`reading the state of ${units.join(', ')}`, result);
	const states = new Map<string, {enabled: string; active: string; links: UnitLink[]}>();
	for (const line of result.stdout.split('\n')) {
		const [kind, unit = '', a = '', b = ''] = line.split(' ');
		if (kind === 'UNIT') states.set(unit, {enabled: a, active: b, links: []});
		else if (kind === 'LINK') states.get(unit)?.links.push({path: a, target: b});
	}
	return units.map((unit) => {
		const state = states.get(unit);
		if (!state) throw new Error(`systemctl said nothing about ${unit}`);
		return {unit, ...state};
	});
}

const READ_INFO = [
	'u=$1',
	'frag=$(systemctl show -p FragmentPath --value -- "$u" 2>/dev/null)',
	'printf "FRAGMENT %s\\n" "$frag"',
	'if [ -n "$frag" ] && [ -f "$frag" ] && [ ! -L "$frag" ] && [ "${frag%/*}" = /etc/systemd/system ]; then echo LOCAL; fi',
	'pkg=',
	'if [ -n "$frag" ]; then',
	'  if command -v rpm >/dev/null 2>&1; then pkg=$(rpm -qf -- "$frag" 2>/dev/null | head -n 1); case "$pkg" in *"not owned"*) pkg=;; esac; fi',
	'  if [ -z "$pkg" ] && command -v dpkg-query >/dev/null 2>&1; then pkg=$(dpkg-query -S -- "$frag" 2>/dev/null | head -n 1 | cut -d: -f1); fi',
	'fi',
	'printf "PACKAGE %s\\n" "$pkg"',
	'trig=$(systemctl show -p TriggeredBy --value -- "$u" 2>/dev/null)',
	'printf "TRIGGERS %s\\n" "$trig"',
	'for s in "$u" $trig; do',
	'  case "$s" in *.socket) systemctl show -p Listen --value -- "$s" 2>/dev/null | while IFS= read -r l; do [ -n "$l" ] && printf "LISTEN %s: %s\\n" "$s" "$l"; done;; esac',
	'done',
	'pid=$(systemctl show -p MainPID --value -- "$u" 2>/dev/null)',
	'if [ -n "$pid" ] && [ "$pid" != 0 ] && command -v ss >/dev/null 2>&1; then',
	'  ss -H -lntup 2>/dev/null | while IFS= read -r l; do case "$l" in *"pid=$pid,"*) set -- $l; printf "LISTEN %s: %s %s\\n" "$u" "$5" "$1";; esac; done',
	'fi',
	'exit 0',
].join('\n');

export async function readUnitInfo(session: NodeShell, unit: string): Promise<UnitInfo> {
	const result = await run(session, [unit], READ_INFO);
	if (result.code !== 0) throw failure(`reading what ${unit} is`, result);
	let fragmentPath = '';
	let pkg = '';
	let isLocalFile = false;
	let triggeredBy: string[] = [];
	const listening: string[] = [];
	for (const line of result.stdout.split('\n')) {
		const space = line.indexOf(' ');
		const kind = space < 0 ? line : line.slice(0, space);
		const rest = space < 0 ? '' : line.slice(space + 1).trim();
		if (kind === 'FRAGMENT') fragmentPath = rest;
		else if (kind === 'LOCAL') isLocalFile = true;
		else if (kind === 'PACKAGE') pkg = rest;
		else if (kind === 'TRIGGERS') triggeredBy = rest.split(/\s+/).filter(Boolean);
		else if (kind === 'LISTEN' && !listening.includes(rest)) listening.push(rest);
	}
	return {unit, fragmentPath, isLocalFile, package: pkg, triggeredBy, listening};
}

/**
 * Stop the unit and its triggers in one transaction (a socket left listening would start the
 * service again), remove their enablement, then mask them so nothing can start them.
 */
export async function maskUnits(session: NodeShell, units: readonly string[]): Promise<void> {
	const result = await run(session, units, 'systemctl stop -- "$@" && systemctl disable -- "$@" 2>&1 && systemctl mask -- "$@" 2>&1');
	if (result.code !== 0) throw failure(`stopping, disabling and masking ${units.join(', ')}`, result);
}

/**
 * Undo: unmask, put back exactly the recorded links, reload systemd, then start what was running
 * (sockets and paths before the services they start) and mask again what was masked before.
 */
export async function restoreUnits(session: NodeShell, states: readonly UnitState[]): Promise<void> {
	const units = states.map((state) => state.unit);
	const unmask = await run(session, units, 'systemctl unmask -- "$@" 2>&1');
	if (unmask.code !== 0) throw failure(`unmasking ${units.join(', ')}`, unmask);
	const links = states.flatMap((state) => state.links.flatMap((link) => [link.path, link.target]));
	if (links.length) {
		const script = [
			'while [ $# -gt 1 ]; do',
			'  case "$1" in /etc/systemd/system/*) ;; *) echo "refusing a link outside /etc/systemd/system: $1" >&2; exit 3;; esac',
			'  mkdir -p -- "${1%/*}" && ln -sfn -- "$2" "$1" || exit 4',
			'  shift 2',
			'done',
		].join('\n');
		const linked = await run(session, links, script);
		if (linked.code !== 0) throw failure('restoring the enablement links', linked);
	}
	const reload = await run(session, [], 'systemctl daemon-reload');
	if (reload.code !== 0) throw failure('systemctl daemon-reload', reload);
	const masked = states.filter((state) => state.enabled === 'masked').map((state) => state.unit);
	if (masked.length) {
		const again = await run(session, masked, 'systemctl mask -- "$@" 2>&1');
		if (again.code !== 0) throw failure(`masking ${masked.join(', ')} again`, again);
	}
	const order = (unit: string) => (/\.(socket|path|timer)$/.test(unit) ? 0 : 1);
	const running = states.filter((state) => isRunning(state.active) && state.enabled !== 'masked').map((state) => state.unit).sort((a, b) => order(a) - order(b));
	if (running.length) {
		const started = await run(session, running, 'systemctl start -- "$@" 2>&1');
		if (started.code !== 0) throw failure(`starting ${running.join(', ')}`, started);
	}
}
