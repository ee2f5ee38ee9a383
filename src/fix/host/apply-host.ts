import type {NodeShell} from '../../transports/interfaces.js';
import type {LogEntry, Undo} from '../audit-log.js';
import {sha256, textDigest} from '../digest.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import type {FileChange, ModeChange, Plan} from '../model.js';
import {recordChange} from '../record.js';
import {unifiedDiff, unshownLines} from '../text-diff.js';
import {finishApplied, endingOf} from './finish.js';
import {auditRulesProblem} from './audit-rules.js';
import {parseCheck} from './formats.js';
import {validateDaemonConfig} from './rollout.js';
import {modeDigest} from './plan-host.js';
import {missingSysctlKeys, readRemoteFile, reloadService, restoreFile, setMode, statFile, validateSshd, replaceFile} from './remote.js';
import {messageOf, openNodeSession} from './node-session.js';

type HostChange = FileChange | ModeChange;

/**
 * A file change on a node, in the order research §5.1 asks for: read and compare digests →
 * back up beside the file → write a temp file and prove it whole → rename it over the file →
 * validate → on failure put the backup back and say so → reload what the playbook names →
 * check from a fresh connection that the node still lets us in → re-run the check → record.
 */
export async function applyFileChange(plan: Plan, change: FileChange, options: ApplyOptions): Promise<ChangeResult> {
	const base = {changeId: change.id, summary: change.summary};
	const end = endingOf(change, (result, message, extra) => record(plan, change, options, result, message, extra));
	const step = (name: StepName, message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const where = `${change.node.name}:${change.path}`;
	if (sha256(change.content) !== change.afterDigest) return {...base, outcome: 'refused', message: `the plan's content for ${where} does not match its digest: the plan file was edited; plan again`};
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	try {
		const current = await readRemoteFile(session, change.path);
		const digest = textDigest(current.exists ? current.content : undefined);
		step('read', `${where}: ${digest === change.beforeDigest ? 'as planned' : digest === change.afterDigest ? 'already changed' : 'changed since the plan'}`);
		if (digest === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${where} already has the planned content: nothing to do`};
		if (digest !== change.beforeDigest) return {...base, outcome: 'refused', message: `${where} changed since the plan was made: plan again and review the new diff`};
		// The diff is what the operator reviewed: the content written may hold nothing it does not show.
		const shown = unifiedDiff(where, current.exists ? current.content : '', change.content, {before: current.exists ? '' : ' (absent)', after: ' (planned)'});
		const unshown = unshownLines(change.diff, shown);
		if (unshown.length) return {...base, outcome: 'refused', message: `the plan's content for ${where} differs from its diff (${unshown.slice(0, 3).join(' | ')}): nothing was written; plan again`};

		const now = (options.context.now ?? (() => new Date()))();
		const backup = await replaceFile(session, {...change, exists: current.exists}, now, step, options.hooks ? {hooks: options.hooks} : {});

		const invalid = await validate(session, change);
		if (invalid) {
			step('validate', `failed: ${invalid}`);
			await restoreFile(session, change.path, backup);
			const check = change.validate === 'sshd' ? await validateSshd(session) : undefined;
			step('restore', backup ? `${backup} put back` : `${change.path} removed`);
			const message = `${where} failed validation (${invalid}); ${backup ? `the backup ${backup} was put back` : 'the new file was removed'}${check && !check.ok ? `, but sshd -t still fails: ${check.output}` : ', and the node is as it was'}`;
			return end('rolled-back', message, {...(backup ? {undo: {type: 'file-restore', node: change.node, path: change.path, backup}} : {})});
		}
		step('validate', change.validate === 'none' ? 'nothing to validate' : 'valid');

		const notes: string[] = [];
		if (change.reload) {
			const reloaded = await reloadService(session, change.reload, change.path);
			step('reload', reloaded.ok ? `${change.reload} reloaded` : `reload failed: ${reloaded.output}`);
			if (!reloaded.ok) notes.push(`the file is in place and valid, but reloading ${change.reload} failed (${reloaded.output}); it takes effect at the next reload`);
			if (reloaded.ok && change.reload === 'sshd') {
				// The session that made the change stays open; a fresh login proves nobody is locked out.
				const lockout = await canLogIn(options.context.transport.openNode!, change);
				if (lockout) {
					await restoreFile(session, change.path, backup);
					await reloadService(session, 'sshd', change.path);
					step('restore', `a new SSH login failed after the reload (${lockout}); ${backup ?? change.path} restored and sshd reloaded`);
					const message = `after reloading sshd a new login to ${change.node.name} failed (${lockout}); the change was rolled back`;
					return end('rolled-back', message);
				}
			}
		}
		const after = {validate: change.validate, ...(change.reload ? {reload: change.reload} : {})};
		const undo: Undo = backup ? {type: 'file-restore', node: change.node, path: change.path, backup, ...after} : {type: 'file-remove', node: change.node, path: change.path, ...after};
		return await finish(plan, change, options, session, undo, notes);
	} catch (error) {
		const message = `${where}: ${messageOf(error)}`;
		return end('failed', message);
	} finally {
		session.close();
	}
}

/**
 * A fresh login after the reload. sshd re-executes itself on SIGHUP and for a moment nobody is
 * listening, so a refused connection is tried again for a few seconds before it counts.
 */
async function canLogIn(open: NonNullable<ApplyOptions['context']['transport']['openNode']>, change: HostChange): Promise<string | undefined> {
	let problem = '';
	for (let attempt = 0; attempt < 8; attempt++) {
		if (attempt) await new Promise((resolve) => setTimeout(resolve, 400));
		try {
			const fresh = await open(change.node);
			try {
				const result = await fresh.run('exit 0\n', {sudo: false, timeoutMs: 30_000});
				if (result.code === 0) return undefined;
				problem = `exit ${result.code}`;
			} finally {
				fresh.close();
			}
		} catch (error) {
			problem = messageOf(error);
			const kind = (error as {kind?: string}).kind;
			// Host-key and key problems will not clear up by waiting.
			if (kind === 'auth' || kind?.startsWith('host-key')) return problem;
		}
	}
	return problem;
}

async function validate(session: NodeShell, change: FileChange): Promise<string | undefined> {
	const written = await readRemoteFile(session, change.path);
	if (!written.exists || sha256(written.content) !== change.afterDigest) return 'the file read back is not what was written';
	switch (change.validate) {
		case 'none':
			return undefined;
		case 'sshd': {
			const result = await validateSshd(session);
			return result.ok ? undefined : `sshd -t: ${result.output || 'failed'}`;
		}
		case 'sysctl': {
			const problem = parseCheck('sysctl', written.content);
			if (problem) return problem;
			const keys = written.content.split('\n').map((line) => /^\s*-?([\w./-]+)\s*=/.exec(line)?.[1]).filter((key): key is string => Boolean(key));
			const missing = await missingSysctlKeys(session, keys.map((key) => key.replaceAll('/', '.')));
			return missing.length ? `the kernel has no ${missing.join(', ')}` : undefined;
		}
		case 'toml':
		case 'yaml':
			return parseCheck(change.validate, written.content);
		case 'audit-rules':
			return auditRulesProblem(written.content);
		case 'kubelet':
		case 'containerd':
			return validateDaemonConfig(change.validate, written.content);
	}
}

export async function applyModeChange(plan: Plan, change: ModeChange, options: ApplyOptions): Promise<ChangeResult> {
	const base = {changeId: change.id, summary: change.summary};
	const end = endingOf(change, (result, message, extra) => record(plan, change, options, result, message, extra));
	const step = (name: StepName, message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	const where = `${change.node.name}:${change.path}`;
	try {
		if (modeDigest(change.before) !== change.beforeDigest || modeDigest(change.after) !== change.afterDigest) {
			return {...base, outcome: 'refused', message: `the plan's modes for ${where} do not match their digests: the plan was edited; plan again`};
		}
		const stat = await statFile(session, change.path);
		if (!stat) return {...base, outcome: 'refused', message: `${where} no longer exists`};
		const digest = modeDigest(stat);
		step('read', `${where}: ${stat.mode} ${stat.owner}:${stat.group}`);
		if (digest === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${where} already has mode ${change.after.mode} ${change.after.owner}:${change.after.group}: nothing to do`};
		if (digest !== change.beforeDigest) return {...base, outcome: 'refused', message: `${where} changed since the plan was made: plan again`};
		await setMode(session, change.path, {mode: change.after.mode.padStart(3, '0'), owner: change.after.owner, group: change.after.group});
		step('apply', `${where} is now ${change.after.mode} ${change.after.owner}:${change.after.group}`);
		return await finish(plan, change, options, session, {type: 'mode', node: change.node, path: change.path, mode: change.before.mode, owner: change.before.owner, group: change.before.group}, []);
	} catch (error) {
		const message = `${where}: ${messageOf(error)}`;
		return end('failed', message);
	} finally {
		session.close();
	}
}

function finish(plan: Plan, change: HostChange, options: ApplyOptions, session: NodeShell, undo: Undo, notes: readonly string[]): Promise<ChangeResult> {
	return finishApplied(change, options, session, {what: `applied to ${change.node.name}:${change.path}`, undo, notes}, (result, message, extra) => record(plan, change, options, result, message, extra));
}

function record(plan: Plan, change: HostChange, options: ApplyOptions, result: LogEntry['result'], message: string, extra: Partial<LogEntry>): string | undefined {
	// A change that reached the node records exactly what was written there.
	const wrote = result === 'applied' || result === 'rolled-back';
	const sent: LogEntry['sent'] =
		change.type === 'file'
			? {type: 'file', path: change.path, sha256: sha256(change.content), bytes: Buffer.byteLength(change.content), mode: change.mode}
			: {type: 'mode', path: change.path, mode: change.after.mode, owner: change.after.owner, group: change.after.group};
	return recordChange(plan, change, options, result, message, {...(wrote ? {sent} : {}), ...extra});
}

