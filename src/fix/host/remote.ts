// The node side of a host fix, one small script per step so that each step succeeds or fails on
// its own and a connection lost between two steps leaves a state we can name: the old file or
// the new one, a backup beside it, never half a file. Every script is a constant; paths and
// contents reach it as quoted arguments or as base64 text, never spliced into shell code.
import {createHash, randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import type {NodeShell, RunResult} from '../../transports/interfaces.js';
import {setArgs} from '../shell-quote.js';
import type {StepHooks} from '../events.js';

const timeoutMs = 60_000;
const preamble = 'LC_ALL=C; export LC_ALL\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH\n';

export class RemoteError extends Error {
	override readonly name = 'RemoteError';
}

export async function run(session: NodeShell, args: readonly string[], script: string): Promise<RunResult> {
	return session.run(`${preamble}${setArgs(args)}\n${script}\n`, {sudo: true, timeoutMs});
}

export function failure(what: string, result: RunResult): RemoteError {
	const line = (result.stderr || result.stdout).split('\n').map((text) => text.trim()).find(Boolean);
	if (result.code === 1 && /password is required|a terminal is required|not in the sudoers|may not run sudo/i.test(result.stderr)) {
		return new RemoteError(`${what}: sudo refused (${line}); host fixes need root, which AKS hybrid's restricted SSH does not give`);
	}
	return new RemoteError(`${what} failed (exit ${result.code ?? result.signal ?? '?'})${line ? `: ${line}` : ''}`);
}

export type RemoteFile =
	| {readonly exists: false}
	| {readonly exists: true; readonly content: string; readonly mode: string; readonly uid: string; readonly gid: string; readonly owner: string; readonly group: string};

/** The file's bytes (as base64, so nothing in it can confuse the output) and its mode and owner. */
export async function readRemoteFile(session: NodeShell, path: string): Promise<RemoteFile> {
	const result = await run(
		session,
		[path],
		[
			'if [ ! -e "$1" ]; then echo ABSENT; exit 0; fi',
			'[ -f "$1" ] || { echo "not a regular file: $1" >&2; exit 3; }',
			"printf 'FILE %s\\n' \"$(stat -c '%a %u %g %U %G' -- \"$1\")\" || exit 4",
			'base64 < "$1" | tr -d "\\n" || exit 5',
		].join('\n'),
	);
	if (result.code !== 0) throw failure(`reading ${path}`, result);
	const [first = '', ...rest] = result.stdout.split('\n');
	if (first.trim() === 'ABSENT') return {exists: false};
	const match = /^FILE (\d+) (\d+) (\d+) (\S+) (\S+)$/.exec(first.trim());
	if (!match) throw new RemoteError(`reading ${path}: unexpected answer "${first.slice(0, 80)}"`);
	const content = Buffer.from(rest.join('').trim(), 'base64').toString('utf8');
	return {exists: true, content, mode: match[1]!, uid: match[2]!, gid: match[3]!, owner: match[4]!, group: match[5]!};
}

/** Paths matching a glob on the node, sorted as sshd and the shell sort them (C locale). */
export async function listMatching(session: NodeShell, pattern: string): Promise<string[]> {
	// Unquoted on purpose: the node's shell expands the pattern; the results are only printed.
	const result = await run(session, [pattern], 'for f in $1; do [ -e "$f" ] && printf \'%s\\n\' "$f"; done; exit 0');
	if (result.code !== 0) throw failure(`listing ${pattern}`, result);
	return result.stdout.split('\n').filter(Boolean).sort();
}

export function utcStamp(date: Date): string {
	return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function backupPathFor(path: string, date: Date): string {
	return `${path}.aks-harden-${utcStamp(date)}.bak`;
}

/**
 * `cp -a` beside the file: the copy keeps mode, owner and times, and is never overwritten (a
 * second backup within the same second gets `-2`, `-3`, … before `.bak`). Returns its path.
 */
export async function backupFile(session: NodeShell, path: string, backup: string): Promise<string> {
	const script = ['b=$2; n=1', 'while [ -e "$b" ]; do n=$((n+1)); b="${2%.bak}-$n.bak"; [ $n -lt 100 ] || { echo "too many backups named $2" >&2; exit 3; }; done', 'cp -a -- "$1" "$b" && printf \'%s\\n\' "$b"'].join('\n');
	const result = await run(session, [path, backup], script);
	if (result.code !== 0) throw failure(`backing up ${path}`, result);
	return result.stdout.trim() || backup;
}

/** A temporary name in the same folder (so the rename is atomic), never matched by `*.conf` globs. */
export function tempPathFor(path: string): string {
	return posix.join(posix.dirname(path), `.${posix.basename(path)}.aks-harden-${randomBytes(4).toString('hex')}.tmp`);
}

/** The `find -name` pattern of every temp name tempPathFor can give for this file. */
function leftoverPattern(path: string): string {
	return `.${posix.basename(path).replace(/[*?[\]\\]/g, '\\$&')}.aks-harden-*.tmp`;
}

/**
 * How old a temp file of ours must be before a later write to the same file removes it: one
 * left by a run whose connection was cut before its rename. Younger ones may belong to a run
 * still going (another operator on the same node), so they are left alone.
 */
const leftoverMinutes = 10;

/**
 * Writes the new content to the temp file, gives it the mode and owner of the file it replaces
 * (or `mode` root:root for a new file), flushes it, and proves it is complete by its sha256.
 * Temp files of ours for the same file older than ten minutes (a run cut before its rename)
 * are removed first; their paths are returned so the step can say so.
 */
export async function writeTemp(session: NodeShell, path: string, temp: string, content: string, mode: string): Promise<string[]> {
	const expected = createHash('sha256').update(content).digest('hex');
	const encoded = Buffer.from(content, 'utf8').toString('base64');
	const result = await run(
		session,
		[path, temp, mode, expected, leftoverPattern(path), `+${leftoverMinutes}`],
		[
			'umask 077',
			'find "$(dirname -- "$1")" -maxdepth 1 -type f -name "$5" -mmin "$6" -delete -print 2>/dev/null | sed "s/^/LEFTOVER /"',
			// The content travels as base64 in single quotes: its alphabet has no quote and no newline.
			`printf '%s' '${encoded}' | base64 -d > "$2" || { rm -f -- "$2"; exit 3; }`,
			'if [ -e "$1" ]; then',
			'  chmod "$(stat -c %a -- "$1")" -- "$2" && chown "$(stat -c %u:%g -- "$1")" -- "$2" || { rm -f -- "$2"; exit 4; }',
			'else',
			'  chmod "$3" -- "$2" && chown 0:0 -- "$2" || { rm -f -- "$2"; exit 4; }',
			'fi',
			'sync -- "$2" 2>/dev/null || sync',
			'got=$(sha256sum -- "$2" | cut -d" " -f1)',
			'[ "$got" = "$4" ] || { rm -f -- "$2"; echo "temp file is incomplete (sha256 $got)" >&2; exit 5; }',
		].join('\n'),
	);
	if (result.code !== 0) throw failure(`writing ${temp}`, result);
	return result.stdout.split('\n').flatMap((line) => (line.startsWith('LEFTOVER ') ? [line.slice('LEFTOVER '.length)] : []));
}

/** rename(2) over the file: readers see the old file or the new one, never a mix. */
export async function renameOver(session: NodeShell, temp: string, path: string): Promise<void> {
	const result = await run(session, [temp, path], 'mv -f -- "$1" "$2" && { sync -- "$2" 2>/dev/null || true; }');
	if (result.code !== 0) throw failure(`renaming ${temp} over ${path}`, result);
}

/** Puts the backup back the same way (copy to a temp, rename over), or removes a file that was new. */
export async function restoreFile(session: NodeShell, path: string, backup: string | undefined): Promise<void> {
	const temp = tempPathFor(path);
	const result = backup
		? await run(session, [backup, temp, path], '[ -e "$1" ] || { echo "backup $1 is missing" >&2; exit 3; }\ncp -a -- "$1" "$2" && mv -f -- "$2" "$3"')
		: await run(session, [path], 'rm -f -- "$1"');
	if (result.code !== 0) throw failure(backup ? `restoring ${path} from ${backup}` : `removing ${path}`, result);
}

export async function removeTemp(session: NodeShell, temp: string): Promise<void> {
	await run(session, [temp], 'rm -f -- "$1"').catch(() => undefined);
}

/** `sshd -t`: the whole configuration, Include files and drop-ins, as sshd will read it. */
export async function validateSshd(session: NodeShell): Promise<{ok: boolean; output: string}> {
	const result = await run(session, [], 'if command -v sshd >/dev/null 2>&1; then s=sshd; elif [ -x /usr/sbin/sshd ]; then s=/usr/sbin/sshd; else echo "sshd not found" >&2; exit 127; fi\n"$s" -t 2>&1');
	return {ok: result.code === 0, output: (result.stdout + result.stderr).trim()};
}

/** Keys the kernel knows: writing an unknown one to sysctl.d only fails at the next boot. */
export async function missingSysctlKeys(session: NodeShell, keys: readonly string[]): Promise<string[]> {
	if (!keys.length) return [];
	const result = await run(session, keys.map((key) => `/proc/sys/${key.replaceAll('.', '/')}`), 'for p in "$@"; do [ -e "$p" ] || printf \'%s\\n\' "$p"; done; exit 0');
	return result.stdout.split('\n').filter(Boolean).map((path) => path.replace(/^\/proc\/sys\//, '').replaceAll('/', '.'));
}

/**
 * Reload what the playbook names, and only that. sshd: systemd's reload (the unit is `sshd` on
 * Azure Linux, `ssh` on Debian); without systemd, SIGHUP to the daemon in its pid file.
 * sysctl: load that one file. auditd: augenrules --load.
 */
export async function reloadService(session: NodeShell, service: 'sshd' | 'sysctl' | 'auditd', path: string): Promise<{ok: boolean; output: string}> {
	// auditd: augenrules merges /etc/audit/rules.d into audit.rules and loads it into the kernel.
	const script =
		service === 'auditd'
			? 'augenrules --load 2>&1'
			: service === 'sshd'
			? [
					'if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then',
					'  systemctl reload sshd 2>/dev/null || systemctl reload ssh',
					'elif [ -r /run/sshd.pid ]; then',
					'  kill -HUP "$(cat /run/sshd.pid)"',
					'else',
					'  echo "no systemd and no /run/sshd.pid: reload sshd yourself" >&2; exit 3',
					'fi',
				].join('\n')
			: 'sysctl -p "$1"';
	const result = await run(session, [path], script);
	// auditctl -R can fail without a word: the exit code is then all there is to show.
	return {ok: result.code === 0, output: (result.stdout + result.stderr).trim() || `${service === 'auditd' ? 'augenrules --load' : 'reload'} exited ${result.code ?? result.signal ?? '?'}`};
}

export type FileStat = {readonly mode: string; readonly owner: string; readonly group: string};

export async function statFile(session: NodeShell, path: string): Promise<FileStat | undefined> {
	const result = await run(session, [path], '[ -e "$1" ] || { echo ABSENT; exit 0; }\nstat -L -c \'%a %U %G\' -- "$1"');
	if (result.code !== 0) throw failure(`stat ${path}`, result);
	const line = result.stdout.trim();
	if (line === 'ABSENT') return undefined;
	const [mode = '', owner = '', group = ''] = line.split(' ');
	return {mode, owner, group};
}

export async function setMode(session: NodeShell, path: string, wanted: FileStat): Promise<void> {
	const result = await run(session, [path, wanted.mode, `${wanted.owner}:${wanted.group}`], 'chown -- "$3" "$1" && chmod -- "$2" "$1"');
	if (result.code !== 0) throw failure(`chmod/chown ${path}`, result);
}

/**
 * The one way a host file is replaced: back it up beside itself (mode and owner kept), write a
 * temp file proven complete by its sha256, rename it over. At every moment the node has either
 * the old file or the new one. `onBackup` learns the backup before anything is written, so a
 * caller that fails later still knows what to restore, and `onRenamed` that the new file is in
 * place before anything else can fail.
 */
export async function replaceFile(
	session: NodeShell,
	file: {readonly path: string; readonly content: string; readonly mode: string; readonly exists: boolean},
	at: Date,
	step: (name: 'backup' | 'write' | 'rename', message: string) => void,
	options: {readonly hooks?: StepHooks; readonly onBackup?: (backup: string | undefined) => void; readonly onRenamed?: () => void} = {},
): Promise<string | undefined> {
	const backup = file.exists ? await backupFile(session, file.path, backupPathFor(file.path, at)) : undefined;
	if (backup) step('backup', `${backup} (cp -a: mode and owner kept)`);
	options.onBackup?.(backup);
	const temp = tempPathFor(file.path);
	let leftovers: string[];
	try {
		leftovers = await writeTemp(session, file.path, temp, file.content, file.mode);
	} catch (error) {
		await removeTemp(session, temp);
		throw error;
	}
	const removed = leftovers.length ? `; removed ${leftovers.join(', ')}, left by an earlier run cut before its rename` : '';
	step('write', `${temp} written and verified (sha256)${removed}`);
	await options.hooks?.afterWrite?.();
	await renameOver(session, temp, file.path);
	options.onRenamed?.();
	step('rename', `${temp} → ${file.path}`);
	await options.hooks?.afterRename?.();
	return backup;
}
