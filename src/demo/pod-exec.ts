// pods/exec as the API server serves it: a WebSocket upgrade speaking the Kubernetes channel
// protocol (v5.channel.k8s.io, v4 as fallback): one byte of channel (0 stdin, 1 stdout, 2 stderr,
// 3 the final v1 Status, 255 close-a-channel in v5) before each payload. The command runs through
// `NodeExec`: no kubelet or container runtime runs here, so the server hands the command of a
// pod pinned to a node to whatever stands for that node — the demo's simulated nodes, or in tests
// the SSH test node's own namespaces (the same files and the same root the SSH path sees).
import type {IncomingMessage} from 'node:http';
import {PassThrough, type Duplex, type Readable, type Writable} from 'node:stream';
import {WebSocketServer, type WebSocket} from 'ws';
import type {ObjectStore} from './object-store.js';
import {ApiError, errors} from './status.js';
import type {ApiResource} from './resource-table.js';
import type {User} from './resource-handlers.js';
import type {NodeShell} from '../transports/interfaces.js';

/** A command started for a pod on a node: streams in and out, and its exit code (null: killed). */
export type ExecProcess = {
	readonly stdin: Writable;
	readonly stdout: Readable;
	readonly stderr: Readable;
	readonly exit: Promise<number | null>;
	kill(): void;
};

/** Runs a pod's exec on the node the pod is pinned to; undefined when nothing answers for that node. */
export type NodeExec = (node: string, command: readonly string[]) => ExecProcess | undefined;

export type ExecDeps = {
	readonly store: ObjectStore;
	readonly nodeExec: NodeExec;
	readonly authenticate: (request: IncomingMessage) => User | ApiError;
	readonly authorize: (user: User, verb: string, resource: ApiResource, namespace: string | undefined, name?: string) => ApiError | undefined;
};

const execResource: ApiResource = {group: '', version: 'v1', plural: 'pods/exec', singular: '', kind: 'PodExecOptions', namespaced: true, verbs: ['create', 'get']};
const execPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

function refuse(socket: Duplex, error: ApiError): void {
	const body = JSON.stringify(error.toStatus());
	const text = error.code === 403 ? 'Forbidden' : error.code === 404 ? 'Not Found' : error.code === 401 ? 'Unauthorized' : 'Bad Request';
	socket.end(`HTTP/1.1 ${error.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function frame(channel: number, data: Buffer): Buffer {
	return Buffer.concat([Buffer.from([channel]), data]);
}

function status(code: number | null): Record<string, unknown> {
	if (code === 0) return {metadata: {}, status: 'Success'};
	return {
		metadata: {},
		status: 'Failure',
		message: code === null ? 'command terminated by a signal' : `command terminated with non-zero exit code: ${code}`,
		reason: 'NonZeroExitCode',
		details: {causes: [{reason: 'ExitCode', message: String(code ?? 137)}]},
	};
}

/** Answers exec upgrades on `server`; returns whether the request was an exec (handled either way). */
export function execUpgradeHandler(deps: ExecDeps): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
	const wss = new WebSocketServer({
		noServer: true,
		handleProtocols: (offered) => protocols.find((protocol) => offered.has(protocol)) ?? false,
	});
	return (request, socket, head) => {
		const url = new URL(request.url ?? '/', 'https://localhost');
		const match = execPath.exec(url.pathname);
		if (!match) return refuse(socket, errors.pathNotFound());
		const [namespace, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
		const user = deps.authenticate(request);
		if (user instanceof ApiError) return refuse(socket, user);
		const denial = deps.authorize(user, 'create', execResource, namespace, name);
		if (denial) return refuse(socket, denial);
		const pod = deps.store.get('v1', 'Pod', namespace, name) as {spec?: {nodeName?: string}; status?: {phase?: string}} | undefined;
		if (!pod) return refuse(socket, errors.notFound({group: '', plural: 'pods'}, name));
		if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) return refuse(socket, errors.badRequest(`pod ${name} is not running`));
		const command = url.searchParams.getAll('command');
		if (!command.length) return refuse(socket, errors.badRequest('you must specify at least one command for the container'));
		const child = deps.nodeExec(pod.spec.nodeName, command);
		if (!child) return refuse(socket, errors.badRequest(`no node answers for ${pod.spec.nodeName}`));
		wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
			const v5 = ws.protocol === 'v5.channel.k8s.io';
			let ended = false;
			ws.on('message', (data: Buffer, isBinary) => {
				const bytes = isBinary ? data : Buffer.from(data);
				if (bytes.length === 0) return;
				const channel = bytes[0]!;
				if (channel === 0) child.stdin.write(bytes.subarray(1));
				else if (channel === 255 && v5 && bytes[1] === 0) child.stdin.end();
			});
			ws.on('close', () => {
				if (!ended) child.kill();
			});
			child.stdin.on('error', () => undefined);
			child.stdout.on('data', (chunk: Buffer) => ws.send(frame(1, chunk)));
			child.stderr.on('data', (chunk: Buffer) => ws.send(frame(2, chunk)));
			void child.exit.then((code) => {
				ended = true;
				ws.send(frame(3, Buffer.from(JSON.stringify(status(code)))), () => ws.close(1000));
			});
		});
	};
}

/**
 * The kubelet's part for pods pinned to a node something answers for: the pod is Running and its
 * container ready at once (there is no image to pull here); a pod on a node nothing answers for
 * stays Pending, as on a node that is down.
 */
export function runPinnedPods(store: ObjectStore, answers: (node: string) => boolean): () => void {
	return store.subscribe((event) => {
		if (event.type !== 'ADDED' || event.object.kind !== 'Pod') return;
		const pod = event.object as {metadata: {name: string; namespace?: string}; spec?: {nodeName?: string; containers?: Array<{name: string}>}};
		const node = pod.spec?.nodeName;
		if (!node || !answers(node)) return;
		// After the create has answered: a write from inside the store's own event would nest.
		setImmediate(() => {
			const current = store.peek(event.bucket, pod.metadata.namespace, pod.metadata.name);
			if (!current || current.metadata.uid !== event.object.metadata.uid) return;
			const startedAt = new Date().toISOString();
			store.write({
				...current,
				status: {
					phase: 'Running',
					conditions: [{type: 'Ready', status: 'True'}],
					containerStatuses: (pod.spec?.containers ?? []).map((container) => ({name: container.name, ready: true, started: true, restartCount: 0, state: {running: {startedAt}}})),
					startTime: startedAt,
				},
			});
		});
	});
}

/**
 * A pod's `chroot /host sh -s` answered by a node shell that stands for the node (the demo's
 * simulated nodes, recorded nodes in benchmarks): the script arrives on stdin, runs once stdin
 * ends, and its output goes back as the container's. Root in the pod: no sudo needed.
 */
export function shellNodeExec(shellFor: (node: string) => NodeShell | undefined): NodeExec {
	return (node, command) => {
		const shell = shellFor(node);
		if (!shell || command.join(' ') !== 'chroot /host sh -s') return undefined;
		const stdin = new PassThrough();
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		const chunks: Buffer[] = [];
		let killed = false;
		stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
		const exit = new Promise<number | null>((resolve) => {
			stdin.on('end', () => {
				void shell.run(Buffer.concat(chunks).toString('utf8'), {sudo: true, timeoutMs: 60_000}).then(
					(result) => {
						if (killed) return resolve(null);
						stdout.end(result.stdout);
						stderr.end(result.stderr);
						resolve(result.code);
					},
					(error: unknown) => {
						stderr.end(`${error instanceof Error ? error.message : String(error)}\n`);
						stdout.end();
						resolve(1);
					},
				);
			});
		});
		return {stdin, stdout, stderr, exit, kill: () => {
			killed = true;
			shell.close();
		}};
	};
}
