// `aks-harden audit --demo` end to end: the real binary, the in-process HTTPS API server, the real
// client. What an auditor reads must be right: the problems on the right targets, the platform
// accepted with its reason, and no secret value anywhere.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import {DEMO_SECRET_CANARY} from '../../src/demo/cluster.js';
import {sections} from '../../src/model/status.js';
import type {Report} from '../../src/model/report.js';
import {targetKey} from '../../src/model/target.js';
import {runCli} from '../support/cli.js';
import {score} from '../../src/engine/summary.js';

let report: Report;
let jsonText: string;
let markdown: string;
before(async () => {
	const json = await runCli(['audit', '--demo', '--format', 'json']);
	assert.equal(json.code, 1, `failing findings exit 1; stderr: ${json.stderr}`);
	jsonText = json.stdout;
	report = JSON.parse(jsonText) as Report;
	const md = await runCli(['audit', '--demo', '--format', 'markdown']);
	markdown = md.stdout;
});

const status = (checkId: string, key: string) => report.findings.find((f) => f.checkId === checkId && targetKey(f.target) === key)?.status;

test('the report follows the JSON contract', () => {
	assert.equal(report.schemaVersion, 1);
	assert.equal(report.tool.name, 'aks-harden');
	assert.equal(report.cluster.context, 'aks-harden-demo');
	assert.match(report.cluster.server ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
	assert.ok(report.nodes.length >= 3);
	const total = Object.values(report.summary).reduce((a, b) => a + b, 0) - report.summary.score;
	assert.equal(total, report.findings.length, 'summary counts add up to the findings');
});

test('findings in every section, cluster and node checks alike', () => {
	for (const section of sections) {
		assert.ok(report.findings.some((f) => f.section === section && f.status !== 'skip'), `section ${section} has findings`);
	}
	assert.ok(report.findings.some((f) => 'node' in f.target && f.status === 'fail'), 'node findings are included');
});

test('the demo workloads fail on the right kind, namespace, name and container', () => {
	assert.equal(status('isolation.privileged', 'Deployment/shop/web:app'), 'fail');
	assert.equal(status('images.tag-pinned', 'Deployment/shop/web:app'), 'fail');
	assert.equal(status('secrets.literal-env', 'Deployment/shop/web:app'), 'fail');
	assert.equal(status('isolation.run-as-root', 'StatefulSet/shop/db:postgres'), 'fail');
	assert.equal(status('isolation.host-path', 'StatefulSet/shop/db'), 'fail');
	assert.equal(status('isolation.run-as-root', 'Deployment/payments/legacy-iis:iis'), 'fail', 'ContainerAdministrator is root');
	assert.equal(status('isolation.host-namespaces', 'DaemonSet/payments/edge-proxy'), 'fail');
	assert.equal(status('isolation.capabilities', 'DaemonSet/payments/edge-proxy:envoy'), 'fail');
	assert.equal(status('isolation.cluster-admin-bindings', 'ClusterRoleBinding/ops-team-admin'), 'fail');
	assert.equal(status('isolation.privileged', 'Deployment/shop/api:api'), 'pass');
	assert.equal(status('isolation.privilege-escalation', 'Deployment/payments/checkout:debugger-8xk2p'), 'fail', 'a kubectl debug container on a Pod is reported against its Deployment');
	assert.equal(status('host.sshd-config', 'node/moc-l1hj0nllpvs'), 'fail');
	assert.equal(status('images.registry-tls', 'node/moc-lq2x7c9wd3f'), 'fail');
	assert.equal(status('host.sshd-config', 'node/moc-lm84tkzv0pa'), 'pass');
});

test('Pods and ReplicaSets of controllers are never reported themselves', () => {
	const kinds = new Set(report.findings.filter((f) => 'kind' in f.target).map((f) => (f.target as {kind: string}).kind));
	assert.ok(!kinds.has('ReplicaSet'), 'no ReplicaSet targets');
	const pods = report.findings.filter((f) => 'kind' in f.target && (f.target as {kind: string}).kind === 'Pod');
	for (const pod of pods) assert.equal((pod.target as {namespace?: string}).namespace, 'kube-system', `only static pods are Pods: ${targetKey(pod.target)}`);
});

test('platform components are accepted with a reason, never failed or hidden', () => {
	for (const key of ['DaemonSet/kube-system/kube-proxy:kube-proxy', 'DaemonSet/calico-system/calico-node:calico-node']) {
		const finding = report.findings.find((f) => f.checkId === 'isolation.privileged' && targetKey(f.target) === key);
		assert.equal(finding?.status, 'accepted', key);
		assert.match(finding!.reason ?? '', /^platform component /);
	}
	const platformFailures = report.findings.filter((f) => f.status === 'fail' && 'namespace' in f.target && ['kube-system', 'calico-system', 'azure-arc'].includes(String(f.target.namespace)));
	assert.deepEqual(platformFailures.map((f) => `${f.checkId} ${targetKey(f.target)}`), []);
	assert.equal(status('isolation.pod-security-admission', 'Namespace/kube-system'), 'accepted');
});

test('the Windows node answers its host checks like a Linux node: fail, pass and manual, no skips, in the score', () => {
	const windows = report.nodes.find((node) => node.os === 'windows');
	assert.ok(windows);
	const own = report.findings.filter((f) => 'node' in f.target && f.target.node === windows.name);
	const statuses = new Set(own.map((f) => f.status));
	for (const status of ['fail', 'pass', 'manual']) assert.ok(statuses.has(status as never), `a ${status} finding`);
	assert.ok(!own.some((f) => f.status === 'skip' || /not available/.test(f.message)), own.filter((f) => f.status === 'skip').map((f) => f.checkId).join());
	const byId = new Map(own.map((f) => [f.checkId, f]));
	assert.equal(byId.get('host.firewall')?.status, 'fail');
	assert.equal(byId.get('host.smb1')?.status, 'pass');
	assert.equal(byId.get('host.local-admins')?.status, 'manual');
	assert.match(byId.get('host.services')!.message, /Spooler \(enabled, running; never needed on a node: Print Spooler/);
	assert.ok(!byId.has('host.sysctl'), 'a Linux-only check reports nothing for a Windows node');
	// In the score: without the Windows node's findings it would be different.
	const others = report.findings.filter((f) => !('node' in f.target && f.target.node === windows.name));
	assert.notEqual(score(others), report.summary.score);
});

test('the planted secret value appears in no output', () => {
	assert.ok(!jsonText.includes(DEMO_SECRET_CANARY), 'JSON');
	assert.ok(!markdown.includes(DEMO_SECRET_CANARY), 'Markdown');
	assert.ok(!jsonText.includes(Buffer.from(DEMO_SECRET_CANARY).toString('base64')), 'JSON, base64');
	assert.match(markdown, /- \[ \] \*\*Containers do not run in privileged mode\*\*/);
});
