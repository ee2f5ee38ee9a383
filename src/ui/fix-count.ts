import {targetsOf, type Plan} from '../fix/model.js';

/**
 * The changes of a plan one confirmation covers. A staged rollout (PSA warn + audit, then
 * enforce) goes one stage per confirmation: the planner leaves out stages already applied, so
 * pressing f again after the first one offers the next.
 */
export function confirmedChanges(plan: Plan): readonly string[] {
	const isStaged = plan.changes.some((change) => change.type === 'kube' && change.stage);
	return isStaged && plan.changes[0] ? [plan.changes[0].id] : plan.changes.map((change) => change.id);
}

export const isApplicable = (plan: Plan): boolean => plan.status === 'ready' && plan.changes.length > 0;

/** Distinct targets the applicable plans touch, as the operator confirms them (kept apart from the applier so counting loads nothing heavy). */
export function fixTargetCount(plans: readonly Plan[]): number {
	return plans.filter(isApplicable).reduce((sum, plan) => {
		const ids = confirmedChanges(plan);
		return sum + targetsOf(plan.changes.filter((change) => ids.includes(change.id))).length;
	}, 0);
}
