import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {dirname, join, basename} from 'node:path';
import {randomBytes} from 'node:crypto';
import {SessionSchema, type SessionFile} from '../ui/state/session.js';
import type {LoadedSession, SessionStore} from '../ui/deps.js';

/** The walkthrough's session in one file of the state folder; the UI sees only the store. */
export function fileSessionStore(file: string): SessionStore {
	return {file, load: () => loadSession(file), save: (session) => saveSession(file, session)};
}

export async function loadSession(file: string): Promise<LoadedSession> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'none'};
		return {kind: 'unreadable', reason: (error as Error).message};
	}
	try {
		const parsed = SessionSchema.safeParse(JSON.parse(text));
		if (!parsed.success) return {kind: 'unreadable', reason: parsed.error.issues[0]?.message ?? 'not a session file'};
		return {kind: 'ok', session: parsed.data};
	} catch (error) {
		return {kind: 'unreadable', reason: (error as Error).message};
	}
}

/** Windows refuses a rename for a moment while another process (a virus scanner) has the file open. */
async function renameWithRetry(from: string, to: string): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await rename(from, to);
			return;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
			await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
		}
	}
}

/**
 * Write the whole file beside its final name and rename it into place, so a crash mid-write
 * leaves the previous session intact rather than half a JSON document.
 */
export async function saveSession(file: string, session: SessionFile): Promise<void> {
	await mkdir(dirname(file), {recursive: true});
	const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		await writeFile(temp, `${JSON.stringify(session, null, '\t')}\n`, {encoding: 'utf8', mode: 0o600});
		await renameWithRetry(temp, file);
	} catch (error) {
		await rm(temp, {force: true});
		throw error;
	}
}
