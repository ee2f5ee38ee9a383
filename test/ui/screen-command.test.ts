// Unit tests for what each key does on each screen, as data (the input hook only carries it out).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {auditReducer, initialAuditState, type AuditState} from '../../src/ui/state/audit-state.js';
import {effectiveFindings} from '../../src/ui/state/derive.js';
import {screenCommand} from '../../src/ui/state/screen-command.js';
import {screenModel} from '../../src/ui/state/screen-model.js';
import type {Route} from '../../src/ui/state/view-state.js';
import type {Action} from '../../src/ui/keymap.js';
import {finishedAudit, makeCatalog, sampleChecks, sampleNodes} from './fixtures.js';

const catalog = makeCatalog(sampleChecks);
const body = {width: 80, height: 22};

const command = (action: Action, route: Route, state: AuditState) =>
	screenCommand({action, route, state, body, model: screenModel(route, catalog, state, effectiveFindings(state, '2026-05-01'))});

const privileged: Route = {screen: 'check', checkId: 'isolation.privileged', cursor: 0, scroll: 0, filter: 'all'};
const isolation: Route = {screen: 'section', section: 'isolation', cursor: 0, filter: 'all', query: ''};

test('Enter on the connect screen starts the audit once and shows the sections', () => {
	const idle = initialAuditState(sampleNodes);
	assert.deepEqual(command('start', {screen: 'connect', cursor: 0}, idle), [
		{kind: 'start-audit'},
		{kind: 'view', action: {type: 'push', route: {screen: 'sections', cursor: 0}}},
	]);
	const done = finishedAudit();
	assert.deepEqual(command('start', {screen: 'connect', cursor: 0}, done), [{kind: 'view', action: {type: 'push', route: {screen: 'sections', cursor: 0}}}], 'a finished audit is not run again');
});

test('space leaves the selected node out, only before the audit starts', () => {
	const idle = initialAuditState(sampleNodes);
	assert.deepEqual(command('toggle-node', {screen: 'connect', cursor: 1}, idle), [{kind: 'toggle-node', name: sampleNodes[1]!.name}]);
	assert.deepEqual(command('toggle-node', {screen: 'connect', cursor: 1}, finishedAudit()), []);
});

test('on a check: f, w and n open their dialogs about the selected target; a is not offered for a failing one', () => {
	const state = finishedAudit();
	assert.deepEqual(command('fix', privileged, state), [{kind: 'view', action: {type: 'open-dialog', dialog: {kind: 'fix', checkId: 'isolation.privileged', target: 'Deployment/shop/web:app'}}}]);
	assert.deepEqual(command('waive', privileged, state), [{kind: 'view', action: {type: 'open-dialog', dialog: {kind: 'waive', checkId: 'isolation.privileged', target: 'Deployment/shop/web:app'}}}]);
	assert.deepEqual(command('note', privileged, state), [{kind: 'view', action: {type: 'open-dialog', dialog: {kind: 'note', checkId: 'isolation.privileged'}}}]);
	assert.deepEqual(command('attest', privileged, state), []);
	assert.deepEqual(command('fix', {...privileged, cursor: 1}, state), [], 'nothing to fix on a passing target');
});

test('r re-runs the check and says so; s opens the summary; ? opens help about this screen', () => {
	const state = finishedAudit();
	assert.deepEqual(command('rerun', isolation, state), [
		{kind: 'rerun', checkId: 'isolation.privileged'},
		{kind: 'view', action: {type: 'flash', text: 're-running isolation.privileged…'}},
	]);
	assert.deepEqual(command('summary', isolation, state), [{kind: 'view', action: {type: 'push', route: {screen: 'summary', cursor: 0}}}]);
	assert.deepEqual(command('summary', {screen: 'summary', cursor: 0}, state), []);
	assert.deepEqual(command('help', isolation, state), [{kind: 'view', action: {type: 'open-dialog', dialog: {kind: 'help', context: 'section'}}}]);
});

test('Enter opens the selected row; paging moves by the body height', () => {
	const state = finishedAudit();
	assert.deepEqual(command('open', isolation, state), [{kind: 'view', action: {type: 'push', route: privileged}}]);
	const [page] = command('page-down', {screen: 'sections', cursor: 0}, state);
	assert.deepEqual(page, {kind: 'view', action: {type: 'move', delta: body.height - 4, count: 7}});
});

test('q quits at once when nothing would be lost, else asks with the reasons', () => {
	const state = finishedAudit();
	assert.deepEqual(command('quit', isolation, state), [{kind: 'quit'}]);
	const running = auditReducer(initialAuditState(sampleNodes), {type: 'audit-started', at: '2026-05-01T10:00:00.000Z'});
	const [asked] = command('quit', {screen: 'connect', cursor: 0}, running);
	assert.equal(asked?.kind === 'view' && asked.action.type === 'open-dialog' && asked.action.dialog.kind, 'quit');
});
