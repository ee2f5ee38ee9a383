// The sshd fix on Windows nodes: %ProgramData%\ssh\sshd_config edited in place (Win32-OpenSSH has
// no drop-in folder), new settings before the stock `Match Group administrators` block. Applying
// backs the file up beside itself, writes a temp file and moves it over, runs `sshd -t`, puts the
// backup back if it fails, restarts sshd, and logs in again on a fresh connection before calling
// it done; a failed fresh login puts the backup back and restarts sshd again.
import type {NodeFacts} from '../../engine/facts.js';
import {buildWindowsNodeScript, normaliseWindowsOutput, windowsExecCommand} from '../../engine/windows-script.js';
import {newMarker, splitNodeOutput} from '../../engine/node-script.js';
import {isObject, readJson, str} from '../../probes/windows/json.js';
import type {NodeShell} from '../../transports/interfaces.js';
import type {LogEntry, Undo} from '../audit-log.js';
import type {FixContext} from '../context.js';
import {sha256} from '../digest.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import type {LoadedPlaybook} from '../load.js';
import type {NodeRef, Plan, WindowsChange} from '../model.js';
import {newId, type PlanItem} from '../plan-base.js';
import type {FileSet, WindowsSshd} from '../playbook.js';
import {recordChange} from '../record.js';
import {recheckNode} from '../recheck.js';
import {finishApplied, endingOf} from './finish.js';
import {unifiedDiff} from '../text-diff.js';
import {setSshdKeywords, setSshdMatchKeywords, type Setting} from './formats.js';
import type {UndoDone, UndoOutcome} from './services.js';
import {messageOf, openNodeSession} from './node-session.js';

/** Where Win32-OpenSSH reads its configuration; the probe and the fix both use this one path. */
export const windowsSshdConfig = 'C:\\ProgramData\\ssh\\sshd_config';

const sshdExe = "(Join-Path $env:SystemRoot 'System32\\OpenSSH\\sshd.exe')";

type Block = {readonly body: string};

/** Runs one block and returns its JSON; a block that threw or printed no JSON is an error. */
async function runBlock(session: NodeShell, block: Block, timeoutMs = 120_000): Promise<Record<string, unknown>> {
	const marker = newMarker();
	const run = await session.run(buildWindowsNodeScript([{name: 'sshd-fix', script: block.body}], marker), {sudo: false, timeoutMs, command: windowsExecCommand()});
	const frame = splitNodeOutput(normaliseWindowsOutput(run.stdout), marker, ['sshd-fix']).get('sshd-fix')!;
	if ('error' in frame) throw new Error(frame.error);
	if (frame.exitCode !== 0) throw new Error(frame.stderr.trim() || `PowerShell exited with ${frame.exitCode}`);
	const read = readJson(frame.output);
	if ('error' in read || !isObject(read.value)) throw new Error('error' in read ? read.error : 'no answer');
	return read.value;
}

function b64(text: string): string {
	return Buffer.from(text, 'utf8').toString('base64');
}

const readBlock: Block = {
	body: [
		`$path = '${windowsSshdConfig}'`,
		'$bytes = [System.IO.File]::ReadAllBytes($path)',
		'ConvertTo-AkhJson ([ordered]@{ content = [Convert]::ToBase64String($bytes) })',
	].join('\n'),
};

/** Reads sshd_config as it is, bytes exactly. */
export async function readWindowsSshdConfig(session: NodeShell): Promise<string> {
	const value = await runBlock(session, readBlock);
	return Buffer.from(str(value['content']), 'base64').toString('utf8');
}

/**
 * Writes `content` over `path` through a backup and a temp file, validates with `sshd -t`, and
 * restarts sshd; the backup goes back (and sshd is not restarted) when validation fails.
 */
function writeBlock(content: string, stamp: string): Block {
	return {
		body: [
			`$path = '${windowsSshdConfig}'`,
			`$backup = $path + '.aks-harden-${stamp}.bak'`,
			"$tmp = $path + '.aks-harden.tmp'",
			`$content = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64(content)}'))`,
			'Copy-Item -LiteralPath $path -Destination $backup -Force',
			'[System.IO.File]::WriteAllText($tmp, $content, (New-Object System.Text.UTF8Encoding $false))',
			'Move-Item -LiteralPath $tmp -Destination $path -Force',
			// The temp file took the folder's inherited ACL: the file keeps the one it had.
			'Set-Acl -LiteralPath $path -AclObject (Get-Acl -LiteralPath $backup)',
			`$check = Invoke-AkhNative ${sshdExe} @('-t', '-f', $path)`,
			'if ($check.code -ne 0) {',
			'  Copy-Item -LiteralPath $backup -Destination $path -Force',
			"  ConvertTo-AkhJson ([ordered]@{ ok = $false; backup = $backup; error = ($check.lines -join ' ') })",
			'  return',
			'}',
			'Restart-Service -Name sshd',
			'ConvertTo-AkhJson ([ordered]@{ ok = $true; backup = $backup; error = \'\' })',
		].join('\n'),
	};
}

/** Puts a backup back over the file and restarts sshd: the rollback and the undo. */
function restoreBlock(backup: string): Block {
	return {
		body: [
			`$path = '${windowsSshdConfig}'`,
			`$backup = '${backup.replaceAll("'", "''")}'`,
			"if (-not (Test-Path -LiteralPath $backup)) { ConvertTo-AkhJson ([ordered]@{ ok = $false; error = ('the backup ' + $backup + ' is gone') }); return }",
			'Copy-Item -LiteralPath $backup -Destination $path -Force',
			`$check = Invoke-AkhNative ${sshdExe} @('-t', '-f', $path)`,
			'Restart-Service -Name sshd',
			"ConvertTo-AkhJson ([ordered]@{ ok = ($check.code -eq 0); error = ($check.lines -join ' ') })",
		].join('\n'),
	};
}

const backupPattern = /^C:\\ProgramData\\ssh\\sshd_config\.aks-harden-\d{8}T\d{6}Z\.bak$/;

/** The new sshd_config: the settings before the first Match block, Match blocks that undo them edited where they stand. */
export function editedSshdConfig(current: string, settings: readonly Setting[]): string {
	const crlf = current.includes('\r\n');
	const text = current.replace(/\r\n/g, '\n');
	const edited = setSshdMatchKeywords(setSshdKeywords(text, settings), settings);
	return crlf ? edited.replace(/\n/g, '\r\n') : edited;
}

export async function planWindowsSshd(
	session: NodeShell,
	node: NodeRef,
	loaded: LoadedPlaybook,
	stepIndex: number,
	step: WindowsSshd,
	facts: NodeFacts,
	items: readonly PlanItem[],
	needed: (loaded: LoadedPlaybook, stepIndex: number, step: FileSet, facts: NodeFacts) => Setting[] | {refused: string},
): Promise<{changes: WindowsChange[]} | {refused: string}> {
	const settings = needed(loaded, stepIndex, {type: 'file-set', format: 'sshd', path: '/', mode: '0600', settings: step.settings, forbidden: [], validate: 'sshd'} as FileSet, facts);
	if ('refused' in settings) return settings;
	if (!settings.length) return {changes: []};
	const current = await readWindowsSshdConfig(session);
	const content = editedSshdConfig(current, settings);
	if (content === current) return {changes: []};
	return {
		changes: [
			{
				id: newId('change'),
				type: 'windows-state',
				summary: `set ${settings.map((setting) => setting.key).join(', ')} in ${windowsSshdConfig} on ${node.name}`,
				fixes: items.map(({finding}) => ({checkId: finding.checkId, target: finding.target})),
				node: {...node, os: 'windows'},
				setting: 'sshd-config',
				name: windowsSshdConfig,
				before: {sha256: sha256(current)},
				after: {sha256: sha256(content)},
				content,
				beforeDigest: sha256(current),
				afterDigest: sha256(content),
				diff: unifiedDiff(`${node.name}:${windowsSshdConfig}`, current.replace(/\r\n/g, '\n'), content.replace(/\r\n/g, '\n')),
				effects: [
					`backs ${windowsSshdConfig} up beside itself, writes the new file through a temp file, validates it with sshd -t (the backup goes back if it fails), restarts sshd, then logs in again on a fresh connection (the backup goes back and sshd restarts if that fails)`,
					'undo puts the backup back and restarts sshd',
					'ephemeral: a reimage or upgrade brings the image\'s sshd_config back; raise it with the image owner too',
				],
				warnings: ['keep this session open until the fresh login has worked: Windows restarts sshd for the change to take effect'],
			},
		],
	};
}

/** A new connection and a read of the file: proof that sshd still lets the platform in. */
async function freshLogin(node: NodeRef, context: FixContext): Promise<string | undefined> {
	const session = await openNodeSession(node, context);
	if (typeof session === 'string') return session;
	try {
		await readWindowsSshdConfig(session);
		return undefined;
	} catch (error) {
		return messageOf(error);
	} finally {
		session.close();
	}
}

export async function applyWindowsSshd(plan: Plan, change: WindowsChange, options: ApplyOptions): Promise<ChangeResult> {
	const base = {changeId: change.id, summary: change.summary};
	const step = (name: StepName, message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const record = (result: LogEntry['result'], message: string, extra: Partial<LogEntry> = {}) => recordChange(plan, change, options, result, message, extra);
	const end = endingOf(change, record);
	const content = change.content;
	if (change.name !== windowsSshdConfig || content === undefined || sha256(content) !== change.afterDigest) {
		return {...base, outcome: 'refused', message: 'the plan\'s sshd_config change does not match its digest: the plan file was edited; plan again'};
	}
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	try {
		const current = await readWindowsSshdConfig(session);
		step('read', `${windowsSshdConfig}: ${sha256(current) === change.beforeDigest ? 'as planned' : sha256(current) === change.afterDigest ? 'already changed' : 'changed since the plan'}`);
		if (sha256(current) === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${windowsSshdConfig} already has the change: nothing to do`};
		if (sha256(current) !== change.beforeDigest) return {...base, outcome: 'refused', message: `${windowsSshdConfig} on ${change.node.name} changed since the plan was made: plan again and review it`};
		const stamp = ((options.context.now ?? (() => new Date()))()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
		const wrote = await runBlock(session, writeBlock(content, stamp));
		const backup = str(wrote['backup']);
		step('backup', backup);
		if (wrote['ok'] !== true) {
			const message = `sshd -t refused the new file (${str(wrote['error']) || 'no reason given'}); the backup was put back and sshd was not restarted`;
			step('validate', message);
			return end('rolled-back', message);
		}
		step('validate', 'sshd -t accepts it; sshd restarted');
		const login = await freshLogin(change.node, options.context);
		if (login) {
			const back = await runBlock(session, restoreBlock(backup)).then((value) => value['ok'] === true, () => false);
			const message = `a fresh login failed after the restart (${login}); ${back ? 'the backup was put back and sshd restarted' : 'putting the backup back did not complete: fix it from the console'}`;
			step('restore', message);
			return end('rolled-back', message);
		}
		step('reload', 'a fresh login works');
		const undo: Undo = {type: 'windows-state', node: change.node, setting: 'sshd-config', name: windowsSshdConfig, state: {backup, sha256: change.beforeDigest}};
		return await finishApplied(change, options, session, {what: `${windowsSshdConfig} changed on ${change.node.name}, validated, sshd restarted and a fresh login works`, undo}, record);
	} catch (error) {
		const message = `${change.node.name}:${windowsSshdConfig}: ${messageOf(error)}`;
		return end('failed', message);
	} finally {
		session.close();
	}
}

export async function undoWindowsSshd(
	entry: LogEntry,
	undo: Extract<Undo, {type: 'windows-state'}>,
	context: FixContext,
	force: boolean,
	done: UndoDone,
): Promise<UndoOutcome> {
	const backup = undo.state['backup'] ?? '';
	if (undo.name !== windowsSshdConfig || !backupPattern.test(backup)) return {outcome: 'refused', message: `${entry.id} records no backup of ${windowsSshdConfig} aks-harden made`};
	const session = await openNodeSession(undo.node, context);
	if (typeof session === 'string') return {outcome: 'failed', message: session};
	try {
		const now = await readWindowsSshdConfig(session);
		if (sha256(now) !== entry.afterDigest && !force) {
			return {outcome: 'refused', message: `${windowsSshdConfig} on ${undo.node.name} changed since ${entry.id}; undo would overwrite that. Review it, then pass --force to undo anyway`};
		}
		const restored = await runBlock(session, restoreBlock(backup));
		if (restored['ok'] !== true) return {outcome: 'failed', message: `undo of ${entry.id}: ${str(restored['error']) || 'sshd -t refused the backup'}`};
		const after = await readWindowsSshdConfig(session);
		if (sha256(after) !== undo.state['sha256']) return {outcome: 'failed', message: `undo of ${entry.id} left ${windowsSshdConfig} different from the recorded file: check it by hand`};
		const verified = await recheckNode(context, session, undo.node, entry.fixes).catch(() => undefined);
		return done(sha256(now), sha256(after), unifiedDiff(`${undo.node.name}:${windowsSshdConfig}`, now.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'), {after: ' (backup)'}), verified, [`${backup} put back, sshd restarted`]);
	} finally {
		session.close();
	}
}
