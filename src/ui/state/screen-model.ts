import type {Catalog} from '../../catalog/load.js';
import type {Check} from '../../model/check.js';
import type {Finding} from '../../model/finding.js';
import type {Section} from '../../model/status.js';
import {targetKey} from '../../model/target.js';
import type {Action} from '../keymap.js';
import {lastUndoableFix, type AuditState, type NodeEntry} from './audit-state.js';
import {allTargets, waivableStatuses} from '../../engine/decisions.js';
import {checkRow, checkRows, displayStatus, isFailing, sectionRows, type CheckRow, type SectionRow} from './derive.js';
import type {Route, Subject} from './view-state.js';

/** What the current screen shows and which row is selected: everything a key press needs to act. */
export type ScreenModel =
	| {readonly screen: 'connect'; readonly count: number; readonly nodes: readonly NodeEntry[]; readonly selected?: NodeEntry}
	| {readonly screen: 'sections'; readonly count: number; readonly rows: readonly SectionRow[]; readonly selected?: SectionRow}
	| {
			readonly screen: 'section';
			readonly section: Section;
			readonly count: number;
			readonly rows: readonly CheckRow[];
			/** Before the filter and the search. */
			readonly allRows: readonly CheckRow[];
			readonly selected?: CheckRow;
	  }
	| {
			readonly screen: 'check';
			readonly count: number;
			readonly row: CheckRow;
			readonly findings: readonly Finding[];
			readonly selected?: Finding;
	  }
	| {readonly screen: 'summary'; readonly count: number};

function matches(check: Check, query: string): boolean {
	const needle = query.trim().toLowerCase();
	if (!needle) return true;
	return `${check.id} ${check.title} ${check.severity}`.toLowerCase().includes(needle);
}

/** Clamp a stored cursor to what the list holds now (a filter or a re-run can shrink it). */
const at = <T>(list: readonly T[], cursor: number): T | undefined => list[Math.max(0, Math.min(list.length - 1, cursor))];

export function screenModel(
	route: Route,
	catalog: Catalog,
	state: AuditState,
	effective: Readonly<Record<string, readonly Finding[]>>,
	summaryLines = 0,
): ScreenModel {
	switch (route.screen) {
		case 'connect':
			return {screen: 'connect', count: state.nodes.length, nodes: state.nodes, selected: at(state.nodes, route.cursor)};
		case 'sections': {
			const rows = sectionRows(catalog, state, effective);
			return {screen: 'sections', count: rows.length, rows, selected: at(rows, route.cursor)};
		}
		case 'section': {
			const allRows = checkRows(catalog, state, effective, route.section);
			const rows = allRows.filter((row) => (route.filter === 'all' || isFailing(row.status)) && matches(row.check, route.query));
			return {screen: 'section', section: route.section, count: rows.length, rows, allRows, selected: at(rows, route.cursor)};
		}
		case 'check': {
			const check = catalog.byId.get(route.checkId)!.check;
			const row = checkRow(check, state, effective);
			const findings = row.findings.filter((finding) => route.filter === 'all' || isFailing(displayStatus(finding)));
			return {screen: 'check', count: findings.length, row, findings, selected: at(findings, route.cursor)};
		}
		case 'summary':
			return {screen: 'summary', count: summaryLines};
	}
}

/** A question for the operator, answered or not (the answer can be changed). */
export function isAttestable(finding: Finding): boolean {
	return finding.status === 'manual' || (finding.status === 'waived' && finding.attestation !== undefined);
}

/** What a waiver can set aside (engine/decisions): a failure or a warning, or one already waived. */
export function isWaivable(finding: Finding): boolean {
	return finding.status === 'waived' || waivableStatuses.has(finding.status);
}

/** The check and target(s) an action on the selected row is about: one target, or all of the check's. */
export function selectedSubject(model: ScreenModel): (Subject & {readonly findings: readonly Finding[]}) | undefined {
	if (model.screen === 'check' && model.selected) {
		return {checkId: model.row.check.id, target: targetKey(model.selected.target), findings: [model.selected]};
	}
	if (model.screen === 'section' && model.selected) {
		return {checkId: model.selected.check.id, target: allTargets, findings: model.selected.findings};
	}
	return undefined;
}

export function selectedCheck(model: ScreenModel): CheckRow | undefined {
	if (model.screen === 'check') return model.row;
	if (model.screen === 'section') return model.selected;
	return undefined;
}

/** Whether a key's action does anything here and now: the footer shows only those. */
export function isActionAvailable(action: Action, model: ScreenModel, state: AuditState): boolean {
	const subject = selectedSubject(model);
	const row = selectedCheck(model);
	switch (action) {
		case 'toggle-node':
			return model.screen === 'connect' && state.phase === 'idle' && model.count > 0;
		case 'open':
			return model.screen === 'sections' || (model.screen === 'section' && model.selected !== undefined);
		case 'fix':
			return subject !== undefined && subject.findings.some((finding) => finding.status !== 'manual' && isFailing(finding.status));
		case 'attest':
			return subject !== undefined && subject.findings.some(isAttestable);
		case 'waive':
			return subject !== undefined && subject.findings.some(isWaivable);
		case 'note':
			return row !== undefined;
		case 'rerun':
			return row !== undefined && row.isFinished && !state.rerunning.includes(row.check.id);
		case 'undo':
			return model.screen === 'summary' && lastUndoableFix(state) !== undefined;
		case 'scroll-up':
		case 'scroll-down':
			return model.screen === 'check' && model.selected !== undefined;
		default:
			return true;
	}
}

/** Why quitting now would lose something (the quit dialog lists these); empty: quit at once. */
export function unsavedWork(state: AuditState): string[] {
	const reasons: string[] = [];
	if (state.phase === 'running') reasons.push('The audit is still running. Its progress is saved: run again with --resume to finish it.');
	if (state.rerunning.length) reasons.push(`A re-run is still going (${state.rerunning.join(', ')}).`);
	if (state.unexportedChanges) {
		reasons.push(`${state.unexportedChanges} decision(s) (attestations, waivers, notes) are saved in the session but in no exported report yet (e exports).`);
	}
	return reasons;
}
