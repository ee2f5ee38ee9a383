import {applyPlan, confirmationNeeded as planTargets, ConfirmationError} from '../fix/apply.js';
import type {AuditLog} from '../fix/audit-log.js';
import type {FixContext} from '../fix/context.js';
import type {ChangeResult} from '../fix/events.js';
import type {Plan} from '../fix/model.js';
import {planFixes} from '../fix/plan.js';
import {undoChange} from '../fix/undo.js';
import {confirmedChanges, fixTargetCount, isApplicable} from './fix-count.js';
import type {WalkthroughFixes} from './deps.js';

type Options = {
	readonly log?: AuditLog;
	readonly cluster?: {readonly context: string | null; readonly server: string | null};
	readonly operator?: string;
};

/** The walkthrough's fixes over a FixContext: the same planner and applier `aks-harden fix` uses. */
export function walkthroughFixes(context: FixContext, options: Options = {}): WalkthroughFixes {
	return {
		plan: (findings) => planFixes(findings, context),
		confirmationNeeded: fixTargetCount,
		async apply(plans, confirmedCount, onEvent, confirmedNodes = []) {
			// The operator confirmed the total; each plan is then applied with its own share of it,
			// and nothing at all is applied when the total was wrong.
			const expected = fixTargetCount(plans);
			if (confirmedCount !== expected) throw new ConfirmationError(expected);
			const results: ChangeResult[] = [];
			for (const plan of plans.filter(isApplicable)) {
				const changeIds = confirmedChanges(plan);
				results.push(
					...(await applyPlan(plan, {
						context,
						confirmedCount: planTargets(plan, changeIds),
						changeIds,
						...(options.log ? {log: options.log} : {}),
						...(options.cluster ? {cluster: options.cluster} : {}),
						...(options.operator ? {operator: options.operator} : {}),
						onEvent,
						confirmedNodes,
					})),
				);
			}
			return results;
		},
		async undo(logId) {
			if (!options.log) return {outcome: 'failed', message: 'no audit log to undo from'};
			const result = await undoChange(logId, {context, log: options.log, ...(options.cluster ? {cluster: options.cluster} : {})});
			return {outcome: result.outcome, message: result.message};
		},
	};
}
