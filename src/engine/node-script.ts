// One node, one script, one SSH exec (DESIGN §4): every probe's snippet joined into a POSIX sh
// script run as `sudo -n sh -s` (or `sh -s`) with the script on stdin. Each probe's stdout and
// stderr come back framed by a marker that is random per run, so nothing a probe prints — a
// config file, a log line — can be mistaken for a frame. Pure: no I/O here.
import {randomBytes} from 'node:crypto';

export type ScriptProbe = {readonly name: string; readonly script: string};

/** A probe's frame as it came back; `error` when the frame never closed (node hung, output cut). */
export type ProbeFrame =
	| {readonly output: string; readonly stderr: string; readonly exitCode: number}
	| {readonly error: string};

/** How long one probe may run on the node before `timeout` stops it (exit 124). */
export const PROBE_TIMEOUT_SECONDS = 60;

const probeName = /^[a-z][a-z0-9-]*$/;

/** A fresh marker: 16 hex characters, never guessable by what runs on the node. */
export function newMarker(): string {
	return randomBytes(8).toString('hex');
}

function quote(text: string): string {
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

function check(marker: string): void {
	if (!/^[A-Za-z0-9]{8,64}$/.test(marker)) throw new Error(`node script marker must be 8–64 letters or digits, got ${JSON.stringify(marker)}`);
}

/**
 * The node's script. Each probe runs in its own `sh -c` with stdin from /dev/null — the script
 * itself arrives on stdin, and a probe that read stdin would swallow the rest of it — under
 * `timeout` when the node has it. Its stderr goes to a temporary file printed in its own frame
 * section, so "command not found" stays visible without corrupting the output a parser reads.
 */
export function buildNodeScript(probes: readonly ScriptProbe[], marker: string, options: {readonly probeTimeoutSeconds?: number} = {}): string {
	check(marker);
	const limit = options.probeTimeoutSeconds ?? PROBE_TIMEOUT_SECONDS;
	if (!Number.isInteger(limit) || limit < 1) throw new Error(`probe timeout must be a whole number of seconds, got ${limit}`);
	const tag = `__AKH_${marker}`;
	const out: string[] = [
		'# aks-harden node probes: read-only. Each probe\'s output is framed by a marker for this run.',
		'LC_ALL=C; export LC_ALL',
		'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH',
		'umask 077',
		"akh_tmp=$(mktemp -d 2>/dev/null) || akh_tmp=''",
		"trap '[ -n \"$akh_tmp\" ] && rm -rf \"$akh_tmp\"' EXIT",
		"trap 'exit 130' INT TERM HUP",
		"akh_timeout=''",
		`command -v timeout >/dev/null 2>&1 && akh_timeout="timeout -k 5 ${limit}"`,
		'akh_run() {',
		`  printf '%s\\n' "${tag}_BEGIN $1"`,
		'  if [ -n "$akh_tmp" ]; then',
		'    $akh_timeout sh -c "$2" "akh-$1" </dev/null 2>"$akh_tmp/err"; akh_rc=$?',
		'  else',
		'    $akh_timeout sh -c "$2" "akh-$1" </dev/null 2>&1; akh_rc=$?',
		'  fi',
		`  printf '\\n%s\\n' "${tag}_STDERR $1"`,
		'  [ -n "$akh_tmp" ] && cat "$akh_tmp/err" 2>/dev/null',
		`  printf '\\n%s\\n' "${tag}_END $1 $akh_rc"`,
		'}',
	];
	for (const probe of probes) {
		if (!probeName.test(probe.name)) throw new Error(`probe name ${JSON.stringify(probe.name)} is not a plain name`);
		out.push(`akh_run ${probe.name} ${quote(probe.script)}`);
	}
	out.push('exit 0', '');
	return out.join('\n');
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Cuts the node's stdout back into one frame per probe. A probe whose frame is absent or never
 * closed — the node hung, the connection dropped, the script was cut — gets an error; the
 * frames before the cut keep their output.
 */
export function splitNodeOutput(stdout: string, marker: string, probeNames: readonly string[]): Map<string, ProbeFrame> {
	check(marker);
	const tag = `__AKH_${marker}`;
	const frames = new Map<string, ProbeFrame>();
	for (const name of probeNames) {
		const begin = new RegExp(`(^|\\n)${escape(tag)}_BEGIN ${escape(name)}\\n`).exec(stdout);
		if (!begin) {
			frames.set(name, {error: 'no output (node hung or script cut)'});
			continue;
		}
		const start = begin.index + begin[0].length;
		const stderrMark = `\n${tag}_STDERR ${name}\n`;
		const stderrAt = stdout.indexOf(stderrMark, start);
		const endPattern = new RegExp(`\\n${escape(tag)}_END ${escape(name)} (\\d+)\\n?`, 'g');
		endPattern.lastIndex = stderrAt < 0 ? start : stderrAt + stderrMark.length;
		const end = stderrAt < 0 ? null : endPattern.exec(stdout);
		if (stderrAt < 0 || !end) {
			frames.set(name, {error: 'no output (node hung or script cut)'});
			continue;
		}
		// Each marker line is printed after a newline of its own: the byte before it is ours.
		frames.set(name, {
			output: stdout.slice(start, stderrAt),
			stderr: stdout.slice(stderrAt + stderrMark.length, end.index),
			exitCode: Number(end[1]),
		});
	}
	return frames;
}

/**
 * What a script built by buildNodeScript asks for: its marker and its probes, in order. For
 * shells that answer from recordings rather than run sh (recorded nodes, the demo).
 */
export function readNodeScript(script: string): {readonly marker: string; readonly probes: readonly string[]} | undefined {
	const sh = /"__AKH_([A-Za-z0-9]{8,64})_BEGIN \$1"/.exec(script)?.[1];
	if (sh) return {marker: sh, probes: [...script.matchAll(/^akh_run ([a-z][a-z0-9-]*) /gm)].map((match) => match[1]!)};
	// The Windows script (engine/windows-script.ts): the same frames, probes as Invoke-AkhProbe blocks.
	const ps = /'__AKH_([A-Za-z0-9]{8,64})_BEGIN '/.exec(script)?.[1];
	if (ps) return {marker: ps, probes: [...script.matchAll(/^Invoke-AkhProbe '([a-z][a-z0-9-]*)' \{/gm)].map((match) => match[1]!)};
	return undefined;
}

/** The stdout a node prints for these probe frames: the inverse of splitNodeOutput. */
export function frameNodeOutput(marker: string, frames: ReadonlyArray<{readonly name: string; readonly output: string; readonly stderr: string; readonly exitCode: number}>): string {
	check(marker);
	const tag = `__AKH_${marker}`;
	return frames.map((frame) => `${tag}_BEGIN ${frame.name}\n${frame.output}\n${tag}_STDERR ${frame.name}\n${frame.stderr}\n${tag}_END ${frame.name} ${frame.exitCode}\n`).join('');
}
