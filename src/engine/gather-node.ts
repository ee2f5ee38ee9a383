// Probe gathering over one NodeShell (DESIGN §4): which probes a node can run, every probe in ONE
// script over ONE run under `sudo -n`, and — only when sudo is refused (AKS hybrid's restricted
// SSH) — a second run of the probes that need no root. Whatever cannot be learned is a reason on
// the probe, never a missing fact that reads as a pass. The audit, the golden cases (recorded
// nodes) and the re-checks after a fix all come through here, whatever the shell is.
import type {NodeFacts, ProbeResult} from './facts.js';
import {buildNodeScript, newMarker, splitNodeOutput} from './node-script.js';
import {buildWindowsNodeScript, normaliseWindowsOutput, windowsExecCommand} from './windows-script.js';
import {windowsProbes} from '../probes/windows/index.js';
import type {NodeSource} from './source.js';
import type {NodeInfo} from '../model/report.js';
import {probes as registry} from '../probes/index.js';
import type {Probe} from '../probes/probe.js';
import {probeResult, sudoRefused} from '../probes/result.js';
import type {NodeShell} from '../transports/interfaces.js';

export type GatherNodeOptions = {
	/** Limit for the whole probe script on one node (--timeout). */
	readonly runTimeoutMs: number;
	readonly probes?: ReadonlyMap<string, Probe>;
	readonly marker?: () => string;
};

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function partialStdout(error: unknown): string | undefined {
	const partial = (error as {partial?: {stdout?: unknown}} | undefined)?.partial;
	return typeof partial?.stdout === 'string' ? partial.stdout : undefined;
}

function firstLine(text: string): string {
	return text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}

/** Shown when sudo is refused; AKS hybrid's -restrictSSHCommands gives exactly this. */
function refusal(stderr: string, code: number | null): string {
	const line = firstLine(stderr);
	return line ? `${line} (restricted SSH?)` : `sudo -n exited with ${code ?? 'a signal'} (restricted SSH?)`;
}

export function unreachable(node: NodeInfo, error: string): NodeFacts {
	return {node: {...node, reachable: false, error}, probes: new Map()};
}

/**
 * The probes a node can run (from its OS's registry: Linux probes are POSIX sh, Windows probes
 * PowerShell); the others get their reason now, without touching the node.
 */
export function probesFor(node: NodeInfo, probeNames: readonly string[], known: ReadonlyMap<string, Probe> = registry, windows: ReadonlyMap<string, Probe> = windowsProbes): {wanted: Probe[]; results: Map<string, ProbeResult>} {
	const results = new Map<string, ProbeResult>();
	const wanted: Probe[] = [];
	const onWindows = node.os === 'windows';
	const mine = onWindows ? windows : known;
	const other = onWindows ? known : windows;
	for (const name of probeNames) {
		const probe = mine.get(name);
		const elsewhere = other.get(name);
		if (probe && node.os !== 'unknown' && probe.platforms.includes(node.os)) wanted.push(probe);
		else if (!probe && !elsewhere) results.set(name, {command: name, error: `unknown probe ${name}`});
		else results.set(name, {command: (probe ?? elsewhere)!.command, error: `probe ${name} does not run on ${node.os} nodes`});
	}
	return {wanted, results};
}

/** Runs the probes over a shell already open; the caller closes it. */
export async function gatherOverShell(shell: NodeShell, node: NodeInfo, probeNames: readonly string[], options: GatherNodeOptions, signal?: AbortSignal): Promise<NodeFacts> {
	const {wanted, results} = probesFor(node, probeNames, options.probes);
	if (!wanted.length) return {node, probes: results};
	const marker = options.marker ?? newMarker;
	const onWindows = node.os === 'windows';
	const attempt = async (probes: readonly Probe[], sudo: boolean) => {
		const runMarker = marker();
		let stdout: string;
		let stderr = '';
		let code: number | null = null;
		let cut = '';
		try {
			// Windows: one PowerShell exec, whatever the node's default shell; Administrator needs no sudo.
			const run = onWindows
				? await shell.run(buildWindowsNodeScript(probes, runMarker), {sudo: false, timeoutMs: options.runTimeoutMs, command: windowsExecCommand()})
				: await shell.run(buildNodeScript(probes, runMarker), {sudo, timeoutMs: options.runTimeoutMs});
			stdout = onWindows ? normaliseWindowsOutput(run.stdout) : run.stdout;
			stderr = run.stderr;
			code = run.code;
		} catch (error) {
			cut = signal?.aborted ? 'cancelled' : messageOf(error);
			stdout = partialStdout(error) ?? '';
			if (onWindows) stdout = normaliseWindowsOutput(stdout);
		}
		const frames = splitNodeOutput(stdout, runMarker, probes.map((probe) => probe.name));
		// Nothing framed at all: the shell never ran the script (sudo refused, a forced command, no sh…).
		const nothing = [...frames.values()].every((frame) => 'error' in frame);
		return {frames, stderr, code, cut, nothing};
	};
	const needsRoot = !onWindows && wanted.some((probe) => probe.needsSudo);
	let runnable: readonly Probe[] = wanted;
	let outcome = await attempt(runnable, needsRoot);
	if (needsRoot && outcome.nothing && !outcome.cut && /^sudo: /m.test(outcome.stderr)) {
		const refused = refusal(outcome.stderr, outcome.code);
		for (const probe of wanted) if (probe.needsSudo) results.set(probe.name, sudoRefused(probe, refused));
		runnable = wanted.filter((probe) => !probe.needsSudo);
		if (!runnable.length) return {node: {...node, reachable: true, error: null}, probes: results};
		outcome = await attempt(runnable, false);
	}
	for (const probe of runnable) {
		const frame = outcome.frames.get(probe.name)!;
		if ('error' in frame) {
			const why = outcome.cut || (outcome.nothing && firstLine(outcome.stderr)) || '';
			results.set(probe.name, {command: probe.command, error: why ? `${frame.error}: ${why}` : frame.error});
		} else {
			results.set(probe.name, probeResult(probe, frame));
		}
	}
	return {node: {...node, reachable: true, error: null}, probes: results};
}

/**
 * A node source over any shell: one shell per node for the run, opened only when the node has a
 * probe to run, closed when its facts are in (or when the run is cancelled).
 */
export function shellNodeSource(open: (node: NodeInfo) => Promise<NodeShell>, options: GatherNodeOptions): NodeSource {
	return {
		async gather(node, probeNames, signal): Promise<NodeFacts> {
			const {wanted, results} = probesFor(node, probeNames, options.probes);
			if (!wanted.length) return {node, probes: results};
			if (signal.aborted) return unreachable(node, 'cancelled');
			let shell: NodeShell;
			try {
				shell = await open(node);
			} catch (error) {
				return unreachable(node, messageOf(error));
			}
			const onAbort = () => shell.close();
			signal.addEventListener('abort', onAbort, {once: true});
			try {
				return await gatherOverShell(shell, node, probeNames, options, signal);
			} finally {
				signal.removeEventListener('abort', onAbort);
				shell.close();
			}
		},
	};
}
