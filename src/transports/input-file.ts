// Every file a user names on the command line (a plan, a saved audit, waivers, an inventory, a
// kubeconfig, an SSH key…) is read here. A path can be anything: a FIFO would block a plain read
// forever and /dev/zero would fill the memory, so a file is opened non-blocking, checked on its
// open descriptor (no race with a swap in between) and read up to a limit, never past it.
import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs';

/** Why a file was not read, in words; `fileProblem()` shows the message as it is. */
export class InputFileError extends Error {
	override readonly name = 'InputFileError';
	constructor(
		readonly reason: 'not-regular' | 'too-big',
		message: string,
	) {
		super(message);
	}
}

/** Settings, inventories, kubeconfigs, keys, known_hosts: text written by hand or a tool. */
export const smallFileBytes = 16 * 1024 * 1024;
/** Plans and saved audits: a 10,000-pod cluster's audit is tens of MB. */
export const reportFileBytes = 256 * 1024 * 1024;

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** What a path that is not a regular file is, in words (for an lstat, a symbolic link too). */
export function kindOf(stat: Stats): string {
	if (stat.isSymbolicLink()) return 'a symbolic link';
	if (stat.isDirectory()) return 'a folder';
	if (stat.isFIFO()) return 'a named pipe';
	if (stat.isSocket()) return 'a socket';
	if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
	return 'not a regular file';
}

/**
 * The bytes of a regular file of at most `maxBytes`. Anything else throws: an `InputFileError`
 * for a non-regular file or one over the limit, the system's error (ENOENT, EACCES…) otherwise.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
	const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) throw new InputFileError('not-regular', `it is ${kindOf(stat)}, not a regular file`);
		const tooBig = () => new InputFileError('too-big', `it is over the ${megabytes(maxBytes)} limit for this kind of file`);
		if (stat.size > maxBytes) throw tooBig();
		// Read to the end, but never past the limit: the file may grow while it is read.
		const chunks: Buffer[] = [];
		let total = 0;
		for (;;) {
			const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
			const read = readSync(fd, chunk, 0, chunk.length, null);
			if (read === 0) break;
			total += read;
			if (total > maxBytes) throw tooBig();
			chunks.push(chunk.subarray(0, read));
		}
		return Buffer.concat(chunks);
	} finally {
		closeSync(fd);
	}
}

/** The same, as UTF-8 text. */
export function readTextFile(path: string, maxBytes = smallFileBytes): string {
	return readRegularFile(path, maxBytes).toString('utf8');
}

/** How deep a JSON file we read may nest: no plan or audit comes near it (manifests share it). */
export const maxJsonDepth = 200;

/**
 * Whether a parsed JSON value nests deeper than `limit`, found without recursion: JSON.parse
 * takes any depth, but the code that walks the value afterwards (digests, renderers) recurses,
 * and a hostile file 200,000 levels deep would overflow its stack.
 */
export function nestedDeeperThan(value: unknown, limit = maxJsonDepth): boolean {
	const stack: Array<{value: unknown; depth: number}> = [{value, depth: 0}];
	while (stack.length) {
		const {value: current, depth} = stack.pop()!;
		if (current === null || typeof current !== 'object') continue;
		if (depth >= limit) return true;
		for (const child of Array.isArray(current) ? current : Object.values(current)) if (child !== null && typeof child === 'object') stack.push({value: child, depth: depth + 1});
	}
	return false;
}
