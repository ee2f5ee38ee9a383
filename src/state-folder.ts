// Several runs may share one state folder (two terminals on one cluster, a walkthrough and a
// headless fix). Two rules keep that safe: a walkthrough's session file belongs to one run at a
// time (a second run on the same cluster saves to a file of its own and says so, instead of both
// overwriting each other's notes), and a line of the audit log is written whole under a lock, so
// lines of two runs never interleave.
import {closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs';
import {hostname} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {InputFileError, kindOf} from './transports/input-file.js';

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		// EPERM: it exists, run by someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	// A run that ended but was not reaped yet (a zombie, as under an init that reaps late) still
	// answers signal 0: on Linux its state says it is over.
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return true;
	}
}

/** The run holding a lock file, unless it has ended (or ran on another machine sharing the folder). */
function holder(lock: string): {pid: number; host: string} | undefined {
	try {
		const [pid = '', host = ''] = readFileSync(lock, 'utf8').trim().split(' ');
		const owner = {pid: Number(pid), host};
		if (!Number.isInteger(owner.pid) || owner.pid <= 0) return undefined;
		if (owner.host === hostname() && !isAlive(owner.pid)) return undefined;
		return owner;
	} catch {
		return undefined;
	}
}

export type ClaimedSession = {
	/** The file this run reads and saves its session to. */
	readonly file: string;
	/** Said on screen when the usual file is in use by another run. */
	readonly note?: string;
	readonly release: () => void;
};

/**
 * Takes the session file for this run: `<file>.lock` holds our pid. When a live run holds it, this
 * run gets `<name>.<pid>.json` beside it; a lock left by a run that ended is taken over.
 */
export function claimSessionFile(file: string): ClaimedSession {
	mkdirSync(dirname(file), {recursive: true});
	const lock = `${file}.lock`;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			writeFileSync(lock, `${process.pid} ${hostname()}\n`, {flag: 'wx', mode: 0o600});
			const release = () => {
				if (holder(lock)?.pid === process.pid) rmSync(lock, {force: true});
				process.removeListener('exit', release);
			};
			process.on('exit', release);
			return {file, release};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = holder(lock);
			if (owner) {
				const own = join(dirname(file), `${basename(file, '.json')}.${process.pid}.json`);
				return {file: own, note: `another aks-harden run (pid ${owner.pid}) has this cluster's session open: this one is saved to ${own}`, release: () => {}};
			}
			rmSync(lock, {force: true});
		}
	}
	return {file, release: () => {}};
}

const lockWaitMs = 10_000;
/** A lock older than this was left by a run that died between taking and releasing it. */
const staleMs = 30_000;

function sleep(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `write` holding `<file>.lock` (a folder: mkdir is atomic everywhere, Windows included).
 * Held for one append only, so a wait is short; a lock left behind by a killed run is broken.
 */
export function withFileLock<T>(file: string, write: () => T): T {
	const lock = `${file}.lock`;
	const started = Date.now();
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let age = 0;
			try {
				age = Date.now() - statSync(lock).mtimeMs;
			} catch {
				continue;
			}
			if (age > staleMs || Date.now() - started > lockWaitMs) {
				rmSync(lock, {recursive: true, force: true});
				continue;
			}
			sleep(5);
		}
	}
	try {
		return write();
	} finally {
		rmSync(lock, {recursive: true, force: true});
	}
}

/** One line appended whole: O_APPEND, every byte written before the lock is let go. */
export function appendLine(file: string, line: string): void {
	mkdirSync(dirname(file), {recursive: true});
	withFileLock(file, () => {
		const fd = openAppendable(file);
		try {
			const bytes = Buffer.from(line, 'utf8');
			for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
		} finally {
			closeSync(fd);
		}
	});
}

/**
 * Opens a file to append to, creating it (0600) if need be, and only if it is a regular file:
 * non-blocking, so a named pipe with no reader fails at once (ENXIO) instead of hanging, and
 * checked on the descriptor, so a device such as /dev/full is refused before a byte is written.
 */
export function openAppendable(file: string): number {
	const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NONBLOCK ?? 0), 0o600);
	const stat = fstatSync(fd);
	if (!stat.isFile()) {
		closeSync(fd);
		throw new InputFileError('not-regular', `it is ${kindOf(stat)}, not a regular file`);
	}
	return fd;
}

