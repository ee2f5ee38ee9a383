import {randomBytes} from 'node:crypto';
import type {Finding} from '../model/finding.js';
import type {KubeObject} from '../model/kube.js';
import type {LoadedPlaybook} from './load.js';
import {riskRank, type Change, type Plan, type PlanStatus} from './model.js';
import type {Risk} from './playbook.js';
import {toYaml} from './text-diff.js';
import {collectSensitive, Redactor} from '../engine/redact.js';

export function newId(prefix: string): string {
	return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export type PlanItem = {readonly finding: Finding; readonly loaded: LoadedPlaybook};

/** The frame every plan shares: which playbooks, which findings, how risky and how durable. */
export function basePlan(items: readonly PlanItem[], title: string): Plan {
	const playbooks = [...new Map(items.map(({loaded}) => [loaded.playbook.id, loaded.playbook])).values()];
	const risk = playbooks.reduce<Risk>((worst, playbook) => (riskRank(playbook.risk) > riskRank(worst) ? playbook.risk : worst), 'safe');
	const impacts = playbooks.map((playbook) => playbook.impact).filter((text): text is string => Boolean(text));
	return {
		id: newId('plan'),
		title,
		playbooks: playbooks.map(({id, title: playbookTitle, risk: playbookRisk, durability}) => ({id, title: playbookTitle, risk: playbookRisk, durability})),
		risk,
		durability: playbooks.some((playbook) => playbook.durability === 'ephemeral') ? 'ephemeral' : 'persistent',
		summary: playbooks.map((playbook) => playbook.summary.trim()).join(' '),
		...(impacts.length ? {impact: impacts.map((text) => text.trim()).join(' ')} : {}),
		findings: items.map(({finding}) => ({checkId: finding.checkId, target: finding.target})),
		status: 'ready',
		missing: [],
		parameters: {},
		notes: [],
		changes: [],
	};
}

export function withStatus(plan: Plan, status: PlanStatus, reason: string, extra: Partial<Plan> = {}): Plan {
	return {...plan, status, reason, changes: [], ...extra};
}

export function withChanges(plan: Plan, changes: readonly Change[]): Plan {
	if (!changes.length) return {...plan, status: 'nothing-to-do', reason: 'already in the wanted state', changes: []};
	return {...plan, status: 'ready', changes: [...changes]};
}

/**
 * An object as an operator reads it in a diff: no managed fields, no status, no server counters,
 * and no secret values (a password in an env literal would otherwise land in the plan file and
 * the audit log).
 */
export function displayObject(object: KubeObject | undefined): string {
	if (!object) return '';
	const {status: _status, ...rest} = object as KubeObject & {status?: unknown};
	const {managedFields: _managed, resourceVersion: _version, generation: _generation, ...metadata} = object.metadata as KubeObject['metadata'] & {managedFields?: unknown; generation?: unknown};
	const redactor = new Redactor();
	collectSensitive([object], redactor);
	return redactor.apply(toYaml({...rest, metadata}));
}

/** Instructions for a playbook the tool does not run. */
export function instructionsOf(loaded: LoadedPlaybook): string {
	const {playbook} = loaded;
	return [playbook.why ? `Why not automated: ${playbook.why.trim()}` : '', playbook.instead ? `What to do instead: ${playbook.instead.trim()}` : '']
		.filter(Boolean)
		.join('\n\n');
}
