import {test} from 'node:test';
import assert from 'node:assert/strict';
import {diffReports, newFailures} from '../../src/engine/diff.js';
import {summarize} from '../../src/engine/summary.js';
import type {Finding} from '../../src/model/finding.js';
import type {NodeInfo, Report} from '../../src/model/report.js';
import type {Target} from '../../src/model/target.js';
import {targetKey} from '../../src/model/target.js';

function finding(checkId: string, target: Target, status: Finding['status'] = 'fail', severity: Finding['severity'] = 'high'): Finding {
	return {checkId, section: checkId.split('.')[0] as Finding['section'], severity, status, target, message: `${checkId} on ${targetKey(target)}`, evidence: {}, remediation: 'r'};
}

function node(name: string, reachable: boolean | null = true, extra: Partial<NodeInfo> = {}): NodeInfo {
	return {name, address: '10.0.0.1', os: 'linux', role: 'worker', reachable, error: reachable === false ? 'ssh: timed out' : null, ...extra};
}

function report(findings: Finding[], nodes: NodeInfo[] = []): Report {
	return {
		schemaVersion: 1,
		tool: {name: 'aks-harden', version: '0.1.0'},
		startedAt: '2025-05-01T00:00:00Z',
		finishedAt: '2025-05-01T00:01:00Z',
		cluster: {context: 'moc', server: null, source: 'cluster'},
		nodes,
		findings,
		summary: summarize(findings),
	};
}

const web: Target = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};
const api: Target = {kind: 'Deployment', namespace: 'shop', name: 'api', container: 'api'};
const gone: Target = {kind: 'Deployment', namespace: 'shop', name: 'old', container: 'old'};
const keys = (list: readonly Finding[]) => list.map((entry) => `${entry.checkId} ${targetKey(entry.target)}`).sort();

test('new, fixed and unchanged failures, keyed by check id and target', () => {
	const before = report([
		finding('isolation.privileged', web),
		finding('images.tag-pinned', web),
		finding('images.tag-pinned', api),
		finding('images.tag-pinned', gone),
		finding('resources.limits', web, 'pass'),
	]);
	const after = report([
		finding('isolation.privileged', web),
		finding('images.tag-pinned', web, 'pass'),
		finding('images.tag-pinned', api, 'waived'),
		finding('resources.limits', web),
		finding('resources.limits', api),
	]);
	const diff = diffReports(before, after);
	assert.deepEqual(keys(diff.new), ['resources.limits Deployment/shop/api:api', 'resources.limits Deployment/shop/web:app']);
	assert.deepEqual(keys(diff.unchanged), ['isolation.privileged Deployment/shop/web:app']);
	// passing now, waived now, and an object that is gone while its check still ran
	assert.deepEqual(keys(diff.fixed), ['images.tag-pinned Deployment/shop/api:api', 'images.tag-pinned Deployment/shop/old:old', 'images.tag-pinned Deployment/shop/web:app']);
	assert.deepEqual(diff.unknown, []);
	assert.equal(diff.fixed.find((entry) => targetKey(entry.target) === 'Deployment/shop/web:app')!.status, 'fail', 'fixed entries are the old findings');
	assert.deepEqual(keys(newFailures(before, after)), keys(diff.new));
});

test('errors are not failures: an error now is neither fixed nor new, nor is a check that did not run', () => {
	const before = report([finding('host.sshd-config', {node: 'moc-1'}), finding('secrets.etcd-encryption', {cluster: true}), finding('host.sysctl', {node: 'moc-1'}, 'error')], [node('moc-1')]);
	const after = report([finding('host.sshd-config', {node: 'moc-1'}, 'error'), finding('host.sysctl', {node: 'moc-1'}, 'fail')], [node('moc-1')]);
	const diff = diffReports(before, after);
	assert.deepEqual(keys(diff.unknown), ['host.sshd-config node/moc-1', 'secrets.etcd-encryption cluster']);
	assert.deepEqual(diff.fixed, []);
	assert.deepEqual(keys(diff.new), ['host.sysctl node/moc-1'], 'error → fail is a new failure');
});

test('per-node drift: added, removed, reachability, failures per node, changed facts', () => {
	const before = report(
		[finding('host.sshd-config', {node: 'moc-1'}), finding('host.sshd-config', {node: 'moc-2'}), finding('host.sysctl', {node: 'moc-3'}, 'pass'), finding('host.sysctl', {node: 'moc-5'}, 'error')],
		[node('moc-1'), node('moc-2'), node('moc-3'), node('moc-4', true, {address: '10.0.0.4'}), node('moc-5', false)],
	);
	const after = report(
		[
			finding('host.sshd-config', {node: 'moc-1'}, 'pass'),
			finding('host.sshd-config', {node: 'moc-2'}, 'error'),
			finding('host.sysctl', {node: 'moc-3'}, 'fail', 'low'),
			finding('host.sysctl', {node: 'moc-6'}, 'fail'),
			finding('host.sysctl', {node: 'moc-5'}, 'pass'),
		],
		[node('moc-1'), node('moc-2', false), node('moc-3'), node('moc-4', true, {address: '10.0.0.9'}), node('moc-5'), node('moc-6')],
	);
	const diff = diffReports(before, after);
	const drift = Object.fromEntries(diff.nodes.map((entry) => [entry.node, entry]));
	assert.deepEqual(drift['moc-1'], {node: 'moc-1', change: 'drifted', new: 0, fixed: 1});
	assert.equal(drift['moc-2']!.change, 'now-unreachable');
	assert.equal(drift['moc-2']!.detail, 'ssh: timed out');
	assert.deepEqual(drift['moc-3'], {node: 'moc-3', change: 'drifted', new: 1, fixed: 0}, 'a host edit lost on reimage shows as drift');
	assert.deepEqual(drift['moc-4'], {node: 'moc-4', change: 'drifted', new: 0, fixed: 0, detail: 'address 10.0.0.4 → 10.0.0.9'});
	assert.equal(drift['moc-5']!.change, 'now-reachable');
	assert.equal(drift['moc-6']!.change, 'added');
	assert.deepEqual(keys(diff.unknown), ['host.sshd-config node/moc-2']);

	const removed = diffReports(after, report([], [node('moc-1')]));
	assert.equal(removed.nodes.find((entry) => entry.node === 'moc-6')!.change, 'removed');
	assert.deepEqual(keys(removed.unknown), ['host.sysctl node/moc-3', 'host.sysctl node/moc-6'], 'no node check ran: not fixed');
});

test('newFailures can be limited to a severity', () => {
	const before = report([]);
	const after = report([finding('host.sysctl', {node: 'moc-1'}, 'fail', 'low'), finding('isolation.privileged', web, 'fail', 'critical')]);
	assert.equal(newFailures(before, after).length, 2);
	assert.deepEqual(keys(newFailures(before, after, 'high')), ['isolation.privileged Deployment/shop/web:app']);
});
