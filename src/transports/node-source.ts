// Linux nodes over SSH: one connection per node for the run, a tiny `sudo -n` probe to learn
// whether root is allowed, then every probe in ONE script over ONE exec (DESIGN §4). Whatever
// cannot be learned is a reason on the probe — never a missing fact that reads as a pass.
import type {NodeFacts, ProbeResult} from '../engine/facts.js';
import {buildNodeScript, newMarker, splitNodeOutput} from '../engine/node-script.js';
import type {NodeSource} from '../engine/source.js';
import type {NodeInfo} from '../model/report.js';
import {probes as registry} from '../probes/index.js';
import {windowsProbes} from '../probes/windows/index.js';
import {buildWindowsNodeScript, normaliseWindowsOutput, windowsExecCommand} from '../engine/windows-script.js';
import type {Probe} from '../probes/probe.js';
import {probeResult, sudoRefused} from '../probes/result.js';
import type {NodeSession, SshOptions, SshTarget} from './ssh.js';

export type ConnectNode = (target: SshTarget, options: SshOptions) => Promise<NodeSession>;

export type SshNodeSourceOptions = {
	/** Login user; AKS hybrid Linux nodes: clouduser. */
	readonly user?: string;
	readonly port?: number;
	readonly keyPaths?: readonly string[];
	readonly jump?: SshTarget;
	/** Host-key policy, agent, passphrase prompt, connect timeout… as the SSH transport takes them. */
	readonly ssh: SshOptions;
	/** Limit for the whole probe script on one node; default the SSH timeout (--timeout). */
	readonly runTimeoutMs?: number;
	/** The SSH transport's connectNode; tests pass a fake, production the real one (the default). */
	readonly connect?: ConnectNode;
	readonly probes?: ReadonlyMap<string, Probe>;
	readonly windowsProbes?: ReadonlyMap<string, Probe>;
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

function unreachable(node: NodeInfo, error: string): NodeFacts {
	return {node: {...node, reachable: false, error}, probes: new Map()};
}

export function sshNodeSource(options: SshNodeSourceOptions): NodeSource {
	const linux = options.probes ?? registry;
	const windows = options.windowsProbes ?? windowsProbes;
	// --timeout bounds each node as a whole, so one slow or hung node never holds the run.
	const runTimeoutMs = options.runTimeoutMs ?? options.ssh.timeoutMs;
	const marker = options.marker ?? newMarker;

	return {
		async gather(node, probeNames, signal): Promise<NodeFacts> {
			const results = new Map<string, ProbeResult>();
			const wanted: Probe[] = [];
			const onWindows = node.os === 'windows';
			const known = onWindows ? windows : linux;
			for (const name of probeNames) {
				const probe = known.get(name);
				const elsewhere = (onWindows ? linux : windows).get(name);
				if (probe && node.os !== 'unknown' && probe.platforms.includes(node.os)) wanted.push(probe);
				else if (!probe && !elsewhere) results.set(name, {command: name, error: `unknown probe ${name}`});
				else results.set(name, {command: (probe ?? elsewhere)!.command, error: `probe ${name} does not run on ${node.os} nodes`});
			}
			if (!wanted.length) return {node, probes: results};
			if (signal.aborted) return unreachable(node, 'cancelled');

			const connect = options.connect ?? (await import('./ssh.js')).connectNode;
			let session: NodeSession;
			try {
				session = await connect(
					{
						name: node.name,
						address: node.address,
						port: options.port ?? 22,
						user: options.user ?? (onWindows ? 'Administrator' : 'clouduser'),
						...(options.keyPaths ? {keyPaths: options.keyPaths} : {}),
						...(options.jump ? {jump: options.jump} : {}),
					},
					options.ssh,
				);
			} catch (error) {
				return unreachable(node, messageOf(error));
			}
			const onAbort = () => session.close();
			signal.addEventListener('abort', onAbort, {once: true});
			try {
				// One exec in the common case: the whole script under sudo. Only when sudo refuses
				// (AKS hybrid's restricted SSH) is a second exec spent on the probes that need no root.
				const attempt = async (probes: readonly Probe[], sudo: boolean) => {
					const runMarker = marker();
					let stdout: string;
					let stderr = '';
					let code: number | null = null;
					let cut = '';
					try {
						// Windows: one PowerShell exec, whatever the node's default shell; Administrator needs no sudo.
						const run = onWindows
							? await session.run(buildWindowsNodeScript(probes, runMarker), {sudo: false, timeoutMs: runTimeoutMs, command: windowsExecCommand()})
							: await session.run(buildNodeScript(probes, runMarker), {sudo, timeoutMs: runTimeoutMs});
						stdout = onWindows ? normaliseWindowsOutput(run.stdout) : run.stdout;
						stderr = run.stderr;
						code = run.code;
					} catch (error) {
						cut = signal.aborted ? 'cancelled' : messageOf(error);
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
			} finally {
				signal.removeEventListener('abort', onAbort);
				session.close();
			}
		},
	};
}
