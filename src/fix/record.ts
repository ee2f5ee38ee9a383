import {operatorName, type LogEntry} from './audit-log.js';
import type {ApplyOptions} from './events.js';
import {labelOf, type Change, type Plan} from './model.js';
import {newId} from './plan-base.js';

/** Write one change to the audit log (when there is one); the same entry shape for every kind of target. */
export function recordChange(
	plan: Plan,
	change: Change,
	options: ApplyOptions,
	result: LogEntry['result'],
	message: string,
	extra: Partial<LogEntry> = {},
): string | undefined {
	if (!options.log) return undefined;
	const id = newId('chg');
	const failed = options.log.failures.length;
	options.log.append({
		id,
		time: (options.context.now ?? (() => new Date()))().toISOString(),
		operator: options.operator ?? operatorName(),
		...(options.cluster ? {cluster: options.cluster} : {}),
		target: targetLabel(change),
		checks: [...new Set(change.fixes.map((fix) => fix.checkId))],
		fixes: change.fixes,
		playbooks: plan.playbooks.map((playbook) => playbook.id),
		planId: plan.id,
		changeId: change.id,
		beforeDigest: change.beforeDigest,
		afterDigest: change.afterDigest,
		diff: change.diff,
		result,
		message,
		...extra,
	});
	const missing = options.log.failures.slice(failed);
	if (!missing.length) return id;
	for (const failure of missing) options.onEvent?.({type: 'step', changeId: change.id, step: 'record', message: `NOT recorded in ${failure.file}: ${failure.reason}`});
	// Without the first file (the state folder's) there is nothing for `undo ID` to find.
	return missing.some((failure) => failure.file === options.log!.files[0]) ? undefined : id;
}

/** One line naming what a change touches, as every log entry names it. */
export function targetLabel(change: Change): string {
	switch (change.type) {
		case 'kube':
			return labelOf(change.target);
		case 'file':
		case 'mode':
			return `node/${change.node.name}:${change.path}`;
		case 'service':
			return `node/${change.node.name}:${change.unit}`;
		case 'windows-state':
			return `node/${change.node.name}:${change.name}`;
	}
}
