// Unit tests for what the screens are computed from: check rows, section rows, progress.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {sections} from '../../src/model/status.js';
import type {EngineEvent} from '../../src/model/events.js';
import {auditReducer, initialAuditState, type AuditState} from '../../src/ui/state/audit-state.js';
import {checkRows, displayStatus, effectiveFindings, nodeProgress, sectionRows} from '../../src/ui/state/derive.js';
import {finding, makeCatalog, sampleChecks, sampleFindings, sampleNodes} from './fixtures.js';

const catalog = makeCatalog(sampleChecks);
const today = '2026-05-01';

function feed(state: AuditState, events: readonly EngineEvent[]): AuditState {
	return auditReducer(state, {type: 'engine', run: {kind: 'audit'}, events});
}

function finished(): AuditState {
	const events: EngineEvent[] = [{type: 'run-started', checkIds: sampleChecks.map((check) => check.id)}];
	for (const [checkId, list] of sampleFindings()) {
		for (const item of list) events.push({type: 'finding', finding: item});
		events.push({type: 'check-finished', checkId, scope: 'cluster'});
	}
	return feed(initialAuditState(sampleNodes), events);
}

test('sections come in the article order with their titles, even before anything ran', () => {
	const rows = sectionRows(catalog, initialAuditState([]), {});
	assert.deepEqual(
		rows.map((row) => row.section),
		[...sections],
	);
	assert.equal(rows[0]!.title, 'Secure images');
	assert.equal(rows[0]!.status, 'pending');
	assert.equal(rows[0]!.summary, 'not started');
	assert.equal(rows[0]!.total, 2);
});

test('a section counts its checks by status, scores its findings and sums up in one line', () => {
	const state = finished();
	const rows = sectionRows(catalog, state, effectiveFindings(state, today));
	const isolation = rows.find((row) => row.section === 'isolation')!;
	assert.equal(isolation.checked, 2);
	assert.equal(isolation.counts.fail, 2);
	assert.equal(isolation.status, 'fail');
	assert.equal(isolation.summary, '2 failing (1 high, 1 medium)');
	// privileged: web fails (high 3), api passes (3); run-as-root: two medium failures (2+2).
	assert.equal(isolation.score, 30);
	const images = rows.find((row) => row.section === 'images')!;
	assert.equal(images.summary, '1 failing (1 medium) · 1 to attest');
	assert.equal(rows.find((row) => row.section === 'resources')!.status, 'pass');
});

test('a check with no verdict yet is running while the audit runs and pending before', () => {
	const started = feed(initialAuditState([]), [{type: 'run-started', checkIds: ['isolation.privileged']}]);
	const [row] = checkRows(catalog, started, {}, 'isolation');
	assert.equal(row!.status, 'running');
	const [idle] = checkRows(catalog, initialAuditState([]), {}, 'isolation');
	assert.equal(idle!.status, 'pending');
});

test('a check that looks clean so far reads as running until it finishes; a failure shows at once', () => {
	const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;
	let state = feed(initialAuditState([]), [{type: 'run-started', checkIds: ['isolation.privileged']}, {type: 'finding', finding: finding(privileged, 'pass', {cluster: true})}]);
	assert.equal(checkRows(catalog, state, effectiveFindings(state, today), 'isolation')[0]!.status, 'running');
	state = feed(state, [{type: 'finding', finding: finding(privileged, 'fail', {namespace: 'shop'})}]);
	assert.equal(checkRows(catalog, state, effectiveFindings(state, today), 'isolation')[0]!.status, 'fail');
});

test('an attested question reads as its answer on screen', () => {
	const scanning = sampleChecks.find((check) => check.id === 'images.scanning')!;
	const question = finding(scanning, 'manual', {cluster: true});
	const at = {checkId: scanning.id, target: '*', note: '', by: 'a', at: 'now'};
	assert.equal(displayStatus(question), 'manual');
	assert.equal(displayStatus({...question, attestation: {...at, answer: 'yes'}}), 'pass');
	assert.equal(displayStatus({...question, attestation: {...at, answer: 'no'}}), 'fail');
	assert.equal(displayStatus({...question, attestation: {...at, answer: 'n/a'}}), 'skip');
});

test('node progress leaves excluded nodes out', () => {
	let state = auditReducer(initialAuditState(sampleNodes), {type: 'toggle-node', name: 'moc-win-w2'});
	state = feed(state, [{type: 'node-state', node: sampleNodes[0]!, state: 'done'}, {type: 'node-state', node: sampleNodes[1]!, state: 'probing'}]);
	assert.deepEqual(nodeProgress(state), {total: 2, done: 1, failed: 0, active: 1});
});
