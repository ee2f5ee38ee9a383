import {closeSync, lstatSync, openSync, writeSync, type Stats} from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import {fileProblem, UsageError} from '../model/errors.js';
import {kindOf} from '../transports/input-file.js';


/**
 * Refuses a target that is not a regular file (or not there yet). The write renames a new file
 * over the path: over a device that would replace the device node itself (as root, /dev/full),
 * over a symbolic link the link, not the file it points to. Both are refused instead.
 */
export function checkOutputTarget(path: string): void {
	let stats: Stats;
	try {
		stats = lstatSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return;
		throw new UsageError(`cannot write ${path}: ${fileProblem(error)}`, 'check the path and its permissions');
	}
	if (!stats.isFile()) throw new UsageError(`cannot write ${path}: it is ${kindOf(stats)}, and aks-harden writes only regular files`, 'pass the path of a regular file (or of one to create)');
}

/**
 * Write a whole file or nothing: a temp file beside the target, then rename over it. The file
 * replaced keeps its mode and owner (a 0600 report stays 0600). The temp file is removed on every
 * way out, a signal included: write-file-atomic holds SIGINT and SIGTERM until the write is done
 * and cleans up before the process exits.
 */
export function writeAtomically(path: string, text: string): void {
	checkOutputTarget(path);
	try {
		writeFileAtomic.sync(path, text, {encoding: 'utf8'});
	} catch (error) {
		throw writeFailure(path, error);
	}
}

/** A failed write in words, with the next step that fits it; nothing was left behind. */
function writeFailure(path: string, error: unknown): UsageError {
	const code = (error as NodeJS.ErrnoException).code;
	const next = code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space there, or pass --output a path on another disk; nothing was written' : code === 'EROFS' ? 'pass --output a path on a writable file system; nothing was written' : 'check that the folder exists and is writable; nothing was written';
	return new UsageError(`cannot write ${path}: ${fileProblem(error)}`, next);
}

/** Pieces are gathered to about this size before each write: fewer system calls, little held. */
const writeBatch = 1 << 20;

/**
 * `writeAtomically` for text that comes in pieces (a large report): the pieces go straight into
 * write-file-atomic's temp file as they are made, so the whole text is never held at once. The
 * temp file, its mode and owner, the rename and the clean-up on error or signal stay the
 * library's; only the filling is ours, through its `tmpfileCreated` hook.
 */
export function writeChunksAtomically(path: string, chunks: Iterable<string>): void {
	checkOutputTarget(path);
	try {
		writeFileAtomic.sync(path, '', {
			encoding: 'utf8',
			tmpfileCreated: (tmpfile: string) => {
				const fd = openSync(tmpfile, 'r+');
				try {
					let pending = '';
					for (const chunk of chunks) {
						pending += chunk;
						if (pending.length < writeBatch) continue;
						writeSync(fd, pending);
						pending = '';
					}
					if (pending) writeSync(fd, pending);
				} finally {
					closeSync(fd);
				}
			},
		});
	} catch (error) {
		// A failure to make the pieces is not a file problem: it keeps its own message.
		if (!(error as NodeJS.ErrnoException).code) throw error;
		throw writeFailure(path, error);
	}
}
