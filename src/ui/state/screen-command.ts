import type {Action} from '../keymap.js';
import {checkLayout, checkScrollMax} from '../screens/check-document.js';
import {lastUndoableFix, type AuditState} from './audit-state.js';
import {displayStatus, isFailing} from './derive.js';
import {isActionAvailable, selectedSubject, unsavedWork, type ScreenModel} from './screen-model.js';
import type {Route, ViewAction} from './view-state.js';

/** What a key press on a screen asks for: a change of view, or work for the walkthrough to start. */
export type Command =
	| {readonly kind: 'view'; readonly action: ViewAction}
	| {readonly kind: 'start-audit'}
	| {readonly kind: 'toggle-node'; readonly name: string}
	| {readonly kind: 'rerun'; readonly checkId: string}
	| {readonly kind: 'quit'};

/** The screen body's size, which paging and scrolling are measured in. */
export type BodySize = {readonly width: number; readonly height: number};

export type CommandInput = {
	readonly action: Action;
	readonly route: Route;
	readonly model: ScreenModel;
	readonly state: AuditState;
	readonly body: BodySize;
};

const view = (action: ViewAction): Command => ({kind: 'view', action});

/**
 * One key's meaning on the current screen, as data: pure, so every screen's keys can be tested
 * without Ink, and the input hook only carries the commands out. An action that is unavailable
 * here (the footer does not show it) gives no command.
 */
export function screenCommand({action, route, model, state, body}: CommandInput): Command[] {
	if (!isActionAvailable(action, model, state)) return [];
	const subject = selectedSubject(model);
	const page = Math.max(1, body.height - 4);
	switch (action) {
		case 'move-up':
		case 'move-down':
			return [view({type: 'move', delta: action === 'move-up' ? -1 : 1, count: model.count})];
		case 'page-up':
		case 'page-down':
			return [view({type: 'move', delta: action === 'page-up' ? -page : page, count: model.count})];
		case 'scroll-up':
		case 'scroll-down': {
			if (model.screen !== 'check' || route.screen !== 'check') return [];
			const {docHeight} = checkLayout(body.height, model.findings.length);
			const max = checkScrollMax({width: body.width, height: body.height, row: model.row, findings: model.findings, cursor: route.cursor, note: state.notes[model.row.check.id]});
			const step = Math.max(1, docHeight - 1);
			return [view({type: 'scroll', delta: action === 'scroll-up' ? -step : step, max})];
		}
		case 'start':
			return [...(state.phase === 'idle' || state.phase === 'failed' ? [{kind: 'start-audit'} as const] : []), view({type: 'push', route: {screen: 'sections', cursor: 0}})];
		case 'open':
			if (model.screen === 'sections' && model.selected) {
				return [view({type: 'push', route: {screen: 'section', section: model.selected.section, cursor: 0, filter: 'all', query: ''}})];
			}
			if (model.screen === 'section' && model.selected) {
				return [view({type: 'push', route: {screen: 'check', checkId: model.selected.check.id, cursor: 0, scroll: 0, filter: 'all'}})];
			}
			return [];
		case 'back':
			return [view({type: 'back'})];
		case 'toggle-node':
			return model.screen === 'connect' && model.selected ? [{kind: 'toggle-node', name: model.selected.info.name}] : [];
		case 'search':
			return route.screen === 'section' ? [view({type: 'open-dialog', dialog: {kind: 'search', initial: route.query}})] : [];
		case 'toggle-filter':
			return [view({type: 'toggle-filter'})];
		case 'fix':
			return subject ? [view({type: 'open-dialog', dialog: {kind: 'fix', checkId: subject.checkId, target: subject.target}})] : [];
		case 'attest':
			return subject ? [view({type: 'open-dialog', dialog: {kind: 'attest', checkId: subject.checkId, target: subject.target}})] : [];
		case 'waive': {
			if (!subject) return [];
			const hasFailing = subject.findings.some((finding) => isFailing(displayStatus(finding)));
			const existing = subject.findings.some((finding) => finding.status === 'waived') || state.waivers.some((waiver) => waiver.check === subject.checkId && waiver.target === subject.target);
			return [view({type: 'open-dialog', dialog: existing && !hasFailing ? {kind: 'unwaive', ...subject} : {kind: 'waive', checkId: subject.checkId, target: subject.target}})];
		}
		case 'note': {
			const checkId = model.screen === 'check' ? model.row.check.id : model.screen === 'section' ? model.selected?.check.id : undefined;
			return checkId ? [view({type: 'open-dialog', dialog: {kind: 'note', checkId}})] : [];
		}
		case 'rerun': {
			const checkId = model.screen === 'check' ? model.row.check.id : model.screen === 'section' ? model.selected?.check.id : undefined;
			return checkId ? [{kind: 'rerun', checkId}, view({type: 'flash', text: `re-running ${checkId}…`})] : [];
		}
		case 'undo': {
			const fix = lastUndoableFix(state);
			return fix ? [view({type: 'open-dialog', dialog: {kind: 'undo', checkId: fix.checkId, target: fix.target, logIds: fix.logIds, fixAt: fix.at}})] : [];
		}
		case 'export':
			return [view({type: 'open-dialog', dialog: {kind: 'export'}})];
		case 'summary':
			return route.screen === 'summary' ? [] : [view({type: 'push', route: {screen: 'summary', cursor: 0}})];
		case 'help':
			return [view({type: 'open-dialog', dialog: {kind: 'help', context: route.screen}})];
		case 'quit': {
			const reasons = unsavedWork(state);
			return reasons.length ? [view({type: 'open-dialog', dialog: {kind: 'quit', reasons}})] : [{kind: 'quit'}];
		}
		default:
			return [];
	}
}
