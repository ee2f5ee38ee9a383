import type {Catalog} from '../../catalog/load.js';
import type {Check} from '../../model/check.js';
import type {Finding} from '../../model/finding.js';
import {sections, sectionTitles, severityRank, statuses, type Section, type Severity, type Status} from '../../model/status.js';
import {score} from '../../engine/summary.js';
import type {DisplayStatus} from '../theme.js';
import type {AuditState} from './audit-state.js';
import {decide} from '../../engine/decisions.js';
import {decisionsOf} from './audit-state.js';

export type StatusCounts = Readonly<Record<Status, number>>;

/** One row of the section screen. */
export type CheckRow = {
	readonly check: Check;
	readonly status: DisplayStatus;
	/** The findings with the operator's decisions applied, worst first. */
	readonly findings: readonly Finding[];
	readonly counts: StatusCounts;
	/** Targets that need attention: fail, error, warn, an open question (display statuses). */
	readonly affected: number;
	readonly isFinished: boolean;
	readonly isRunning: boolean;
};

export type SectionRow = {
	readonly section: Section;
	readonly title: string;
	readonly status: DisplayStatus;
	readonly total: number;
	readonly checked: number;
	/** Checks by their overall status. */
	readonly counts: StatusCounts;
	readonly score: number;
	readonly summary: string;
};

/** Worst first: the order a check's findings are listed in and the one its own status is taken from. */
export const statusOrder: readonly Status[] = ['fail', 'error', 'warn', 'manual', 'waived', 'pass', 'accepted', 'skip'];
const needsAttention = new Set<Status>(['fail', 'error', 'warn', 'manual']);

/**
 * How the walkthrough shows a finding: an attested question reads as its answer (yes ✓, no ✗,
 * n.a. ~) while the report keeps it `manual` with the attestation attached.
 */
export function displayStatus(finding: Finding): Status {
	if (finding.status !== 'manual' || !finding.attestation) return finding.status;
	return finding.attestation.answer === 'yes' ? 'pass' : finding.attestation.answer === 'no' ? 'fail' : 'skip';
}

export function isFailing(status: DisplayStatus): boolean {
	return status === 'fail' || status === 'error' || status === 'warn' || status === 'manual';
}

export function emptyCounts(): Record<Status, number> {
	return Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
}

function worst(findings: readonly Finding[]): Status | undefined {
	let best: Status | undefined;
	for (const finding of findings) {
		const status = displayStatus(finding);
		if (best === undefined || statusOrder.indexOf(status) < statusOrder.indexOf(best)) best = status;
	}
	return best;
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
	return [...findings].sort((a, b) => statusOrder.indexOf(displayStatus(a)) - statusOrder.indexOf(displayStatus(b)) || severityRank(b.severity) - severityRank(a.severity));
}

/** What the decisions make of every finding: computed once per state change, shared by every screen. */
export function effectiveFindings(state: AuditState, today: string): Readonly<Record<string, readonly Finding[]>> {
	const out: Record<string, readonly Finding[]> = {};
	const decided = decide(Object.values(state.findings).flat(), decisionsOf(state), today).findings;
	const byCheck = new Map<string, Finding[]>();
	for (const finding of decided) {
		const list = byCheck.get(finding.checkId);
		if (list) list.push(finding);
		else byCheck.set(finding.checkId, [finding]);
	}
	for (const checkId of Object.keys(state.findings)) out[checkId] = sortFindings(byCheck.get(checkId) ?? []);
	return out;
}

/** Checks the walkthrough shows: the ones the run planned, or the whole catalogue before it starts. */
export function visibleChecks(catalog: Catalog, state: AuditState): Check[] {
	if (!state.plannedChecks.length) return catalog.checks.map((compiled) => compiled.check);
	const planned = new Set(state.plannedChecks);
	return catalog.checks.map((compiled) => compiled.check).filter((check) => planned.has(check.id));
}

export function checkRow(check: Check, state: AuditState, effective: Readonly<Record<string, readonly Finding[]>>): CheckRow {
	const findings = effective[check.id] ?? [];
	const counts = emptyCounts();
	for (const finding of findings) counts[displayStatus(finding)]++;
	const isFinished = state.finishedChecks.includes(check.id);
	const isRunning = state.rerunning.includes(check.id) || (state.phase === 'running' && !isFinished);
	const verdict = worst(findings);
	let status: DisplayStatus = verdict ?? (isFinished ? 'skip' : isRunning ? 'running' : 'pending');
	if (verdict && isRunning && !isFailing(verdict)) status = 'running';
	const affected = findings.filter((finding) => needsAttention.has(displayStatus(finding))).length;
	return {check, status, findings, counts, affected, isFinished, isRunning};
}

export function checkRows(catalog: Catalog, state: AuditState, effective: Readonly<Record<string, readonly Finding[]>>, section?: Section): CheckRow[] {
	return visibleChecks(catalog, state)
		.filter((check) => section === undefined || check.section === section)
		.map((check) => checkRow(check, state, effective));
}

const severityWords = (rows: readonly CheckRow[]) => {
	const bySeverity = new Map<Severity, number>();
	for (const row of rows) bySeverity.set(row.check.severity, (bySeverity.get(row.check.severity) ?? 0) + 1);
	return (['critical', 'high', 'medium', 'low'] as const)
		.filter((severity) => bySeverity.get(severity))
		.map((severity) => `${bySeverity.get(severity)} ${severity}`)
		.join(', ');
};

function sectionSummary(rows: readonly CheckRow[], checked: number, phase: AuditState['phase']): string {
	if (!rows.length) return 'no checks selected';
	if (!checked && phase === 'idle') return 'not started';
	const failing = rows.filter((row) => row.status === 'fail');
	const parts: string[] = [];
	if (failing.length) parts.push(`${failing.length} failing (${severityWords(failing)})`);
	const errors = rows.filter((row) => row.status === 'error').length;
	if (errors) parts.push(`${errors} could not be checked`);
	const warnings = rows.filter((row) => row.status === 'warn').length;
	if (warnings) parts.push(`${warnings} to review`);
	const manual = rows.filter((row) => row.status === 'manual').length;
	if (manual) parts.push(`${manual} to attest`);
	if (checked < rows.length) parts.push(`checking ${checked}/${rows.length}`);
	if (!parts.length) return 'nothing to do here';
	return parts.join(' · ');
}

function sectionStatus(rows: readonly CheckRow[]): DisplayStatus {
	const isRunning = rows.some((row) => row.isRunning);
	const verdicts = rows.map((row) => row.status).filter((status): status is Status => statusOrder.includes(status as Status));
	const verdict = verdicts.sort((a, b) => statusOrder.indexOf(a) - statusOrder.indexOf(b))[0];
	if (verdict === undefined) return isRunning ? 'running' : rows.length && rows.every((row) => row.isFinished) ? 'skip' : 'pending';
	// A section that looks clean so far is not clean until its last check is in.
	if (isRunning && !isFailing(verdict)) return 'running';
	return verdict;
}

export function sectionRows(catalog: Catalog, state: AuditState, effective: Readonly<Record<string, readonly Finding[]>>): SectionRow[] {
	return sections.map((section) => {
		const rows = checkRows(catalog, state, effective, section);
		const counts = emptyCounts();
		const findings: Finding[] = [];
		let checked = 0;
		for (const row of rows) {
			if (row.isFinished) checked++;
			if (row.status in counts) counts[row.status as Status]++;
			findings.push(...row.findings);
		}
		return {
			section,
			title: sectionTitles[section],
			status: sectionStatus(rows),
			total: rows.length,
			checked,
			counts,
			score: score(findings),
			summary: sectionSummary(rows, checked, state.phase),
		};
	});
}

export function allEffective(effective: Readonly<Record<string, readonly Finding[]>>): Finding[] {
	return Object.values(effective).flat();
}

export type NodeProgress = {readonly total: number; readonly done: number; readonly failed: number; readonly active: number};

export function nodeProgress(state: AuditState): NodeProgress {
	const included = state.nodes.filter((node) => !state.excludedNodes.includes(node.info.name));
	return {
		total: included.length,
		done: included.filter((node) => node.state === 'done').length,
		failed: included.filter((node) => node.state === 'failed').length,
		active: included.filter((node) => node.state === 'connecting' || node.state === 'probing').length,
	};
}

export function checkProgress(catalog: Catalog, state: AuditState): {readonly total: number; readonly done: number} {
	const checks = visibleChecks(catalog, state);
	const finished = new Set(state.finishedChecks);
	return {total: checks.length, done: checks.filter((check) => finished.has(check.id)).length};
}
