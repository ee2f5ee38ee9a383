import {applyKubeChange} from './cluster/apply-cluster.js';
import type {ApplyOptions, ChangeResult} from './events.js';
import {applyFileChange, applyModeChange} from './host/apply-host.js';
import {applyServiceChange} from './host/services.js';
import {applyRolloutChange} from './host/rollout.js';
import {applyWindowsChange} from './host/windows-state.js';
import {targetsOf, type Change, type Plan} from './model.js';
import {recordChange} from './record.js';

/** The operator confirmed a different number of targets than the changes touch. */
export class ConfirmationError extends Error {
	override readonly name = 'ConfirmationError';
	constructor(readonly expected: number) {
		super(`this touches ${expected} targets: type ${expected} to confirm`);
	}
}

/** Targets the operator must confirm (by typing the number when there is more than one). */
export function confirmationNeeded(plan: Plan, changeIds?: readonly string[]): number {
	return targetsOf(selected(plan, changeIds)).length;
}

function selected(plan: Plan, changeIds?: readonly string[]): Change[] {
	return changeIds ? plan.changes.filter((change) => changeIds.includes(change.id)) : plan.changes;
}

/**
 * Applies a plan's changes in order, each with its own dry-run or backup, validation, re-check
 * and audit-log entry. A change that does not go through stops the rest: later changes of a plan
 * (the enforce stage after warn + audit) build on the earlier ones.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ChangeResult[]> {
	if (plan.status !== 'ready') return [];
	const changes = selected(plan, options.changeIds);
	const expected = targetsOf(changes).length;
	if (options.confirmedCount !== expected) throw new ConfirmationError(expected);
	const results: ChangeResult[] = [];
	let stopped: ChangeResult | undefined;
	for (const change of changes) {
		if (stopped) {
			results.push({changeId: change.id, summary: change.summary, outcome: 'refused', message: `not attempted: "${stopped.summary}" did not apply (${stopped.outcome})`});
			continue;
		}
		options.onEvent?.({type: 'change-started', changeId: change.id, summary: change.summary});
		const result =
			change.type === 'kube'
				? await applyKubeChange(plan, change, options)
				: change.type === 'file'
					? change.restart
						? await applyRolloutChange(plan, change, options)
						: await applyFileChange(plan, change, options)
					: change.type === 'service'
						? await applyServiceChange(plan, change, options)
						: change.type === 'windows-state'
							? await applyWindowsChange(plan, change, options)
							: await applyModeChange(plan, change, options);
		// A refusal is an event an auditor wants too (an edited plan, a target changed since
		// planning): every kind of change is logged here once, if its own code did not.
		const logged = result.outcome === 'refused' && !result.logId ? withLog(result, recordChange(plan, change, options, 'refused', result.message)) : result;
		options.onEvent?.({type: 'change-finished', result: logged});
		results.push(logged);
		if (logged.outcome !== 'applied' && logged.outcome !== 'nothing-to-do') stopped = logged;
	}
	return results;
}

function withLog(result: ChangeResult, logId: string | undefined): ChangeResult {
	return logId ? {...result, logId} : result;
}
