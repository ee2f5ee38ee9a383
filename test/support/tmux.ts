// Drives a real terminal: a program runs in a detached tmux pane of a fixed size, keys go in
// with send-keys, and the screen comes back with capture-pane. Each session has its own tmux
// server (-L with a unique socket name, -f /dev/null), so a user's tmux is never touched.
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

export type TmuxOptions = {
	/** argv of the program; the first element is the executable. */
	readonly command: readonly string[];
	readonly cwd?: string;
	/** Extra environment for the program (tmux passes its server's environment otherwise). */
	readonly env?: Readonly<Record<string, string>>;
	/** @default 80 */
	readonly columns?: number;
	/** @default 24 */
	readonly rows?: number;
};

function shellQuote(value: string): string {
	return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

export class TmuxSession {
	readonly socket: string;
	readonly target = 'walkthrough';
	/** The wrapper shell writes the program's exit status here. */
	private readonly statusFile: string;
	private readonly scratch: string;

	private constructor(socket: string) {
		this.socket = socket;
		this.scratch = mkdtempSync(join(tmpdir(), 'aks-harden-tmux-'));
		this.statusFile = join(this.scratch, 'status');
	}

	/**
	 * Start the program in an 80×24 pane (by default). The pane stays after the program exits
	 * (remain-on-exit) so its last screen can be read; a wrapper shell records the exit status,
	 * because tmux can mark a pane dead before it has reaped the process and learnt its status.
	 */
	static async start({command, cwd = process.cwd(), env = {}, columns = 80, rows = 24}: TmuxOptions): Promise<TmuxSession> {
		const session = new TmuxSession(`aks-harden-test-${process.pid}-${randomBytes(4).toString('hex')}`);
		// The pane starts with a shell that does nothing, remain-on-exit is set, and only then is
		// the program started with respawn-pane: an early exit cannot beat the option.
		await session.tmux('new-session', '-d', '-s', session.target, '-x', String(columns), '-y', String(rows), '-c', cwd, 'sleep 600');
		await session.tmux('set-option', '-g', 'remain-on-exit', 'on');
		await session.tmux('set-option', '-g', 'status', 'off');
		const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
		const program = command.map(shellQuote).join(' ');
		const wrapped = `${program}; echo $? > ${shellQuote(session.statusFile)}`;
		await session.tmux('respawn-pane', '-k', '-t', session.target, '-c', cwd, ...envArgs, wrapped);
		return session;
	}

	async tmux(...args: string[]): Promise<string> {
		const {stdout} = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
		return stdout;
	}

	/** Named keys as tmux spells them: Enter, Escape, Up, Down, NPage, PPage, BSpace, Space, C-c. */
	async send(...keys: string[]): Promise<void> {
		await this.tmux('send-keys', '-t', this.target, ...keys);
	}

	/** Text typed as is (no key-name lookup). */
	async type(text: string): Promise<void> {
		await this.tmux('send-keys', '-t', this.target, '-l', text);
	}

	/** The visible screen, one line per row, without escape codes. */
	async capture(): Promise<string> {
		return this.tmux('capture-pane', '-p', '-t', this.target);
	}

	async size(): Promise<{readonly columns: number; readonly rows: number}> {
		const out = await this.tmux('display-message', '-p', '-t', this.target, '#{pane_width} #{pane_height}');
		const [columns, rows] = out.trim().split(' ').map(Number);
		return {columns: columns!, rows: rows!};
	}

	/** Poll the screen until the predicate holds; the error carries the last screen. */
	async waitFor(predicate: (screen: string) => boolean, {timeoutMs = 20_000, what = 'the screen'}: {readonly timeoutMs?: number; readonly what?: string} = {}): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		for (;;) {
			screen = await this.capture();
			if (predicate(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	waitForText(needle: string | RegExp, options: {readonly timeoutMs?: number} = {}): Promise<string> {
		const matches = (screen: string) => (typeof needle === 'string' ? screen.includes(needle) : needle.test(screen));
		return this.waitFor(matches, {...options, what: String(needle)});
	}

	/** The program's exit status once it has exited, else undefined. */
	async exitStatus(): Promise<number | undefined> {
		try {
			const text = readFileSync(this.statusFile, 'utf8').trim();
			return text ? Number(text) : undefined;
		} catch {
			return undefined;
		}
	}

	async waitForExit({timeoutMs = 20_000}: {readonly timeoutMs?: number} = {}): Promise<number> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const status = await this.exitStatus();
			if (status !== undefined) return status;
			if (Date.now() > deadline) throw new Error(`the program did not exit within ${timeoutMs} ms; screen:\n${await this.capture()}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** `q`, and `y` if the walkthrough asks "Quit?" (it does when there is unsaved work): the exit status. */
	async quit(): Promise<number> {
		await this.send('q');
		return Promise.race([
			this.waitForExit({timeoutMs: 15_000}),
			this.waitForText('Quit?', {timeoutMs: 15_000}).then(async () => {
				await this.send('y');
				return this.waitForExit();
			}),
		]);
	}

	async resize(columns: number, rows: number): Promise<void> {
		await this.tmux('resize-window', '-t', this.target, '-x', String(columns), '-y', String(rows));
	}

	/**
	 * Stops the whole private tmux server. Ends the pane's programs and waits until they have exited: a program still closing after its
	 * terminal went away (saving, releasing a lock) would otherwise meet the next test's program.
	 */
	async kill(): Promise<void> {
		const pane = Number((await this.tmux('display-message', '-p', '-t', this.target, '#{pane_pid}').catch(() => '')).trim());
		const programs = Number.isInteger(pane) && pane > 0 ? [pane, ...descendants(pane)] : [];
		await this.tmux('kill-server').catch(() => undefined);
		const deadline = Date.now() + 10_000;
		while (programs.some(isRunning) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		rmSync(this.scratch, {recursive: true, force: true});
	}
}

/** Every process below `pid`, from /proc (children of children included). */
function descendants(pid: number): number[] {
	const parents = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// Field 4 of /proc/PID/stat is the parent; the name (field 2) may hold spaces, so read after its ')'.
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// The process ended while the list was read.
		}
	}
	const found: number[] = [];
	const queue = [pid];
	while (queue.length) {
		const parent = queue.shift()!;
		for (const [child, of] of parents) if (of === parent) {
			found.push(child);
			queue.push(child);
		}
	}
	return found;
}

/** Alive and not yet a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}
