// How every host change ends, whatever it changed (a file, a mode, a unit, a Windows setting):
// one that took has its checks re-run on the node and `applied` recorded with the undo; one that
// did not is recorded as it ended (failed, rolled back). Either way the result carries the log id.
import type {NodeShell} from '../../transports/interfaces.js';
import type {LogEntry, Undo} from '../audit-log.js';
import type {ApplyOptions, ChangeResult} from '../events.js';
import type {FindingRef, NodeRef} from '../model.js';
import {verifyOnNode} from '../recheck.js';

export type Record = (result: LogEntry['result'], message: string, extra: Partial<LogEntry>) => string | undefined;

export async function finishApplied(
	change: {readonly id: string; readonly summary: string; readonly node: NodeRef; readonly fixes: readonly FindingRef[]},
	options: ApplyOptions,
	session: NodeShell,
	done: {readonly what: string; readonly undo: Undo; readonly notes?: readonly string[]},
	record: Record,
): Promise<ChangeResult> {
	const step = (name: 'verify' | 'record', message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const {verified, outcome} = await verifyOnNode(options.context, session, change.node, change.fixes, (message) => step('verify', message));
	const message = [done.what, outcome, ...(done.notes ?? [])].filter(Boolean).join('; ');
	const logId = record('applied', message, {undo: done.undo, ...(verified ? {verified} : {})});
	step('record', logId ? `recorded as ${logId}` : 'not recorded (no audit log)');
	return {changeId: change.id, summary: change.summary, outcome: 'applied', message, ...(logId ? {logId} : {}), ...(verified ? {verified} : {})};
}

/** The ending of a change that did not take: `end('failed', message)` records it and returns its result. */
export function endingOf(change: {readonly id: string; readonly summary: string}, record: Record): (outcome: 'failed' | 'rolled-back', message: string, extra?: Partial<LogEntry>) => ChangeResult {
	return (outcome, message, extra = {}) => {
		const logId = record(outcome, message, extra);
		return {changeId: change.id, summary: change.summary, outcome, message, ...(logId ? {logId} : {})};
	};
}
