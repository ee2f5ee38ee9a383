import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Readable, Writable} from 'node:stream';
import {chromiumExecutable} from '../support/prerequisites.js';

/** The system Chromium (Debian package, installed by .ci/run); never a downloaded browser. */
export const chromiumPath = chromiumExecutable();

type Pending = {resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void; method: string};
type Event = {method: string; params: Record<string, unknown>; sessionId?: string};

/**
 * A minimal DevTools-protocol client over `--remote-debugging-pipe` (fd 3 in, fd 4 out, messages
 * NUL-terminated JSON): no package, no downloaded browser, no network port.
 */
export class Chromium {
	readonly events: Event[] = [];
	readonly #process: ChildProcess;
	readonly #in: Writable;
	readonly #pending = new Map<number, Pending>();
	readonly #waiters: Array<{method: string; resolve: (event: Event) => void}> = [];
	readonly #profile: string;
	readonly stderr: string[] = [];
	#id = 0;
	#buffer = '';

	private constructor(executable: string) {
		this.#profile = mkdtempSync(join(tmpdir(), 'aks-harden-chromium-'));
		this.#process = spawn(
			executable,
			[
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--no-default-browser-check',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-extensions',
				'--disable-dev-shm-usage',
				`--user-data-dir=${this.#profile}`,
				'--remote-debugging-pipe',
				'about:blank',
			],
			{stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']},
		);
		this.#in = this.#process.stdio[3] as Writable;
		const out = this.#process.stdio[4] as Readable;
		out.setEncoding('utf8');
		out.on('data', (chunk: string) => this.#receive(chunk));
		(this.#process.stderr as Readable).setEncoding('utf8');
		(this.#process.stderr as Readable).on('data', (chunk: string) => this.stderr.push(chunk));
		this.#process.on('exit', () => {
			for (const pending of this.#pending.values()) pending.reject(new Error(`chromium exited during ${pending.method}`));
			this.#pending.clear();
		});
	}

	static async launch(executable = chromiumPath): Promise<Chromium> {
		if (!executable) throw new Error('the HTML report test needs Chromium: apt-get install chromium (as .ci/run does)');
		const browser = new Chromium(executable);
		await browser.send('Browser.getVersion');
		return browser;
	}

	#receive(chunk: string): void {
		this.#buffer += chunk;
		let end: number;
		while ((end = this.#buffer.indexOf('\0')) !== -1) {
			const message = JSON.parse(this.#buffer.slice(0, end)) as {id?: number; result?: Record<string, unknown>; error?: {message: string}; method?: string; params?: Record<string, unknown>; sessionId?: string};
			this.#buffer = this.#buffer.slice(end + 1);
			if (message.id !== undefined) {
				const pending = this.#pending.get(message.id);
				this.#pending.delete(message.id);
				if (message.error) pending?.reject(new Error(`${pending.method}: ${message.error.message}`));
				else pending?.resolve(message.result ?? {});
			} else if (message.method) {
				const event: Event = {method: message.method, params: message.params ?? {}, ...(message.sessionId ? {sessionId: message.sessionId} : {})};
				this.events.push(event);
				for (const waiter of this.#waiters.filter((entry) => entry.method === event.method)) {
					this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
					waiter.resolve(event);
				}
			}
		}
	}

	send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
		const id = ++this.#id;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, {resolve, reject, method});
			this.#in.write(`${JSON.stringify({id, method, params, ...(sessionId ? {sessionId} : {})})}\0`);
		});
	}

	waitFor(method: string, timeoutMs = 15_000): Promise<Event> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
			this.#waiters.push({method, resolve: (event) => {
				clearTimeout(timer);
				resolve(event);
			}});
		});
	}

	/** A fresh page with the Runtime, Log, Network and Page domains on; returns its session id. */
	async newPage(): Promise<string> {
		const {targetId} = await this.send('Target.createTarget', {url: 'about:blank'});
		const {sessionId} = await this.send('Target.attachToTarget', {targetId, flatten: true});
		const session = sessionId as string;
		for (const domain of ['Runtime', 'Log', 'Network', 'Page']) await this.send(`${domain}.enable`, {}, session);
		return session;
	}

	async navigate(session: string, url: string): Promise<void> {
		const loaded = this.waitFor('Page.loadEventFired');
		await this.send('Page.navigate', {url}, session);
		await loaded;
	}

	/** Evaluate an expression in the page and return its JSON value; page exceptions are thrown. */
	async evaluate<T>(session: string, expression: string): Promise<T> {
		const result = (await this.send('Runtime.evaluate', {expression, returnByValue: true, awaitPromise: true}, session)) as {result: {value: T}; exceptionDetails?: {text: string; exception?: {description?: string}}};
		if (result.exceptionDetails) throw new Error(`page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
		return result.result.value;
	}

	/** Uncaught exceptions, console.error calls and error-level log entries (CSP violations, failed loads). */
	errors(session: string): string[] {
		const out: string[] = [];
		for (const event of this.events.filter((entry) => entry.sessionId === session)) {
			if (event.method === 'Runtime.exceptionThrown') out.push(`exception: ${JSON.stringify(event.params['exceptionDetails'])}`);
			if (event.method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(String(event.params['type']))) out.push(`console.${String(event.params['type'])}: ${JSON.stringify(event.params['args'])}`);
			if (event.method === 'Log.entryAdded' && (event.params['entry'] as {level: string}).level === 'error') out.push(`log: ${JSON.stringify(event.params['entry'])}`);
		}
		return out;
	}

	/** Every URL the page asked the network stack for. */
	requests(session: string): string[] {
		return this.events
			.filter((event) => event.sessionId === session && event.method === 'Network.requestWillBeSent')
			.map((event) => (event.params['request'] as {url: string}).url);
	}

	async close(): Promise<void> {
		const exited = new Promise<void>((resolve) => {
			if (this.#process.exitCode !== null) resolve();
			else this.#process.once('exit', () => resolve());
		});
		try {
			await Promise.race([this.send('Browser.close'), new Promise((resolve) => setTimeout(resolve, 3000))]);
		} catch {
			// exiting
		}
		const timer = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
		rmSync(this.#profile, {recursive: true, force: true});
	}
}
