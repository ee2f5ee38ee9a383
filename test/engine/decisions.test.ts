import {test} from 'node:test';
import assert from 'node:assert/strict';
import {compileGlob} from '../../src/model/waiver-rules.js';
import {decide, matchesTarget, waiverSubjects, type Attestation, type Decisions} from '../../src/engine/decisions.js';
import {summarize} from '../../src/engine/summary.js';
import type {Finding} from '../../src/model/finding.js';
import type {Waiver} from '../../src/model/settings.js';
import type {Target} from '../../src/model/target.js';

const today = new Date('2025-06-15T12:00:00Z');

/** The engine's waiver rules alone: no attestations, no notes. */
function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], day: Date | string) {
	return decide(findings, {waivers, attestations: [], notes: {}}, day);
}

function finding(checkId: string, target: Target, status: Finding['status'] = 'fail'): Finding {
	return {checkId, section: checkId.split('.')[0] as Finding['section'], severity: 'high', status, target, message: 'm', evidence: {}, remediation: 'r'};
}

function waiver(check: string, target: string, expires = '2025-12-31'): Waiver {
	return {check, target, justification: `because ${target}`, approver: 'sec@contoso.example', expires};
}

test('a waiver with a future expiry waives the matching failure, with its justification', () => {
	const findings = [finding('isolation.privileged', {kind: 'DaemonSet', namespace: 'monitoring', name: 'agent', container: 'agent'})];
	const result = applyWaivers(findings, [waiver('isolation.privileged', 'monitoring/agent')], today);
	assert.equal(result.findings[0]!.status, 'waived');
	assert.equal(result.findings[0]!.reason, 'because monitoring/agent');
	assert.deepEqual(result.findings[0]!.waiver, {justification: 'because monitoring/agent', approver: 'sec@contoso.example', expires: '2025-12-31', status: 'fail'});
	assert.deepEqual(result.expired, []);
	assert.deepEqual(result.unused, []);
	assert.equal(findings[0]!.status, 'fail', 'the input is not mutated');
	assert.equal(summarize(result.findings).waived, 1);
});

test('a waiver applies through its expiry day and not after it; expired ones are listed and applied to nothing', () => {
	const findings = [finding('host.sshd-config', {node: 'moc-1'})];
	const onTheDay = applyWaivers(findings, [waiver('host.sshd-config', 'moc-1', '2025-06-15')], today);
	assert.equal(onTheDay.findings[0]!.status, 'waived');
	const past = applyWaivers(findings, [waiver('host.sshd-config', 'moc-1', '2025-06-14')], today);
	assert.equal(past.findings[0]!.status, 'fail');
	assert.equal(past.findings[0]!.waiver, undefined);
	assert.deepEqual(past.expired, [{check: 'host.sshd-config', target: 'moc-1', approver: 'sec@contoso.example', expires: '2025-06-14', justification: 'because moc-1'}]);
	assert.deepEqual(past.unused, [], 'an expired waiver is listed once, as expired');
});

test('unused waivers are listed: wrong check id, no matching target, or matching only passes', () => {
	const findings = [
		finding('images.tag-pinned', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}),
		finding('images.digest-pinned', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}, 'pass'),
	];
	const waivers = [waiver('images.tag-pined', 'shop/web'), waiver('images.tag-pinned', 'legacy/*'), waiver('images.digest-pinned', 'shop/*'), waiver('images.tag-pinned', 'shop/*')];
	const result = applyWaivers(findings, waivers, today);
	assert.equal(result.findings[0]!.status, 'waived');
	assert.equal(result.findings[1]!.status, 'pass');
	assert.deepEqual(result.unused.map((entry) => `${entry.check} ${entry.target}`), ['images.tag-pined shop/web', 'images.tag-pinned legacy/*', 'images.digest-pinned shop/*']);
});

test('only fail and warn become waived; the more specific waiver wins over *', () => {
	const target: Target = {cluster: true};
	const statuses: Finding['status'][] = ['pass', 'fail', 'warn', 'error', 'skip', 'manual', 'accepted'];
	const result = applyWaivers(statuses.map((status) => finding('secrets.etcd-encryption', target, status)), [waiver('secrets.etcd-encryption', 'cluster'), waiver('secrets.etcd-encryption', '*')], today);
	assert.deepEqual(result.findings.map((entry) => entry.status), ['pass', 'waived', 'waived', 'error', 'skip', 'manual', 'accepted']);
	assert.deepEqual(result.unused.map((entry) => entry.target), ['*']);
});

test('glob matching per target type', () => {
	const container: Target = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'sidecar'};
	const clusterScoped: Target = {kind: 'ClusterRoleBinding', name: 'ops-admin'};
	const namespace: Target = {namespace: 'shop'};
	const node: Target = {node: 'moc-lnx-w1'};
	const cases: Array<[string, Target, boolean]> = [
		// namespaced objects: namespace/name, with or without the container
		['shop/web', container, true],
		['shop/web:sidecar', container, true],
		['shop/web:app', container, false],
		['shop/*', container, true],
		['*/web', container, true],
		['shop/we?', container, true],
		['shop/w?', container, false],
		['web', container, false],
		['Deployment/shop/web', container, true],
		['StatefulSet/shop/web', container, false],
		['Deployment/shop/web:sidecar', container, true],
		// cluster-scoped objects: the name
		['ops-admin', clusterScoped, true],
		['ops-*', clusterScoped, true],
		['ClusterRoleBinding/ops-admin', clusterScoped, true],
		['*/ops-admin', clusterScoped, true],
		['ops', clusterScoped, false],
		// namespace findings: the namespace
		['shop', namespace, true],
		['sh*', namespace, true],
		['Namespace/shop', namespace, true],
		['shop/*', namespace, false],
		// node findings: the node name
		['moc-lnx-w1', node, true],
		['moc-*', node, true],
		['moc-lnx-w?', node, true],
		['node/moc-lnx-w1', node, true],
		['moc-win-*', node, false],
		// the cluster itself
		['cluster', {cluster: true}, true],
		['*', {cluster: true}, true],
		// literal characters stay literal
		['shop.web', {namespace: 'shopxweb'}, false],
	];
	for (const [pattern, target, expected] of cases) assert.equal(matchesTarget(pattern, target), expected, `${pattern} vs ${JSON.stringify(target)}`);
	assert.deepEqual(waiverSubjects(container), ['shop/web', 'shop/web:sidecar', 'Deployment/shop/web', 'Deployment/shop/web:sidecar']);
	assert.ok(compileGlob('a*b')('a/x:y/b'), '* crosses / and :');
});

test('the most specific decision wins, whatever the order: the full target key, then the most literal pattern', () => {
	const web: Target = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};
	const failing = [finding('isolation.privileged', web)];
	const all = waiver('isolation.privileged', '*');
	const shop = waiver('isolation.privileged', 'shop/*');
	const key = waiver('isolation.privileged', 'Deployment/shop/web:app');
	for (const order of [[all, shop, key], [key, shop, all], [shop, all, key]]) {
		assert.equal(applyWaivers(failing, order, today).findings[0]!.reason, 'because Deployment/shop/web:app');
	}
	assert.equal(applyWaivers(failing, [all, shop], today).findings[0]!.reason, 'because shop/*');
	assert.equal(applyWaivers(failing, [waiver('isolation.privileged', 'shop/w*'), waiver('isolation.privileged', 'shop/we*')], today).findings[0]!.reason, 'because shop/we*');
	// Equally specific: the first in the list.
	assert.equal(applyWaivers(failing, [waiver('isolation.privileged', 'shop/we?'), waiver('isolation.privileged', 'shop/w?b')], today).findings[0]!.reason, 'because shop/we?');
});

test('expiry is read in UTC calendar days, whatever the local clock says', () => {
	const failing = [finding('host.sshd-config', {node: 'moc-1'})];
	const waivers = [waiver('host.sshd-config', 'moc-1', '2025-06-15')];
	// 23:30 UTC on the 15th is already the 16th east of Greenwich: still covered.
	assert.equal(applyWaivers(failing, waivers, new Date('2025-06-15T23:30:00Z')).findings[0]!.status, 'waived');
	assert.equal(applyWaivers(failing, waivers, new Date('2025-06-16T00:00:00Z')).findings[0]!.status, 'fail');
	assert.equal(applyWaivers(failing, waivers, '2025-06-15').findings[0]!.status, 'waived', 'a UTC day given as text is the same rule');
});

test('an attestation stays manual, carries who, when, the answer and the note, and drops the awaiting reason', () => {
	const question: Finding = {...finding('images.ci-scanning', {cluster: true}, 'manual'), reason: "awaiting the operator's attestation"};
	const attestation: Attestation = {check: 'images.ci-scanning', target: '*', answer: 'yes', note: 'Trivy in CI', by: 'alice', at: '2025-06-15T10:00:00.000Z'};
	const decisions: Decisions = {waivers: [], attestations: [attestation], notes: {}};
	const [result] = decide([question], decisions, today).findings;
	assert.equal(result!.status, 'manual');
	assert.deepEqual(result!.attestation, {answer: 'yes', note: 'Trivy in CI', by: 'alice', at: '2025-06-15T10:00:00.000Z'});
	assert.equal(result!.reason, undefined);
	assert.equal(question.attestation, undefined, 'the engine finding is not changed');
	// Attestations answer questions only; a failure is not changed by one.
	const failing = finding('images.ci-scanning', {cluster: true});
	assert.equal(decide([failing], decisions, today).findings[0], failing);
	// The one for this target beats the one for the whole check.
	const one: Attestation = {...attestation, target: 'cluster', answer: 'no'};
	assert.equal(decide([question], {...decisions, attestations: [attestation, one]}, today).findings[0]!.attestation?.answer, 'no');
});

test('manual questions are answered, not waived: an attested "no" stays an open manual finding', () => {
	const question = finding('images.ci-scanning', {cluster: true}, 'manual');
	const no: Attestation = {check: 'images.ci-scanning', target: '*', answer: 'no', note: '', by: 'alice', at: '2025-06-15T10:00:00.000Z'};
	const result = decide([question], {waivers: [waiver('images.ci-scanning', '*')], attestations: [no], notes: {}}, today);
	assert.equal(result.findings[0]!.status, 'manual');
	assert.equal(result.findings[0]!.attestation?.answer, 'no');
	assert.deepEqual(result.unused.map((entry) => entry.target), ['*']);
});

test('a waived failure still counts as a failure in the score; a waived warning counts for nothing', () => {
	const web: Target = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};
	const findings = [finding('isolation.privileged', web, 'pass'), finding('isolation.privileged', {...web, name: 'api'}), finding('images.tag-pinned', web, 'warn')];
	const before = summarize(findings);
	const after = summarize(applyWaivers(findings, [waiver('isolation.privileged', 'shop/api'), waiver('images.tag-pinned', '*')], today).findings);
	assert.equal(after.waived, 2);
	assert.equal(after.fail, 0);
	assert.equal(after.score, before.score, 'waiving neither raises nor lowers the score');
	assert.equal(after.score, 50);
});
