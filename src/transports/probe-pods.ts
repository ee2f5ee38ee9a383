// Node access through Kubernetes: one probe pod per node (manifest in engine/probe-pod.ts), the
// probe script run in it over pods/exec (the WebSocket channel protocol client-node speaks), and
// the pod deleted after use. A pod is a NodeShell like an SSH connection, so the same gathering
// code frames and parses the output either way (DESIGN §4).
import {PassThrough, Readable, Writable} from 'node:stream';
import {Exec, type KubeConfig, type V1Status} from '@kubernetes/client-node';
import type WebSocket from 'isomorphic-ws';
import type {KubeObject} from '../model/kube.js';
import {MANAGED_BY, PROBE_EXEC, PROBE_LABEL, RUN_LABEL, probePodManifest} from '../engine/probe-pod.js';
import {KubeRejection} from '../model/errors.js';
import type {ClusterWriter} from './interfaces.js';
import type {NodeShell, RunOptions, RunResult} from './interfaces.js';

export type ProbePodOptions = {
	readonly kubeConfig: KubeConfig;
	/** The pods are created, read and deleted through the one writer every fix uses (exec alone needs the WebSocket). */
	readonly writer: ClusterWriter;
	readonly namespace: string;
	readonly image: string;
	readonly runId: string;
	/** How long a pod may live at most (activeDeadlineSeconds): a crashed run leaves nothing for long. */
	readonly deadlineSeconds: number;
	/** How long to wait for the pod to run (image pull included). */
	readonly startTimeoutMs: number;
	/** The first wait between two reads of a starting pod; it doubles up to a second. */
	readonly pollMs?: number;
};

/** A refusal by RBAC, worded as the permission the operator must grant. */
export function forbidden(verb: string, resource: string, namespace: string): string {
	return `forbidden: cannot ${verb} ${resource} in namespace ${namespace} (needs RBAC "${verb}" on ${resource}; see README "Nodes through Kubernetes")`;
}

function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	// A failed WebSocket handshake arrives as an ErrorEvent: its message says "Unexpected server response: 403".
	const event = error as {message?: unknown; error?: {message?: unknown}} | undefined;
	if (typeof event?.message === 'string') return event.message;
	if (typeof event?.error?.message === 'string') return event.error.message;
	return String(error);
}

/** The SSH transport's cap too (ssh.ts defaultMaxOutputBytes), without loading ssh2 for it. */
const defaultMaxOutputBytes = 16 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a pod will never run, from its status, or undefined while it may still start. */
function stuck(pod: KubeObject): string | undefined {
	const status = (pod['status'] ?? {}) as {phase?: string; reason?: string; message?: string; containerStatuses?: Array<{state?: {waiting?: {reason?: string; message?: string}}}>};
	if (status.phase === 'Failed' || status.phase === 'Succeeded') return `probe pod ended (${status.reason ?? status.phase}${status.message ? `: ${status.message}` : ''})`;
	const waiting = status.containerStatuses?.[0]?.state?.waiting;
	if (waiting?.reason && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError|CreateContainerConfigError/.test(waiting.reason)) {
		return `probe pod cannot start: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}; set --probe-image to an image the node can pull`;
	}
	return undefined;
}

function running(pod: KubeObject): boolean {
	const status = (pod['status'] ?? {}) as {phase?: string; containerStatuses?: Array<{ready?: boolean}>};
	return status.phase === 'Running' && status.containerStatuses?.[0]?.ready === true;
}

function exitCode(status: V1Status): number | null {
	if (status.status === 'Success') return 0;
	const cause = status.details?.causes?.find((entry) => entry.reason === 'ExitCode');
	return cause?.message !== undefined && /^\d+$/.test(cause.message) ? Number(cause.message) : null;
}

/** Collects a stream's text up to a cap; past it, the run is cut rather than buffered without end. */
function collector(maxBytes: number, onOverflow: () => void): {stream: Writable; text: () => string} {
	const chunks: Buffer[] = [];
	let size = 0;
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			size += chunk.length;
			if (size > maxBytes) onOverflow();
			else chunks.push(chunk);
			done();
		},
	});
	return {stream, text: () => Buffer.concat(chunks).toString('utf8')};
}

export type ProbePods = {
	/** Starts the node's probe pod and returns it as a session; rejects with a one-line reason. */
	connect(node: string): Promise<NodeShell>;
	/** Waits for every deletion this run started. */
	settle(): Promise<void>;
	/** No new pod from now on (Ctrl-C, the end of the run); a pod being started is deleted. */
	stop(): void;
};

export function probePods(options: ProbePodOptions): ProbePods {
	const {writer} = options;
	const exec = new Exec(options.kubeConfig);
	const deletions = new Set<Promise<void>>();
	const firstPollMs = options.pollMs ?? 50;
	let isStopped = false;

	const remove = (name: string) => {
		// The pod's own terminationGracePeriodSeconds is 0: it goes at once.
		const deletion = writer.delete(podRef(options.namespace, name), {dryRun: false}).then(() => undefined, () => undefined);
		deletions.add(deletion);
		void deletion.finally(() => deletions.delete(deletion));
		return deletion;
	};

	return {
		async connect(node) {
			if (isStopped) throw new Error('cancelled');
			const manifest = probePodManifest({node, namespace: options.namespace, image: options.image, runId: options.runId, deadlineSeconds: options.deadlineSeconds});
			const name = manifest.metadata.name;
			try {
				await writer.create(manifest, {dryRun: false});
			} catch (error) {
				if (error instanceof KubeRejection && error.status === 403) throw new Error(forbidden('create', 'pods', options.namespace));
				if (error instanceof KubeRejection && error.status === 404) throw new Error(`namespace ${options.namespace} does not exist: rerun with --allow-probe-pods to create it`);
				throw new Error(`cannot create the probe pod: ${messageOf(error)}`);
			}
			let closed = false;
			const deadline = Date.now() + options.startTimeoutMs;
			// A pod already pulled starts in well under a second: ask soon, then less and less often.
			let pollMs = firstPollMs;
			try {
				for (;;) {
					if (isStopped) throw new Error('cancelled');
					const pod = await writer.get(podRef(options.namespace, name));
					if (!pod) throw new Error('the probe pod was deleted before it ran');
					if (running(pod)) break;
					const why = stuck(pod);
					if (why) throw new Error(why);
					if (Date.now() > deadline) throw new Error(`probe pod did not run within ${Math.round(options.startTimeoutMs / 1000)} s`);
					await sleep(pollMs);
					pollMs = Math.min(1000, pollMs * 2);
				}
			} catch (error) {
				void remove(name);
				throw error instanceof KubeRejection ? new Error(`cannot read the probe pod: ${messageOf(error)}`) : error;
			}
			let socket: WebSocket | undefined;
			return {
				async run(script: string, opts?: RunOptions): Promise<RunResult> {
					const timeoutMs = opts?.timeoutMs ?? options.startTimeoutMs;
					// The pod runs as root: the script needs no sudo there, whatever the probes ask.
					let cut: Error | undefined;
					let finish: (() => void) | undefined;
					const stop = (error: Error) => {
						cut ??= error;
						socket?.close();
						finish?.();
					};
					const stdout = collector(defaultMaxOutputBytes, () => stop(new Error(`output over ${defaultMaxOutputBytes / (1024 * 1024)} MB; the node's output was cut and not read`)));
					const stderr = collector(1024 * 1024, () => undefined);
					const stdin = new PassThrough();
					let status: V1Status | undefined;
					const done = new Promise<void>((resolve) => (finish = resolve));
					const timer = setTimeout(() => stop(new Error(`no answer from the probe pod within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
					try {
						socket = await exec.exec(options.namespace, name, 'probe', [...PROBE_EXEC], stdout.stream, stderr.stream, stdin, false, (s) => {
							status = s;
							finish?.();
						});
						socket.addEventListener('close', () => finish?.());
						Readable.from([script]).pipe(stdin);
						await done;
					} catch (error) {
						const text = messageOf(error);
						if (/\b403\b/.test(text)) throw new Error(forbidden('create', 'pods/exec', options.namespace));
						throw new Error(`exec in the probe pod failed: ${text}`);
					} finally {
						clearTimeout(timer);
					}
					if (cut) throw Object.assign(cut, {partial: {stdout: stdout.text()}});
					if (closed) throw Object.assign(new Error('cancelled'), {partial: {stdout: stdout.text()}});
					return {stdout: stdout.text(), stderr: stderr.text(), code: status ? exitCode(status) : null};
				},
				close() {
					if (closed) return;
					closed = true;
					socket?.close();
					void remove(name);
				},
			};
		},
		async settle() {
			await Promise.all([...deletions]);
		},
		stop() {
			isStopped = true;
		},
	};
}

/** Probe pods an earlier run left behind (a crash, a kill -9): found by label, deleted. */
export async function deleteLeftoverPods(writer: ClusterWriter, namespace: string, keepRun?: string): Promise<number> {
	const pods = await writer.list({apiVersion: 'v1', kind: 'Pod', namespace}, {labelSelector: `${MANAGED_BY.key}=${MANAGED_BY.value},${PROBE_LABEL}=true`});
	const stale = pods.filter((pod) => pod.metadata.labels?.[RUN_LABEL] !== keepRun);
	await Promise.all(stale.map((pod) => writer.delete(podRef(namespace, pod.metadata.name), {dryRun: false})));
	return stale.length;
}

function podRef(namespace: string, name: string) {
	return {apiVersion: 'v1', kind: 'Pod', namespace, name} as const;
}
