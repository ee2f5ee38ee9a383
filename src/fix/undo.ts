import type {KubeObject} from '../model/kube.js';
import type {NodeShell} from '../transports/interfaces.js';
import {operatorName, type AuditLog, type LogEntry} from './audit-log.js';
import {KubeRejection} from '../model/errors.js';
import type {FixContext} from './context.js';
import {objectDigest, sha256, textDigest} from './digest.js';
import {modeDigest} from './host/plan-host.js';
import {readRemoteFile, reloadService, restoreFile, setMode, statFile, validateSshd} from './host/remote.js';
import {undoServiceState} from './host/services.js';
import {describeWindowsUndo, undoWindowsState} from './host/windows-state.js';
import {newId, displayObject} from './plan-base.js';
import {isVerified, recheckCluster, recheckNode, type Verified} from './recheck.js';
import {unifiedDiff} from './text-diff.js';
import type {FileChange} from './model.js';

export type UndoOptions = {
	readonly context: FixContext;
	readonly log: AuditLog;
	/** Revert even though the target changed since the fix (its digest differs from the recorded one). */
	readonly force?: boolean;
	readonly operator?: string;
	readonly cluster?: LogEntry['cluster'];
	/** Nodes the operator typed the name of (the last Ready node of a pool). */
	readonly confirmedNodes?: readonly string[];
};

export type UndoResult = {
	readonly outcome: 'undone' | 'refused' | 'failed';
	readonly message: string;
	readonly logId?: string;
	readonly entry?: LogEntry;
	readonly verified?: readonly Verified[];
};

/** What undo will do to the entry's target, in one line, for the confirmation prompt. */
export function describeUndo(entry: LogEntry): string {
	const undo = entry.undo;
	if (!undo) return `nothing recorded to undo ${entry.id}`;
	switch (undo.type) {
		case 'kube-patch':
			return `patch ${entry.target} back to its state before ${entry.id} (${undo.patch.length} JSON patch operation${undo.patch.length === 1 ? '' : 's'})`;
		case 'kube-delete':
			return `delete ${entry.target}, created by ${entry.id}`;
		case 'file-restore':
			return `put ${undo.backup} back over ${undo.path} on ${undo.node.name}${undo.reload ? `, then reload ${undo.reload}` : ''}${undo.restart ? `, restarting ${undo.restart.unit} node-safely (cordon, drain, restart, Ready, uncordon)` : ''}`;
		case 'file-remove':
			return `remove ${undo.path} on ${undo.node.name}, created by ${entry.id}${undo.reload ? `, then reload ${undo.reload}` : ''}`;
		case 'mode':
			return `set ${undo.path} on ${undo.node.name} back to ${undo.mode} ${undo.owner}:${undo.group}`;
		case 'windows-state':
			return describeWindowsUndo(undo);
		case 'service-state':
			return `unmask ${undo.states.map((state) => state.unit).join(', ')} on ${undo.node.name} and put back ${undo.states.map((state) => `${state.unit} ${state.enabled}, ${state.active}`).join('; ')}`;
	}
}

/** Finds the entry and says whether it can be undone; nothing is touched. */
export function undoable(log: AuditLog, id: string): {entry: LogEntry} | {problem: string} {
	const {entry, undoneBy} = log.find(id);
	if (!entry) return {problem: `no change ${id} in ${log.files.join(' or ')}`};
	if (entry.result === 'undone') return {problem: `${id} is itself an undo (of ${entry.undoes ?? 'an earlier change'}); apply the fix again instead`};
	if (undoneBy) return {problem: `${id} was already undone by ${undoneBy.id} at ${undoneBy.time}`};
	if (entry.result !== 'applied') return {problem: `${id} was ${entry.result}: the target was left as it was, there is nothing to undo`};
	if (!entry.undo) return {problem: `${id} recorded no way to undo it`};
	return {entry};
}

/**
 * Reverts a recorded change after the operator confirmed it: the previous object state for a
 * Kubernetes change (the recorded inverse patch, dry-run first), the backup for a file. A target
 * that changed since (digest mismatch) is refused unless forced: undo must not erase someone
 * else's later edit.
 */
export async function undoChange(id: string, options: UndoOptions): Promise<UndoResult> {
	const found = undoable(options.log, id);
	if ('problem' in found) return {outcome: 'refused', message: found.problem};
	const {entry} = found;
	const undo = entry.undo!;
	try {
		if (undo.type === 'kube-patch' || undo.type === 'kube-delete') return await undoKube(entry, options);
		if (undo.type === 'service-state') {
			const result = await undoServiceState(entry, undo, options.context, options.force === true, (before, after, diff, verified, notes) => done(entry, options, before, after, diff, verified, notes ?? [], undefined));
			return {...result, entry};
		}
		if (undo.type === 'windows-state') {
			const result = await undoWindowsState(entry, undo, options.context, options.force === true, (before, after, diff, verified, notes) => done(entry, options, before, after, diff, verified, notes ?? [], undefined));
			return {...result, entry};
		}
		return await undoHost(entry, options);
	} catch (error) {
		const message = error instanceof KubeRejection ? `${error.status} ${error.reason}: ${error.message}` : error instanceof Error ? error.message : String(error);
		return {outcome: 'failed', message: `undo of ${id} failed: ${message}`, entry};
	}
}

function stale(entry: LogEntry, current: string, force: boolean | undefined): string | undefined {
	if (current === entry.afterDigest || force) return undefined;
	return `${entry.target} changed since ${entry.id} was applied (it no longer has the digest recorded then); undo would overwrite that later change. Review it, then pass --force to undo anyway`;
}

async function undoKube(entry: LogEntry, options: UndoOptions): Promise<UndoResult> {
	const kube = options.context.transport.kube;
	if (!kube) return {outcome: 'failed', message: 'no cluster connection (pass --kubeconfig / --context)', entry};
	const undo = entry.undo as Extract<NonNullable<LogEntry['undo']>, {type: 'kube-patch' | 'kube-delete'}>;
	const live = await kube.get(undo.ref);
	if (!live) return {outcome: 'refused', message: `${entry.target} no longer exists`, entry};
	const problem = stale(entry, objectDigest(live), options.force);
	if (problem) return {outcome: 'refused', message: problem, entry};
	let after: KubeObject | undefined;
	const sent: LogEntry['sent'] = undo.type === 'kube-patch' ? {type: 'kube', operation: 'patch', patchType: 'json', body: undo.patch} : {type: 'kube', operation: 'delete', body: null};
	if (undo.type === 'kube-patch') {
		await kube.patch(undo.ref, 'json', undo.patch, {dryRun: true});
		after = (await kube.patch(undo.ref, 'json', undo.patch, {dryRun: false})).object;
	} else {
		await kube.delete(undo.ref, {dryRun: true});
		await kube.delete(undo.ref, {dryRun: false});
	}
	const verified = await recheckCluster(options.context, entry.fixes).catch(() => undefined);
	const diff = unifiedDiff(entry.target, displayObject(live), displayObject(after), {before: ' (as stored)', after: ' (undone)'});
	return done(entry, options, objectDigest(live), objectDigest(after), diff, verified, [], sent);
}

async function undoHost(entry: LogEntry, options: UndoOptions): Promise<UndoResult> {
	const undo = entry.undo as Extract<NonNullable<LogEntry['undo']>, {type: 'file-restore' | 'file-remove' | 'mode'}>;
	const open = options.context.transport.openNode;
	if (!open) return {outcome: 'failed', message: 'no SSH connection to nodes (pass the SSH options)', entry};
	const session: NodeShell = await open(undo.node);
	try {
		if (undo.type === 'mode') {
			const stat = await statFile(session, undo.path);
			if (!stat) return {outcome: 'refused', message: `${undo.path} no longer exists on ${undo.node.name}`, entry};
			const problem = stale(entry, modeDigest(stat), options.force);
			if (problem) return {outcome: 'refused', message: problem, entry};
			const wanted = {mode: undo.mode.padStart(3, '0'), owner: undo.owner, group: undo.group};
			await setMode(session, undo.path, wanted);
			const verified = await recheckNode(options.context, session, undo.node, entry.fixes).catch(() => undefined);
			return done(entry, options, modeDigest(stat), modeDigest(wanted), `-${stat.mode} ${stat.owner}:${stat.group}\n+${wanted.mode} ${wanted.owner}:${wanted.group}\n`, verified, [], {type: 'mode', path: undo.path, ...wanted});
		}
		const current = await readRemoteFile(session, undo.path);
		const before = current.exists ? current.content : undefined;
		const problem = stale(entry, textDigest(before), options.force);
		if (problem) return {outcome: 'refused', message: problem, entry};
		let restored: string | undefined;
		if (undo.type === 'file-restore' && undo.restart) return await undoRollout(entry, undo, options, session);
		if (undo.type === 'file-restore') {
			const backup = await readRemoteFile(session, undo.backup);
			if (!backup.exists) return {outcome: 'failed', message: `the backup ${undo.backup} is gone from ${undo.node.name}; restore the file by hand`, entry};
			restored = backup.content;
			await restoreFile(session, undo.path, undo.backup);
		} else {
			await restoreFile(session, undo.path, undefined);
		}
		if (undo.validate === 'sshd') {
			const check = await validateSshd(session);
			if (!check.ok) return {outcome: 'failed', message: `restored ${undo.path}, but sshd -t fails: ${check.output}; sshd was not reloaded`, entry};
		}
		const notes: string[] = [];
		if (undo.reload) {
			const reloaded = await reloadService(session, undo.reload, undo.path);
			if (!reloaded.ok) notes.push(`reloading ${undo.reload} failed (${reloaded.output})`);
		}
		const verified = await recheckNode(options.context, session, undo.node, entry.fixes).catch(() => undefined);
		const diff = unifiedDiff(`${undo.node.name}:${undo.path}`, before ?? '', restored ?? '', {after: undo.type === 'file-restore' ? ' (backup)' : ' (removed)'});
		const sent: LogEntry['sent'] = restored === undefined ? {type: 'file', path: undo.path, sha256: 'absent', bytes: 0, removed: true} : {type: 'file', path: undo.path, sha256: sha256(restored), bytes: Buffer.byteLength(restored)};
		return done(entry, options, textDigest(before), restored === undefined ? 'absent' : sha256(restored), diff, verified, notes, sent);
	} finally {
		session.close();
	}
}

/**
 * A kubelet or containerd change is undone the way it was made: the backup's content goes through
 * the same node-safe rollout (cordon, drain, write, validate, restart, Ready, uncordon).
 */
async function undoRollout(entry: LogEntry, undo: Extract<NonNullable<LogEntry['undo']>, {type: 'file-restore'}>, options: UndoOptions, session: NodeShell): Promise<UndoResult> {
	const backup = await readRemoteFile(session, undo.backup);
	if (!backup.exists) return {outcome: 'failed', message: `the backup ${undo.backup} is gone from ${undo.node.name}; restore the file by hand`, entry};
	const current = await readRemoteFile(session, undo.path);
	const before = current.exists ? current.content : undefined;
	const diff = unifiedDiff(`${undo.node.name}:${undo.path}`, before ?? '', backup.content, {after: ' (backup)'});
	const change = {
		id: newId('change'),
		type: 'file' as const,
		summary: `put ${undo.backup} back over ${undo.path} on ${undo.node.name}, restarting ${undo.restart!.unit} node-safely`,
		fixes: entry.fixes,
		node: undo.node,
		path: undo.path,
		content: backup.content,
		mode: current.exists ? current.mode : '0600',
		beforeDigest: options.force ? textDigest(before) : entry.afterDigest,
		afterDigest: sha256(backup.content),
		diff,
		effects: [],
		warnings: [],
		validate: (undo.validate ?? 'none') as FileChange['validate'],
		restart: undo.restart!,
	};
	const plan = {id: newId('plan'), title: `undo ${entry.id}`, playbooks: [], risk: 'guided' as const, durability: 'ephemeral' as const, summary: '', findings: entry.fixes, status: 'ready' as const, missing: [], parameters: {}, notes: [], changes: [change]};
	const {applyRolloutChange} = await import('./host/rollout.js');
	const result = await applyRolloutChange(plan, change, {context: options.context, confirmedCount: 1, ...(options.confirmedNodes ? {confirmedNodes: options.confirmedNodes} : {})});
	if (result.outcome !== 'applied') return {outcome: result.outcome === 'refused' ? 'refused' : 'failed', message: `undo of ${entry.id}: ${result.message}`, entry};
	return done(entry, options, textDigest(before), sha256(backup.content), diff, result.verified, [result.message], {type: 'file', path: undo.path, sha256: sha256(backup.content), bytes: Buffer.byteLength(backup.content)});
}

function done(entry: LogEntry, options: UndoOptions, beforeDigest: string, afterDigest: string, diff: string, verified: readonly Verified[] | undefined, notes: readonly string[], sent: LogEntry['sent']): UndoResult {
	const id = newId('chg');
	const checkNote = verified ? (isVerified(verified) ? 'the check passes (the fix was not what made it pass)' : `the check reports ${verified.map((entry) => entry.status).join(', ')} again`) : '';
	const message = [`undid ${entry.id} on ${entry.target}`, checkNote, ...notes].filter(Boolean).join('; ');
	options.log.append({
		id,
		time: (options.context.now ?? (() => new Date()))().toISOString(),
		operator: options.operator ?? operatorName(),
		...(options.cluster ?? entry.cluster ? {cluster: options.cluster ?? entry.cluster} : {}),
		target: entry.target,
		checks: entry.checks,
		fixes: entry.fixes,
		playbooks: entry.playbooks,
		beforeDigest,
		afterDigest,
		diff,
		sent,
		result: 'undone',
		message,
		undoes: entry.id,
		...(verified ? {verified: [...verified]} : {}),
	});
	return {outcome: 'undone', message, logId: id, entry, ...(verified ? {verified} : {})};
}
