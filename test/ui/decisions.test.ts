// Unit tests for how attestations and waivers change a finding (pure; no UI).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {applyDecisions, type Attestation, type Waiver} from '../../src/ui/state/decisions.js';
import {finding, sampleChecks} from './fixtures.js';

const scanning = sampleChecks.find((check) => check.id === 'images.scanning')!;
const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;
const web = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};
const api = {kind: 'Deployment', namespace: 'shop', name: 'api', container: 'api'};
const today = '2026-05-01';
const by = {by: 'alice', at: '2026-05-01T10:00:00.000Z'};

test('an attestation stays manual and carries who, when, the answer and the note', () => {
	const question = finding(scanning, 'manual', {cluster: true});
	const attestation: Attestation = {checkId: scanning.id, target: '*', answer: 'yes', note: 'Trivy in CI', ...by};
	const result = applyDecisions(question, [attestation], [], today);
	assert.equal(result.status, 'manual');
	assert.deepEqual(result.attestation, {answer: 'yes', note: 'Trivy in CI', by: 'alice', at: '2026-05-01T10:00:00.000Z'});
	assert.equal(question.attestation, undefined, 'the engine finding is not changed');
});

test('attestations apply to manual findings only', () => {
	const failing = finding(scanning, 'fail', {cluster: true});
	const result = applyDecisions(failing, [{checkId: scanning.id, target: '*', answer: 'yes', note: '', ...by}], [], today);
	assert.equal(result, failing);
});

test('a waiver turns a failure into waived with the waiver attached, until it expires', () => {
	const failing = finding(privileged, 'fail', web);
	const waiver: Waiver = {checkId: privileged.id, target: 'Deployment/shop/web:app', reason: 'vendor image', expires: '2026-08-01', ...by};
	const result = applyDecisions(failing, [], [waiver], today);
	assert.equal(result.status, 'waived');
	assert.deepEqual(result.waiver, {justification: 'vendor image', approver: 'alice', expires: '2026-08-01'});
	assert.match(result.reason!, /waived by alice until 2026-08-01: vendor image/);
	assert.equal(applyDecisions(failing, [], [waiver], '2026-08-01').status, 'waived', 'the expiry day itself is covered');
	assert.equal(applyDecisions(failing, [], [waiver], '2026-08-02').status, 'fail', 'the day after it lapses');
});

test('a waiver for one target leaves the others failing; one for * covers them all', () => {
	const one: Waiver = {checkId: privileged.id, target: 'Deployment/shop/web:app', reason: 'r', expires: '2026-08-01', ...by};
	assert.equal(applyDecisions(finding(privileged, 'fail', api), [], [one], today).status, 'fail');
	const all: Waiver = {...one, target: '*'};
	assert.equal(applyDecisions(finding(privileged, 'fail', api), [], [all], today).status, 'waived');
});

test('the decision made for the target wins over the one made for the whole check', () => {
	const all: Waiver = {checkId: privileged.id, target: '*', reason: 'all', expires: '2026-08-01', ...by};
	const one: Waiver = {...all, target: 'Deployment/shop/web:app', reason: 'just web'};
	assert.equal(applyDecisions(finding(privileged, 'fail', web), [], [one, all], today).waiver?.justification, 'just web');
	assert.equal(applyDecisions(finding(privileged, 'fail', web), [], [all, one], today).waiver?.justification, 'just web');
});

test('passes are never waived; an attested "no" can be, an attested "yes" needs no waiver', () => {
	const all: Waiver = {checkId: scanning.id, target: '*', reason: 'accepted risk', expires: '2026-08-01', ...by};
	assert.equal(applyDecisions(finding(privileged, 'pass', web), [], [{...all, checkId: privileged.id}], today).status, 'pass');
	const question = finding(scanning, 'manual', {cluster: true});
	const no: Attestation = {checkId: scanning.id, target: '*', answer: 'no', note: '', ...by};
	const waivedNo = applyDecisions(question, [no], [all], today);
	assert.equal(waivedNo.status, 'waived');
	assert.equal(waivedNo.attestation?.answer, 'no');
	const yes: Attestation = {...no, answer: 'yes'};
	assert.equal(applyDecisions(question, [yes], [all], today).status, 'manual');
});
