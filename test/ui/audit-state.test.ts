// Unit tests for the walkthrough's audit reducer: engine events and operator decisions in, state out.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {EngineEvent} from '../../src/model/events.js';
import {auditReducer, initialAuditState, remainingChecks, type AuditState, type RunTag} from '../../src/ui/state/audit-state.js';
import {finding, sampleChecks, sampleNodes} from './fixtures.js';

const audit: RunTag = {kind: 'audit'};
const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;
const sshd = sampleChecks.find((check) => check.id === 'host.sshd-config')!;
const web = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};

function feed(state: AuditState, events: readonly EngineEvent[], run: RunTag = audit): AuditState {
	return auditReducer(state, {type: 'engine', run, events});
}

test('a batch of findings lands under its check, in order, and bumps the revision once', () => {
	const start = initialAuditState(sampleNodes);
	const a = finding(privileged, 'fail', web);
	const b = finding(privileged, 'pass', {...web, container: 'sidecar'});
	const next = feed(start, [
		{type: 'run-started', checkIds: ['isolation.privileged', 'host.sshd-config']},
		{type: 'finding', finding: a},
		{type: 'finding', finding: b},
		{type: 'check-finished', checkId: 'isolation.privileged', scope: 'cluster'},
	]);
	assert.equal(next.phase, 'running');
	assert.deepEqual(next.plannedChecks, ['isolation.privileged', 'host.sshd-config']);
	assert.deepEqual(next.findings['isolation.privileged'], [a, b]);
	assert.deepEqual(next.finishedChecks, ['isolation.privileged']);
	assert.equal(next.revision, start.revision + 1);
	assert.equal(start.findings['isolation.privileged'], undefined, 'the old state is untouched');
});

test('node-state events update the node in place and add nodes the inventory did not list', () => {
	let state = initialAuditState(sampleNodes);
	state = feed(state, [{type: 'node-state', node: sampleNodes[1]!, state: 'connecting'}]);
	assert.equal(state.nodes[1]!.state, 'connecting');
	const failed = {...sampleNodes[1]!, reachable: false, error: 'connection refused'};
	state = feed(state, [{type: 'node-state', node: failed, state: 'failed', message: 'connection refused'}]);
	assert.equal(state.nodes[1]!.state, 'failed');
	assert.equal(state.nodes[1]!.message, 'connection refused');
	assert.equal(state.nodes[1]!.info.reachable, false);
	const extra = {name: 'late-node', address: '10.0.0.9', os: 'linux' as const, role: 'worker' as const, reachable: null, error: null};
	state = feed(state, [{type: 'node-state', node: extra, state: 'probing'}]);
	assert.equal(state.nodes.length, sampleNodes.length + 1);
	assert.equal(state.nodes.at(-1)!.info.name, 'late-node');
});

test('gather events are tracked per resource', () => {
	let state = feed(initialAuditState([]), [{type: 'gather-started', resource: 'pods'}]);
	assert.deepEqual(state.gathers, [{resource: 'pods', state: 'running'}]);
	state = feed(state, [{type: 'gather-finished', resource: 'pods', count: 12}, {type: 'gather-finished', resource: 'secrets', count: 0, error: 'forbidden'}]);
	assert.deepEqual(state.gathers, [
		{resource: 'pods', state: 'done', count: 12},
		{resource: 'secrets', state: 'failed', count: 0, error: 'forbidden'},
	]);
});

test('run-finished of the audit stores the report and finishes the phase', () => {
	const report = {finishedAt: '2026-05-01T10:00:05.000Z'} as never;
	const state = feed(feed(initialAuditState([]), [{type: 'run-started', checkIds: ['isolation.privileged']}]), [{type: 'run-finished', report}]);
	assert.equal(state.phase, 'finished');
	assert.equal(state.report, report);
	assert.equal(state.finishedAt, '2026-05-01T10:00:05.000Z');
});

test('a re-run replaces the findings of its one check and leaves the others alone', () => {
	let state = feed(initialAuditState(sampleNodes), [
		{type: 'run-started', checkIds: ['isolation.privileged', 'host.sshd-config']},
		{type: 'finding', finding: finding(privileged, 'fail', web)},
		{type: 'finding', finding: finding(sshd, 'fail', {node: 'moc-lx-cp1'})},
		{type: 'check-finished', checkId: 'isolation.privileged', scope: 'cluster'},
		{type: 'check-finished', checkId: 'host.sshd-config', scope: 'node'},
		{type: 'run-finished', report: {} as never},
	]);
	state = auditReducer(state, {type: 'rerun-started', checkId: 'isolation.privileged'});
	assert.deepEqual(state.rerunning, ['isolation.privileged']);
	assert.equal(state.findings['isolation.privileged'], undefined);
	assert.ok(!state.finishedChecks.includes('isolation.privileged'));
	const rerun: RunTag = {kind: 'rerun', checkId: 'isolation.privileged'};
	const fixed = finding(privileged, 'pass', web);
	state = feed(state, [{type: 'run-started', checkIds: ['isolation.privileged']}, {type: 'finding', finding: fixed}, {type: 'run-finished', report: {} as never}], rerun);
	assert.deepEqual(state.findings['isolation.privileged'], [fixed]);
	assert.equal(state.findings['host.sshd-config']!.length, 1);
	assert.deepEqual(state.rerunning, []);
	assert.ok(state.finishedChecks.includes('isolation.privileged'), 'the re-run counts as finished even without check-finished');
	assert.equal(state.phase, 'finished', 'a re-run does not touch the audit phase');
});

test('a failed re-run gives the check back and says why', () => {
	let state = auditReducer(initialAuditState([]), {type: 'rerun-started', checkId: 'isolation.privileged'});
	state = auditReducer(state, {type: 'rerun-failed', checkId: 'isolation.privileged', error: 'API unreachable'});
	assert.deepEqual(state.rerunning, []);
	assert.match(state.error!, /isolation.privileged.*API unreachable/);
});

test('nodes can be left out only before the audit starts', () => {
	let state = auditReducer(initialAuditState(sampleNodes), {type: 'toggle-node', name: 'moc-win-w2'});
	assert.deepEqual(state.excludedNodes, ['moc-win-w2']);
	state = auditReducer(state, {type: 'toggle-node', name: 'moc-win-w2'});
	assert.deepEqual(state.excludedNodes, []);
	state = auditReducer(state, {type: 'audit-started', at: '2026-05-01T10:00:00.000Z'});
	assert.equal(auditReducer(state, {type: 'toggle-node', name: 'moc-lx-w1'}), state);
});

test('attestations, waivers and notes replace earlier ones for the same target and count as unexported', () => {
	let state = initialAuditState([]);
	const base = {check: 'images.scanning', target: '*', by: 'alice', at: '2026-05-01T10:00:00.000Z'};
	state = auditReducer(state, {type: 'attest', attestation: {...base, answer: 'no', note: ''}});
	state = auditReducer(state, {type: 'attest', attestation: {...base, answer: 'yes', note: 'Trivy in CI'}});
	assert.equal(state.attestations.length, 1);
	assert.equal(state.attestations[0]!.answer, 'yes');
	state = auditReducer(state, {type: 'waive', waiver: {check: 'isolation.privileged', target: '*', justification: 'vendor image', approver: 'alice', expires: '2026-08-01', at: base.at}});
	state = auditReducer(state, {type: 'note', checkId: 'isolation.privileged', text: '  ask the vendor  '});
	assert.equal(state.notes['isolation.privileged'], 'ask the vendor');
	assert.equal(state.unexportedChanges, 4);
	state = auditReducer(state, {type: 'note', checkId: 'isolation.privileged', text: ''});
	assert.equal(state.notes['isolation.privileged'], undefined);
	state = auditReducer(state, {type: 'remove-waiver', check: 'isolation.privileged', target: '*'});
	assert.deepEqual(state.waivers, []);
	state = auditReducer(state, {type: 'exported', record: {format: 'json', path: '/tmp/r.json', at: base.at}});
	assert.equal(state.unexportedChanges, 0);
	assert.equal(state.exports.length, 1);
});

test('remainingChecks: everything before a plan, the unfinished part of it after', () => {
	assert.equal(remainingChecks(initialAuditState([])), undefined);
	const state = feed(initialAuditState([]), [
		{type: 'run-started', checkIds: ['a.one', 'a.two', 'a.three']},
		{type: 'check-finished', checkId: 'a.two', scope: 'cluster'},
	]);
	assert.deepEqual(remainingChecks(state), ['a.one', 'a.three']);
});

test('an audit that fails keeps what it found and says why', () => {
	let state = feed(initialAuditState([]), [{type: 'run-started', checkIds: ['isolation.privileged']}, {type: 'finding', finding: finding(privileged, 'fail', web)}]);
	state = auditReducer(state, {type: 'audit-failed', error: 'kubeconfig unreadable'});
	assert.equal(state.phase, 'failed');
	assert.equal(state.error, 'kubeconfig unreadable');
	assert.equal(state.findings['isolation.privileged']!.length, 1);
});
