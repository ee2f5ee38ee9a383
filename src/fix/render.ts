import {targetKey} from '../model/target.js';
import type {ChangeResult} from './events.js';
import {targetsOf, type Change, type Plan} from './model.js';

/**
 * A plan as text, the way every fix screen shows it: risk and durability first, then what it
 * fixes, the exact diff, and what it sets in motion.
 */
export function renderPlan(plan: Plan, options: {withDiff?: boolean} = {}): string {
	const lines: string[] = [];
	lines.push(`${plan.title}`);
	lines.push(`  risk: ${plan.risk} · durability: ${plan.durability}${plan.durability === 'ephemeral' ? ' (a node upgrade or reimage discards it)' : ' (a Kubernetes object)'} · status: ${plan.status}`);
	lines.push(`  playbook${plan.playbooks.length === 1 ? '' : 's'}: ${plan.playbooks.map((playbook) => playbook.id).join(', ')}`);
	lines.push(`  fixes: ${plan.findings.map((finding) => `${finding.checkId} ${targetKey(finding.target)}`).join('; ')}`);
	if (plan.summary) lines.push(`  what: ${plan.summary}`);
	if (plan.impact) lines.push(`  impact: ${plan.impact}`);
	if (plan.reason && plan.status !== 'ready' && !plan.instructions) lines.push(`  ${plan.status === 'nothing-to-do' ? 'note' : 'why'}: ${plan.reason}`);
	for (const note of plan.notes) lines.push(`  note: ${note.replaceAll('\n', '\n    ')}`);
	for (const missing of plan.missing) lines.push(`  needs: ${missing.name} — ${missing.description}${missing.suggestion ? ` (${missing.suggestion})` : ''}; pass --set ${missing.name}=VALUE`);
	if (plan.instructions) lines.push('', indent(plan.instructions, '  '));
	const targets = targetsOf(plan.changes).length;
	if (targets > 1) lines.push(`  touches ${targets} targets`);
	for (const change of plan.changes) lines.push('', ...renderChange(change, options.withDiff ?? true));
	return `${lines.join('\n')}\n`;
}

export function renderChange(change: Change, withDiff: boolean): string[] {
	const lines = [`  • ${change.summary}${change.type === 'kube' && change.stage ? ` [stage ${change.stage}]` : ''}`];
	for (const effect of change.effects) lines.push(`    effect: ${effect}`);
	for (const warning of change.warnings) lines.push(`    warning: ${warning}`);
	if (withDiff && change.diff) lines.push(indent(change.diff.trimEnd(), '    '));
	return lines;
}

export function renderResult(result: ChangeResult): string {
	const lines = [`${symbol(result.outcome)} ${result.outcome}: ${result.message}`];
	// Only an applied change has something to undo; the others are on record all the same.
	if (result.logId) lines.push(result.outcome === 'applied' ? `  recorded as ${result.logId} (undo: aks-harden undo ${result.logId})` : `  recorded as ${result.logId}`);
	for (const warning of result.warnings ?? []) lines.push(`  warning: ${warning}`);
	return `${lines.join('\n')}\n`;
}

function symbol(outcome: ChangeResult['outcome']): string {
	return outcome === 'applied' ? '✔' : outcome === 'nothing-to-do' ? '·' : '✘';
}

function indent(text: string, prefix: string): string {
	return text
		.split('\n')
		.map((line) => (line ? `${prefix}${line}` : line))
		.join('\n');
}
