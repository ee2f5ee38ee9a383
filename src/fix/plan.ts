import type {Finding} from '../model/finding.js';
import {targetKey} from '../model/target.js';
import {planNamespace, planWorkload} from './cluster/plan-cluster.js';
import type {FixContext} from './context.js';
import {planHost, planRollout} from './host/plan-host.js';
import type {Plan} from './model.js';
import {ParameterError} from './parameters.js';
import {basePlan, instructionsOf, withStatus, type PlanItem} from './plan-base.js';

type Kind = 'workload' | 'namespace' | 'host' | 'rollout' | 'text';

function kindOf(item: PlanItem): Kind {
	const {playbook} = item.loaded;
	if (playbook.risk === 'never' || (playbook.risk === 'manual' && !playbook.steps.some((step) => step.type === 'apply-object'))) return 'text';
	if (playbook.steps.some((step) => step.type === 'workload-patch')) return 'workload';
	if (playbook.steps.some((step) => step.type === 'daemon-restart')) return 'rollout';
	if (playbook.steps.some((step) => step.type === 'file-set' || step.type === 'file-mode' || step.type === 'service-state' || step.type === 'audit-rules' || step.type === 'registry-credentials' || step.type === 'windows-state' || step.type === 'windows-sshd')) return 'host';
	return 'namespace';
}

/**
 * Plans for failing findings. Findings on the same workload share one plan (one patch, one
 * rollout); host playbooks get one plan per node; namespace playbooks one per namespace. Pure
 * apart from reading through the context's transport: nothing is written.
 */
export async function planFixes(findings: readonly Finding[], context: FixContext): Promise<Plan[]> {
	const groups = new Map<string, PlanItem[]>();
	for (const finding of findings) {
		if (finding.status !== 'fail' && finding.status !== 'warn') continue;
		const loaded = context.playbooks.forFinding(finding);
		if (!loaded) continue;
		const item = {finding, loaded};
		const kind = kindOf(item);
		const target = finding.target;
		const key =
			kind === 'workload' && 'kind' in target
				? `workload/${target.kind}/${target.namespace ?? ''}/${target.name}`
				: kind === 'host'
					? `host/${loaded.playbook.id}/${targetKey(target)}`
					: kind === 'rollout'
						? `rollout/${loaded.playbook.id}`
						: `${kind}/${loaded.playbook.id}/${targetKey(target)}`;
		groups.set(key, [...(groups.get(key) ?? []), item]);
	}
	const plans: Plan[] = [];
	for (const [key, items] of groups) plans.push(await planGroup(key, items, context));
	return plans;
}

/** The plan for one finding, or undefined when no playbook covers its check. */
export async function planFix(finding: Finding, context: FixContext): Promise<Plan | undefined> {
	const loaded = context.playbooks.forFinding(finding);
	if (!loaded) return undefined;
	if (finding.status !== 'fail' && finding.status !== 'warn') {
		return withStatus(basePlan([{finding, loaded}], loaded.playbook.title), 'nothing-to-do', `the finding is ${finding.status}: nothing to fix`);
	}
	return (await planFixes([finding], context))[0];
}

async function planGroup(key: string, items: readonly PlanItem[], context: FixContext): Promise<Plan> {
	const first = items[0]!;
	try {
		if (key.startsWith('text/')) return planText(first);
		if (key.startsWith('workload/')) return await planWorkload(items, context);
		if (key.startsWith('host/')) return await planHost(items, context);
		if (key.startsWith('rollout/')) return await planRollout(items, context);
		return await planNamespace(first, context);
	} catch (error) {
		const plan = basePlan(items, first.loaded.playbook.title);
		if (error instanceof ParameterError) return withStatus(plan, 'needs-parameters', error.message);
		return withStatus(plan, 'error', error instanceof Error ? error.message : String(error));
	}
}

/** manual and never playbooks: why the tool does not do it, and what the operator can do instead. */
function planText(item: PlanItem): Plan {
	const {playbook} = item.loaded;
	const plan = basePlan([item], `${playbook.title} — ${targetKey(item.finding.target)}`);
	return withStatus(plan, playbook.risk === 'never' ? 'refused' : 'manual', playbook.why?.trim() ?? '', {instructions: instructionsOf(item.loaded)});
}
