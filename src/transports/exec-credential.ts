// Exec credential plugins (kubelogin for Entra ID, `az`, a vendor script) as kubectl runs them,
// but bounded: a plugin that waits for a login nobody will give is stopped at --timeout, its
// output is capped, and whatever goes wrong is one line that never quotes the plugin's stdout
// (it may carry half a token). Replaces the Kubernetes client's own runner, which has no bound.
import {spawn} from 'node:child_process';
import {basename} from 'node:path';
import type {KubeConfig, User} from '@kubernetes/client-node';
import {UsageError} from '../model/errors.js';
import {printable} from '../model/printable.js';
import {getCredentials} from './kubeconfig.js';

/** An ExecCredential is a few kilobytes; more is not one. */
const maxStdoutBytes = 1024 * 1024;
const maxStderrBytes = 64 * 1024;

type ExecConfig = {
	readonly command: string;
	readonly args?: readonly string[];
	readonly env?: ReadonlyArray<{readonly name: string; readonly value: string}>;
	readonly apiVersion?: string;
};

type Credential = {
	readonly token?: string;
	readonly clientCertificateData?: string;
	readonly clientKeyData?: string;
	readonly expirationTimestamp?: string;
};

type Options = {headers?: Record<string, string | string[] | number | undefined>; cert?: unknown; key?: unknown};

function execOf(user: User): ExecConfig | undefined {
	const provider = user.authProvider as {name?: string; config?: {exec?: ExecConfig}} | undefined;
	return (user.exec as ExecConfig | undefined) ?? provider?.config?.exec;
}

function firstLine(text: string): string {
	return text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}

/** Runs the plugin once: its ExecCredential status, or a UsageError saying why not. */
export function runExecPlugin(exec: ExecConfig, timeoutMs: number): Promise<Credential> {
	const name = printable(basename(exec.command));
	const env: NodeJS.ProcessEnv = {...process.env};
	for (const entry of exec.env ?? []) env[entry.name] = entry.value;
	// What kubectl tells the plugin: the API it is asked for, and that no one can answer a prompt.
	env['KUBERNETES_EXEC_INFO'] = JSON.stringify({apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: {interactive: false}});
	return new Promise((resolve, reject) => {
		// Its own process group (POSIX), so stopping it also stops whatever it started.
		const isGroup = process.platform !== 'win32';
		const child = spawn(exec.command, [...(exec.args ?? [])], {env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: isGroup});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		let outBytes = 0;
		let errBytes = 0;
		let settled = false;
		const finish = (outcome: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			outcome();
		};
		// Stops the plugin and its children and lets go of the pipes: nothing it started may keep
		// this process waiting.
		const stop = () => {
			try {
				if (isGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
				else child.kill('SIGKILL');
			} catch {
				// already gone
			}
			child.stdout.destroy();
			child.stderr.destroy();
		};
		const timer = setTimeout(() => {
			stop();
			finish(() =>
				reject(new UsageError(`the exec credential plugin "${name}" did not answer within ${Math.round(timeoutMs / 1000)} s`, `run it yourself to see what it waits for (a browser or device-code login?), then retry; or raise --timeout; or ${getCredentials}`)),
			);
		}, timeoutMs);
		child.stdout.on('data', (chunk: Buffer) => {
			outBytes += chunk.length;
			if (outBytes > maxStdoutBytes) {
				stop();
				finish(() => reject(new UsageError(`the exec credential plugin "${name}" printed more than 1 MB, which is no ExecCredential`, `check the kubeconfig's exec command; ${getCredentials}`)));
				return;
			}
			stdout.push(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			if (errBytes < maxStderrBytes) stderr.push(chunk);
			errBytes += chunk.length;
		});
		child.on('error', (error: NodeJS.ErrnoException) => {
			stop();
			finish(() => reject(new UsageError(`the exec credential plugin "${name}" could not start: ${error.code ?? error.message}`, `install it or fix the kubeconfig's exec command; ${getCredentials}`)));
		});
		child.on('close', (code, signal) => {
			finish(() => {
				if (code !== 0) {
					const why = printable(firstLine(Buffer.concat(stderr).toString('utf8'))).slice(0, 300);
					reject(new UsageError(`the exec credential plugin "${name}" failed (${code === null ? `signal ${signal}` : `exit ${code}`})${why ? `: ${why}` : ''}`, getCredentials));
					return;
				}
				let parsed: unknown;
				try {
					parsed = JSON.parse(Buffer.concat(stdout).toString('utf8'));
				} catch {
					// Never quote the output: whatever it is, it may hold a credential.
					reject(new UsageError(`the exec credential plugin "${name}" did not print an ExecCredential (its output is not JSON)`, `run it yourself and check what it prints; ${getCredentials}`));
					return;
				}
				const status = (parsed as {status?: Credential} | null)?.status;
				if (!status || typeof status !== 'object' || (typeof status.token !== 'string' && typeof status.clientCertificateData !== 'string')) {
					reject(new UsageError(`the exec credential plugin "${name}" printed JSON without status.token or status.clientCertificateData`, getCredentials));
					return;
				}
				resolve(status);
			});
		});
	});
}

/** The Kubernetes client's authenticator interface, as KubeConfig calls it. */
type Authenticator = {isAuthProvider(user: User): boolean; applyAuthentication(user: User, opts: Options): Promise<void>};

export function boundedExecAuth(timeoutMs: number): Authenticator {
	const cache = new Map<string, Credential>();
	const fresh = (credential: Credential | undefined) => credential && (!credential.expirationTimestamp || Date.parse(credential.expirationTimestamp) > Date.now());
	const inflight = new Map<string, Promise<Credential>>();
	return {
		isAuthProvider: (user) => execOf(user) !== undefined,
		async applyAuthentication(user, opts) {
			const exec = execOf(user)!;
			let credential = cache.get(user.name);
			if (!fresh(credential)) {
				// Requests in parallel share one plugin run.
				let running = inflight.get(user.name);
				if (!running) {
					running = runExecPlugin(exec, timeoutMs).finally(() => inflight.delete(user.name));
					inflight.set(user.name, running);
				}
				credential = await running;
				cache.set(user.name, credential);
			}
			if (credential!.clientCertificateData) opts.cert = credential!.clientCertificateData;
			if (credential!.clientKeyData) opts.key = credential!.clientKeyData;
			if (credential!.token) opts.headers = {...opts.headers, Authorization: `Bearer ${credential!.token}`};
		},
	};
}

/**
 * Puts the bounded runner in place of the client's own. KubeConfig consults its built-in
 * authenticators before any added one, so the exec entry is swapped in that list itself.
 */
export function boundExecPlugins(config: KubeConfig, timeoutMs: number): void {
	const holder = config as unknown as {authenticators?: Authenticator[]};
	if (!Array.isArray(holder.authenticators)) throw new Error('@kubernetes/client-node changed: KubeConfig has no authenticators list to bound exec plugins in');
	const bounded = boundedExecAuth(timeoutMs);
	const probe = {name: 'probe', exec: {command: 'x'}} as unknown as User;
	holder.authenticators = holder.authenticators.map((auth) => (auth.isAuthProvider(probe) && !(auth as {isBounded?: boolean}).isBounded ? Object.assign(bounded, {isBounded: true}) : auth));
}
