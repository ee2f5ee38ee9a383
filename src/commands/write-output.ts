import {renameSync, writeFileSync, rmSync} from 'node:fs';
import {dirname, basename, join} from 'node:path';
import {UsageError} from '../model/errors.js';

/** Write a whole file or nothing: a temp file beside the target, then rename over it. */
export function writeAtomically(path: string, text: string): void {
	const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	try {
		writeFileSync(temp, text, {mode: 0o644});
		renameSync(temp, path);
	} catch (error) {
		rmSync(temp, {force: true});
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new UsageError(`cannot write ${path}: ${code}`, 'check that the folder exists and is writable');
	}
}
