// Unit tests for the session file: what is saved, how it is read back, and when resuming is offered.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {auditReducer, initialAuditState, remainingChecks, type AuditState} from '../../src/ui/state/audit-state.js';
import {fromSession, SessionSchema, toSession} from '../../src/ui/state/session.js';
import {mergeNodes, planStartup} from '../../src/ui/state/startup.js';
import {loadSession, saveSession} from '../../src/commands/session-store.js';
import {finding, sampleChecks, sampleNodes} from './fixtures.js';

const identity = {context: 'aks-test', server: 'https://127.0.0.1:6443'};
const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;

function interrupted(): AuditState {
	let state = initialAuditState(sampleNodes);
	state = auditReducer(state, {type: 'audit-started', at: '2026-05-01T10:00:00.000Z'});
	state = auditReducer(state, {
		type: 'engine',
		run: {kind: 'audit'},
		events: [
			{type: 'run-started', checkIds: ['isolation.privileged', 'images.scanning', 'host.sshd-config']},
			{type: 'finding', finding: finding(privileged, 'fail', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'})},
			{type: 'check-finished', checkId: 'isolation.privileged', scope: 'cluster'},
			{type: 'node-state', node: sampleNodes[0]!, state: 'probing'},
		],
	});
	state = auditReducer(state, {type: 'attest', attestation: {check: 'images.scanning', target: '*', answer: 'yes', note: 'Trivy', by: 'alice', at: '2026-05-01T10:01:00.000Z'}});
	return auditReducer(state, {type: 'waive', waiver: {check: 'isolation.privileged', target: '*', justification: 'vendor', approver: 'alice', expires: '2026-08-01', at: '2026-05-01T10:02:00.000Z'}});
}

test('a saved session reads back with findings, decisions and progress; a running audit comes back idle', () => {
	const state = interrupted();
	const session = toSession(state, identity, '2026-05-01T10:03:00.000Z');
	const json = JSON.parse(JSON.stringify(session));
	const back = fromSession(json);
	assert.equal(back.phase, 'idle', 'interrupted: the operator restarts it');
	assert.deepEqual(back.findings, state.findings);
	assert.deepEqual(back.attestations, state.attestations);
	assert.deepEqual(back.waivers, state.waivers);
	assert.deepEqual(back.finishedChecks, ['isolation.privileged']);
	assert.deepEqual(back.plannedChecks, state.plannedChecks);
	assert.equal(back.nodes[0]!.state, 'waiting', 'a node caught mid-probe is probed again');
	assert.equal(back.unexportedChanges, 2);
});

test('saving is atomic: the file is whole JSON and no temp file is left behind', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-session-'));
	const file = join(dir, 'nested', 'session.json');
	await saveSession(file, toSession(interrupted(), identity, '2026-05-01T10:03:00.000Z'));
	await saveSession(file, toSession(interrupted(), identity, '2026-05-01T10:04:00.000Z'));
	assert.deepEqual(readdirSync(join(dir, 'nested')), ['session.json']);
	assert.equal(JSON.parse(readFileSync(file, 'utf8')).savedAt, '2026-05-01T10:04:00.000Z');
	const loaded = await loadSession(file);
	assert.equal(loaded.kind, 'ok');
});

test('a missing file is no session; a broken one is reported, not thrown', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-session-'));
	assert.deepEqual(await loadSession(join(dir, 'none.json')), {kind: 'none'});
	writeFileSync(join(dir, 'bad.json'), '{"kind": "aks-harden-session", "version": 1');
	assert.equal((await loadSession(join(dir, 'bad.json'))).kind, 'unreadable');
	writeFileSync(join(dir, 'other.json'), '{"hello": "world"}');
	assert.equal((await loadSession(join(dir, 'other.json'))).kind, 'unreadable');
});

test('startup: a session of the same context with work in it is offered; --resume restores it at once', () => {
	const session = toSession(interrupted(), identity, '2026-05-01T10:03:00.000Z');
	const offered = planStartup({kind: 'ok', session}, identity, false, sampleNodes);
	assert.equal(offered.resumeOffer, session);
	assert.deepEqual(offered.initial.attestations, []);
	const resumed = planStartup({kind: 'ok', session}, identity, true, sampleNodes);
	assert.equal(resumed.resumeOffer, undefined);
	assert.equal(resumed.initial.attestations.length, 1);
	assert.match(resumed.note!, /^resumed the session from 2026-05-01/);
});

test('startup: another context is not offered; the demo matches by context even when its port changes', () => {
	const session = toSession(interrupted(), identity, '2026-05-01T10:03:00.000Z');
	const other = planStartup({kind: 'ok', session}, {context: 'prod', server: identity.server}, false, []);
	assert.equal(other.resumeOffer, undefined);
	const otherResume = planStartup({kind: 'ok', session}, {context: 'prod', server: identity.server}, true, []);
	assert.match(otherResume.note!, /for aks-test; starting afresh/);
	const newPort = planStartup({kind: 'ok', session}, {context: 'aks-test', server: 'https://127.0.0.1:40001'}, false, []);
	assert.ok(newPort.resumeOffer);
	assert.match(planStartup({kind: 'unreadable', reason: 'bad JSON'}, identity, true, []).note!, /could not be read \(bad JSON\)/);
	assert.match(planStartup({kind: 'none'}, identity, true, []).note!, /no saved session/);
});

test('resumed nodes follow the inventory order and keep their saved state', () => {
	const saved = [
		{info: sampleNodes[1]!, state: 'done' as const},
		{info: {...sampleNodes[0]!, name: 'gone'}, state: 'failed' as const},
	];
	const merged = mergeNodes(saved, sampleNodes);
	assert.deepEqual(
		merged.map((entry) => [entry.info.name, entry.state]),
		[
			['moc-lx-cp1', 'waiting'],
			['moc-lx-w1', 'done'],
			['moc-win-w2', 'waiting'],
			['gone', 'failed'],
		],
	);
});

test('a session saved by an earlier version, with checkId/reason/by decisions, reads back in the one decision shape', () => {
	const saved = JSON.parse(JSON.stringify(toSession(interrupted(), identity, '2026-05-01T10:03:00.000Z')));
	saved.attestations = [{checkId: 'images.scanning', target: '*', answer: 'yes', note: 'Trivy', by: 'alice', at: '2026-05-01T10:01:00.000Z'}];
	saved.waivers = [{checkId: 'isolation.privileged', target: '*', reason: 'vendor', expires: '2026-08-01', by: 'alice', at: '2026-05-01T10:02:00.000Z'}];
	const back = fromSession(SessionSchema.parse(saved));
	assert.deepEqual(back.attestations, [{check: 'images.scanning', target: '*', answer: 'yes', note: 'Trivy', by: 'alice', at: '2026-05-01T10:01:00.000Z'}]);
	assert.deepEqual(back.waivers, [{check: 'isolation.privileged', target: '*', justification: 'vendor', approver: 'alice', expires: '2026-08-01', at: '2026-05-01T10:02:00.000Z'}]);
});

test('a check a fix changed comes back unchecked on resume, never as the pass its re-run showed', () => {
	let state = interrupted();
	state = auditReducer(state, {type: 'engine', run: {kind: 'audit'}, events: [{type: 'check-finished', checkId: 'images.scanning', scope: 'cluster'}, {type: 'check-finished', checkId: 'host.sshd-config', scope: 'node'}]});
	state = auditReducer(state, {type: 'audit-finished', at: '2026-05-01T10:05:00.000Z'});
	state = auditReducer(state, {type: 'fixed', record: {checkId: 'isolation.privileged', target: '*', outcome: '1 applied', logIds: ['x'], at: '2026-05-01T10:06:00.000Z'}});
	state = auditReducer(state, {type: 'rerun-started', checkId: 'isolation.privileged'});
	state = auditReducer(state, {
		type: 'engine',
		run: {kind: 'rerun', checkId: 'isolation.privileged'},
		events: [
			{type: 'run-started', checkIds: ['isolation.privileged']},
			{type: 'finding', finding: finding(privileged, 'pass', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'})},
			{type: 'check-finished', checkId: 'isolation.privileged', scope: 'cluster'},
		],
	});
	assert.equal(state.findings['isolation.privileged']![0]!.status, 'pass', 'in the walkthrough that fixed it, the re-run result stands');
	const back = fromSession(SessionSchema.parse(JSON.parse(JSON.stringify(toSession(state, identity, '2026-05-01T10:07:00.000Z')))));
	assert.equal(back.findings['isolation.privileged'], undefined);
	assert.ok(!back.finishedChecks.includes('isolation.privileged'));
	assert.equal(back.phase, 'idle', 'the resumed walkthrough has it left to check');
	assert.deepEqual(remainingChecks(back), ['isolation.privileged']);
});
