// Unit tests for what a key can do on the current screen (drives both handling and the footer).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {auditReducer, initialAuditState, type AuditState} from '../../src/ui/state/audit-state.js';
import {effectiveFindings} from '../../src/ui/state/derive.js';
import {isActionAvailable, screenModel, selectedSubject, unsavedWork} from '../../src/ui/state/screen-model.js';
import type {Route} from '../../src/ui/state/view-state.js';
import {finishedAudit, makeCatalog, sampleChecks, sampleFindings, sampleNodes} from './fixtures.js';

const catalog = makeCatalog(sampleChecks);

const model = (route: Route, state: AuditState) => screenModel(route, catalog, state, effectiveFindings(state, '2026-05-01'));

test('on the check screen, actions follow the selected target', () => {
	const state = finishedAudit();
	const check = (cursor: number): Route => ({screen: 'check', checkId: 'isolation.privileged', cursor, scroll: 0, filter: 'all'});
	const failing = model(check(0), state);
	assert.equal(selectedSubject(failing)?.target, 'Deployment/shop/web:app');
	assert.ok(isActionAvailable('fix', failing, state));
	assert.ok(isActionAvailable('waive', failing, state));
	assert.ok(!isActionAvailable('attest', failing, state));
	assert.ok(isActionAvailable('rerun', failing, state));
	const passing = model(check(1), state);
	assert.ok(!isActionAvailable('fix', passing, state));
	assert.ok(!isActionAvailable('waive', passing, state));
});

test('on the section screen, actions cover the whole selected check', () => {
	const state = finishedAudit();
	const section = model({screen: 'section', section: 'images', cursor: 1, filter: 'all', query: ''}, state);
	assert.deepEqual(selectedSubject(section), {checkId: 'images.scanning', target: '*', findings: sampleFindings().get('images.scanning')});
	assert.ok(isActionAvailable('attest', section, state));
	assert.ok(!isActionAvailable('fix', section, state), 'an open question has nothing to fix');
});

test('nodes can be left out only before the audit; re-run only once the check is in', () => {
	const idle = initialAuditState(sampleNodes);
	assert.ok(isActionAvailable('toggle-node', model({screen: 'connect', cursor: 0}, idle), idle));
	const running = auditReducer(idle, {type: 'audit-started', at: 'now'});
	assert.ok(!isActionAvailable('toggle-node', model({screen: 'connect', cursor: 0}, running), running));
	const started = auditReducer(running, {type: 'engine', run: {kind: 'audit'}, events: [{type: 'run-started', checkIds: ['isolation.privileged']}]});
	const section = model({screen: 'section', section: 'isolation', cursor: 0, filter: 'all', query: ''}, started);
	assert.ok(!isActionAvailable('rerun', section, started));
});

test('the filter and the search narrow the section screen', () => {
	const state = finishedAudit();
	const failing = model({screen: 'section', section: 'resources', cursor: 0, filter: 'failing', query: ''}, state);
	assert.equal(failing.count, 0);
	const search = model({screen: 'section', section: 'isolation', cursor: 0, filter: 'all', query: 'ROOT'}, state);
	assert.equal(search.count, 1);
});

test('unsaved work: a running audit, a re-run, decisions not exported', () => {
	assert.deepEqual(unsavedWork(finishedAudit()), []);
	const running = auditReducer(initialAuditState([]), {type: 'audit-started', at: 'now'});
	assert.equal(unsavedWork(running).length, 1);
	const decided = auditReducer(finishedAudit(), {type: 'note', checkId: 'images.scanning', text: 'x'});
	assert.match(unsavedWork(decided)[0]!, /1 decision\(s\)/);
});
