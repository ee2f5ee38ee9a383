// Every isolation playbook against the golden cases of the Pod Security Standard checks it
// fixes: each failing container of each case is fixed through the real workload edit, and the
// edited object is judged again by the same checks. A fix that leaves what PSA rejects (a
// pod-level Unconfined profile, `CAP_NET_BIND_SERVICE`, a pod-level uid 0) fails here.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog, loadCases, type CompiledCheck} from '../../src/catalog/load.js';
import {evaluateCluster} from '../../src/engine/evaluate.js';
import {gatherCluster} from '../../src/engine/gather.js';
import {memorySource} from '../../src/engine/memory-source.js';
import {pssSelection} from '../../src/engine/pod-security.js';
import {editWorkload, type WorkloadEditRequest} from '../../src/fix/cluster/workload-edit.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import type {Finding} from '../../src/model/finding.js';
import type {KubeObject} from '../../src/model/kube.js';
import {targetKey} from '../../src/model/target.js';
import {UsageError} from '../../src/model/errors.js';

const catalog = loadCatalog();
const playbooks = loadPlaybooks(undefined, catalog);
const settings = {allowedRegistries: ['contosoacr.azurecr.io']};
/** The value a fix that asks for a user id is given. */
const values = {runAsUser: 10001};

type Json = Record<string, unknown>;

/** A Pod of a case as the Deployment that would run it: fixes patch controllers, never Pods. */
function asDeployment(pod: KubeObject): KubeObject {
	const {ephemeralContainers: _ephemeral, ...spec} = (pod as unknown as {spec: Json}).spec;
	const metadata = pod.metadata as Json;
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default'},
		spec: {template: {metadata: {...(metadata['annotations'] ? {annotations: metadata['annotations']} : {})}, spec}},
	} as KubeObject;
}

async function judge(checks: readonly CompiledCheck[], objects: readonly KubeObject[]): Promise<Finding[]> {
	const findings: Finding[] = [];
	const facts = await gatherCluster(checks, memorySource(objects as KubeObject[]), () => {});
	evaluateCluster(checks, facts, {exceptions: catalog.exceptions, settings, catalog: catalog.checks}, (finding) => findings.push(finding));
	return findings.filter((finding) => 'kind' in finding.target);
}

const fixable = catalog.checks.filter(({check}) => {
	const playbook = check.pss && check.playbook ? playbooks.byId.get(check.playbook)?.playbook : undefined;
	return playbook?.steps.some((step) => step.type === 'workload-patch');
});

test('the PSS checks with a workload fix are the ones expected', () => {
	assert.deepEqual(fixable.map(({check}) => check.id).sort(), [
		'isolation.capabilities',
		'isolation.capabilities-baseline',
		'isolation.privilege-escalation',
		'isolation.privileged',
		'isolation.run-as-root',
		'isolation.run-as-user',
		'isolation.seccomp',
		'isolation.seccomp-baseline',
	]);
});

for (const compiled of fixable) {
	const {check} = compiled;
	test(`${check.playbook} makes what fails ${check.id} pass it, and breaks no other PSS control`, async () => {
		const playbook = playbooks.byId.get(check.playbook!)!.playbook;
		const level = pssSelection(catalog.checks, check.pss!.level);
		const cases = loadCases(join(catalog.root, 'checks', check.section, `${check.id}.cases.yaml`));
		let fixed = 0;
		for (const golden of cases) {
			const objects = golden.objects as unknown as KubeObject[];
			const namespaces = objects.filter((object) => object.kind === 'Namespace');
			const workloads = objects.filter((object) => object.kind !== 'Namespace').map((object) => (object.kind === 'Pod' ? asDeployment(object) : object));
			for (const workload of workloads) {
				const failing = (await judge([compiled], [...namespaces, workload])).filter((finding) => finding.status === 'fail' && finding.target.kind === 'Deployment');
				// Findings the fix cannot reach: a container only a Pod has (kubectl debug), and the
				// seccomp annotations PSS read before v1.19, which the fix does not write.
				const reachable = failing.filter((finding) => !/before v1\.19|seccomp annotation/.test(finding.message));
				if (!reachable.length) continue;
				const requests: WorkloadEditRequest[] = reachable.map((finding) => ({playbook, container: 'container' in finding.target ? finding.target.container : undefined, values}) as WorkloadEditRequest);
				const edit = editWorkload(workload, requests);
				assert.ok(edit.ok, `${golden.name} / ${workload.metadata.name}: ${edit.ok ? '' : edit.reason}`);
				const before = await judge(level, [...namespaces, workload]);
				const after = await judge(level, [...namespaces, edit.after]);
				for (const finding of reachable) {
					const again = after.find((f) => f.checkId === check.id && targetKey(f.target) === targetKey(finding.target));
					assert.equal(again?.status, 'pass', `${golden.name} / ${targetKey(finding.target)} after ${playbook.id}: ${again?.message}\n${JSON.stringify((edit.after as unknown as {spec: Json}).spec, null, 1)}`);
					fixed++;
				}
				// No control of the level gets worse: a fix for one control never breaks another.
				const failed = (findings: Finding[]) => new Set(findings.filter((f) => f.status === 'fail').map((f) => `${f.checkId} ${targetKey(f.target)}`));
				const was = failed(before);
				for (const key of failed(after)) assert.ok(was.has(key), `${golden.name}: ${key} fails only after ${playbook.id}`);
			}
		}
		assert.ok(fixed > 0, `${check.id}: some golden case is fixed`);
	});
}

test('capabilities are written as PSA spells them: CAP_NET_BIND_SERVICE and lower case become NET_BIND_SERVICE', () => {
	const playbook = playbooks.byId.get('isolation.drop-capabilities')!.playbook;
	const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', namespace: 'shop'}, spec: {containers: [
		{name: 'a', image: 'x', securityContext: {capabilities: {add: ['CAP_NET_BIND_SERVICE', 'SYS_ADMIN'], drop: ['all']}}},
		{name: 'b', image: 'x', securityContext: {capabilities: {add: ['net_bind_service', 'NET_BIND_SERVICE', 'CAP_CHOWN']}}},
	]}} as unknown as KubeObject;
	const edit = editWorkload(asDeployment(pod), ['a', 'b'].map((container) => ({playbook, container, values: {}})));
	assert.ok(edit.ok);
	const containers = (edit.after as unknown as {spec: {template: {spec: {containers: Json[]}}}}).spec.template.spec.containers;
	assert.deepEqual(containers.map((c) => (c['securityContext'] as Json)['capabilities']), [
		{add: ['NET_BIND_SERVICE'], drop: ['ALL']},
		{add: ['NET_BIND_SERVICE'], drop: ['ALL']},
	]);
});

test('seccomp: a tailored Localhost profile stays; a pod-level Unconfined is replaced', () => {
	const playbook = playbooks.byId.get('isolation.seccomp-runtime-default')!.playbook;
	const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', namespace: 'shop'}, spec: {
		securityContext: {seccompProfile: {type: 'Unconfined'}},
		containers: [
			{name: 'tailored', image: 'x', securityContext: {seccompProfile: {type: 'Localhost', localhostProfile: 'profiles/web.json'}}},
			{name: 'plain', image: 'x'},
		],
	}} as unknown as KubeObject;
	const edit = editWorkload(asDeployment(pod), ['tailored', 'plain'].map((container) => ({playbook, container, values: {}})));
	assert.ok(edit.ok);
	const spec = (edit.after as unknown as {spec: {template: {spec: Json & {containers: Json[]}}}}).spec.template.spec;
	assert.deepEqual(spec['securityContext'], {seccompProfile: {type: 'RuntimeDefault'}});
	assert.deepEqual(spec.containers[0]!['securityContext'], {seccompProfile: {type: 'Localhost', localhostProfile: 'profiles/web.json'}});
	assert.deepEqual(spec.containers[1]!['securityContext'], {seccompProfile: {type: 'RuntimeDefault'}});
});

test('uid 0: the fix asks for the user id and replaces only the zeros', () => {
	const playbook = playbooks.byId.get('isolation.non-zero-uid')!.playbook;
	const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', namespace: 'shop'}, spec: {
		securityContext: {runAsUser: 0},
		containers: [{name: 'own', image: 'x', securityContext: {runAsUser: 1000}}, {name: 'root', image: 'x', securityContext: {runAsUser: 0}}],
	}} as unknown as KubeObject;
	const asked = editWorkload(asDeployment(pod), [{playbook, container: 'root', values: {}}]);
	assert.ok(!asked.ok && asked.status === 'needs-parameters' && asked.missing?.[0]?.name === 'runAsUser', 'no uid is guessed');
	const edit = editWorkload(asDeployment(pod), ['own', 'root'].map((container) => ({playbook, container, values})));
	assert.ok(edit.ok);
	const spec = (edit.after as unknown as {spec: {template: {spec: Json & {containers: Json[]}}}}).spec.template.spec;
	assert.deepEqual(spec['securityContext'], {runAsUser: 10001});
	assert.deepEqual(spec.containers.map((c) => (c['securityContext'] as Json)['runAsUser']), [1000, 10001]);
});

test('a replace rule names the value to write and either the wrong values or the right ones', () => {
	const playbook = (rule: string) => `id: isolation.example\ntitle: t\nfixes: [isolation.seccomp]\nrisk: guided\ndurability: persistent\nsummary: s\nsteps:\n  - type: workload-patch\n    replace:\n      securityContext.seccompProfile.type: ${rule}\n`;
	const load = (rule: string) => {
		const root = mkdtempSync(join(tmpdir(), 'akh-replace-'));
		mkdirSync(join(root, 'playbooks'));
		writeFileSync(join(root, 'playbooks', 'isolation.example.yaml'), playbook(rule));
		return loadPlaybooks(root);
	};
	assert.ok(load('{with: RuntimeDefault, unless: [RuntimeDefault]}').byId.has('isolation.example'));
	for (const [rule, expected] of [
		['{unless: [RuntimeDefault]}', /isolation\.example\.yaml:\d+: .*replace\..*\.with: /],
		['{with: RuntimeDefault}', /isolation\.example\.yaml:\d+: .*either when .* or unless/],
		['{with: RuntimeDefault, when: [Unconfined], unless: [Localhost]}', /either when .* or unless/],
	] as const) {
		assert.throws(() => load(rule), (error: unknown) => error instanceof UsageError && expected.test(error.message), rule);
	}
});
