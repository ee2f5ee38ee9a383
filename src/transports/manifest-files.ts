// The files behind --manifests. A manifest folder is anyone's git checkout, so it is read with
// suspicion: only regular files, and symlinks to regular files or folders inside the folders
// given; a FIFO would block the read forever and /dev/zero would fill the memory, so neither is
// ever read (input-file.ts: O_NONBLOCK, then fstat on the open descriptor). Whatever is left out is
// reported, never silently dropped.
import {lstatSync, readdirSync, realpathSync, statSync, type Stats} from 'node:fs';
import {join, relative, isAbsolute} from 'node:path';
import {fileProblem, UsageError} from '../model/errors.js';
import {InputFileError, kindOf, readRegularFile} from './input-file.js';

export const manifestFile = /\.(ya?ml|json)$/i;

/** One manifest file may hold a whole bundle, but not more than this. */
export const maxManifestBytes = 16 * 1024 * 1024;

export type SkippedPath = {readonly path: string; readonly reason: string};

export type ManifestFile = {readonly path: string; readonly text: string};

function code(error: unknown): string {
	return (error as NodeJS.ErrnoException).code ?? String(error);
}

function tooBig(path: string): UsageError {
	return new UsageError(`${path}: over the ${Math.round(maxManifestBytes / (1024 * 1024))} MB limit for one manifest file`, 'split the file, or pass the folders that hold the manifests you mean');
}

/**
 * Reads one file that was a regular file when listed; one swapped for a FIFO or a device in
 * between is reported and skipped, not read (readRegularFile checks the open descriptor).
 */
function readRegular(path: string, onSkip: (skipped: SkippedPath) => void): string | undefined {
	try {
		return readRegularFile(path, maxManifestBytes).toString('utf8');
	} catch (error) {
		if (error instanceof InputFileError && error.reason === 'too-big') throw tooBig(path);
		if (error instanceof InputFileError) {
			onSkip({path, reason: `${error.message.replace(/^it is /, '')}`});
			return undefined;
		}
		throw new UsageError(`${path}: cannot read: ${fileProblem(error)}`, 'check the file permissions');
	}
}

function isInside(root: string, path: string): boolean {
	const rel = relative(root, path);
	return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Every manifest file under the given paths, in a stable order. A path given on the command line
 * must exist and be a file or a folder; inside folders, dot entries are left out, symlinks are
 * followed only to targets inside one of the given paths, each folder is read once (a symlink
 * loop is reported), and anything that is not a regular file is reported and skipped.
 */
export function manifestFiles(paths: readonly string[], onSkip: (skipped: SkippedPath) => void): ManifestFile[] {
	const roots: string[] = [];
	for (const path of paths) {
		try {
			roots.push(realpathSync(path));
		} catch (error) {
			if (code(error) === 'ENOENT') throw new UsageError(`${path}: no such file or folder`, 'check the --manifests path');
			throw new UsageError(`${path}: cannot read: ${fileProblem(error)}`, 'check the --manifests path and its permissions');
		}
	}
	const seenFolders = new Set<string>();
	const seenFiles = new Map<string, string>();
	const out: ManifestFile[] = [];

	const readFile = (shown: string, real: string) => {
		const first = seenFiles.get(real);
		if (first !== undefined) {
			// Read twice, every object would be reported twice.
			onSkip({path: shown, reason: `the same file as ${first}, already read`});
			return;
		}
		seenFiles.set(real, shown);
		const text = readRegular(real, (skipped) => onSkip({...skipped, path: shown}));
		if (text !== undefined) out.push({path: shown, text});
	};

	const walk = (shown: string, real: string) => {
		if (seenFolders.has(real)) {
			onSkip({path: shown, reason: `folder already read (${real}): a symlink loop or a second link to it`});
			return;
		}
		seenFolders.add(real);
		let entries;
		try {
			entries = readdirSync(real, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name));
		} catch (error) {
			throw new UsageError(`${shown}: cannot read folder: ${fileProblem(error)}`, 'check the folder permissions, or leave it out of --manifests');
		}
		for (const entry of entries) {
			if (entry.name.startsWith('.')) continue;
			const child = join(shown, entry.name);
			const realChild = join(real, entry.name);
			let stat: Stats;
			let target = realChild;
			try {
				stat = lstatSync(realChild);
				if (stat.isSymbolicLink()) {
					target = realpathSync(realChild);
					stat = statSync(target);
				}
			} catch (error) {
				const why = code(error) === 'ELOOP' ? 'a symlink loop' : code(error) === 'ENOENT' ? 'a broken symlink' : `cannot read: ${fileProblem(error)}`;
				if (manifestFile.test(entry.name) || entry.isSymbolicLink()) onSkip({path: child, reason: why});
				continue;
			}
			if (target !== realChild && !roots.some((root) => isInside(root, target))) {
				if (stat.isDirectory() || manifestFile.test(entry.name)) onSkip({path: child, reason: `a symlink to ${target}, outside the --manifests paths`});
				continue;
			}
			if (stat.isDirectory()) walk(child, target);
			else if (!manifestFile.test(entry.name)) continue;
			else if (stat.isFile()) readFile(child, target);
			else onSkip({path: child, reason: `${kindOf(stat)}, not a regular file`});
		}
	};

	paths.forEach((path, index) => {
		const real = roots[index]!;
		let stat: Stats;
		try {
			stat = statSync(real);
		} catch (error) {
			throw new UsageError(`${path}: cannot read: ${fileProblem(error)}`, 'check the --manifests path and its permissions');
		}
		if (stat.isDirectory()) walk(path, real);
		else if (stat.isFile()) readFile(path, real);
		else throw new UsageError(`${path}: ${kindOf(stat)}, not a manifest file or folder`, 'pass files or folders of YAML or JSON manifests');
	});
	return out;
}
