// Cluster fixes end to end: the real binary (`fix --plan`, `fix --apply`, `undo`) against the
// local HTTPS API server with the real client, and the planner's API in-process for what the
// binary cannot show on its own (one PSA stage at a time, the target-count confirmation).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {loadCatalog} from '../../src/catalog/load.js';
import {podSecurityAdmission, startApiServer, type ApiServer, type WriteHook} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {KubernetesSource} from '../../src/transports/kubernetes.js';
import {applyPlan, ConfirmationError} from '../../src/fix/apply.js';
import {AuditLog} from '../../src/fix/audit-log.js';
import {KubernetesWriter} from '../../src/transports/kubernetes-writer.js';
import type {FixContext} from '../../src/fix/context.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import type {Plan} from '../../src/fix/model.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import {planFix} from '../../src/fix/plan.js';
import type {Finding} from '../../src/model/finding.js';
import type {KubeObject} from '../../src/model/kube.js';
import {runCli} from '../support/cli.js';

type Json = Record<string, any>;

let dir: string;
let state: string;
const env = () => ({AKS_HARDEN_STATE_DIR: state});

function readPlan(path: string): PlanFile {
	return JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
}

function container(server: ApiServer, kind: string, namespace: string, name: string, containerName: string): Json {
	const object = server.store.all(kind).find((o: KubeObject) => o.metadata.namespace === namespace && o.metadata.name === name) as Json | undefined;
	assert.ok(object, `${kind} ${namespace}/${name} exists`);
	const spec = kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec;
	return spec.containers.find((c: Json) => c.name === containerName);
}

function logEntries(): Json[] {
	return readFileSync(join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
}

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-fix-cluster-'));
	state = join(dir, 'state');
});

after(() => rmSync(dir, {recursive: true, force: true}));

describe('fix --plan / --apply through the binary', () => {
	let server: ApiServer;
	let kubeconfig: string;

	before(async () => {
		server = await startApiServer({objects: demoObjects()});
		kubeconfig = join(dir, 'kubeconfig');
		await server.writeKubeconfig(kubeconfig);
	});
	after(() => server.close());

	test('privileged is dropped from Deployment shop/web, re-checked, recorded, then a second apply has nothing to do', async () => {
		const planPath = join(dir, 'privileged.json');
		const planned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged'], {env: env()});
		assert.equal(planned.code, 0, planned.stderr);
		const file = readPlan(planPath);
		assert.equal(file.kind, 'aks-harden-fix-plan');
		const plan = file.plans.find((p) => p.title.endsWith('Deployment/shop/web'));
		assert.ok(plan, planned.stdout);
		assert.equal(plan.status, 'ready');
		assert.equal(plan.risk, 'guided');
		assert.equal(plan.durability, 'persistent');
		const change = plan.changes[0]!;
		assert.equal(change.type, 'kube');
		assert.match(change.diff, /^-\s+privileged: true$/m);
		assert.match(change.diff, /^\+\s+privileged: false$/m);
		assert.ok(change.effects.some((effect) => /rolling restart of 2 pods/.test(effect)), change.effects.join('; '));
		assert.doesNotMatch(readFileSync(planPath, 'utf8'), /AKSH-CANARY/, 'no secret value in the plan file');
		assert.equal(container(server, 'Deployment', 'shop', 'web', 'app').securityContext.privileged, true, 'planning changed nothing');
		assert.ok(server.requests.some((r) => r.method === 'PATCH' && r.query['dryRun'] === 'All'), 'the plan came from a server-side dry-run');

		const applied = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /applied: applied to Deployment\/shop\/web; the check passes now/);
		assert.equal(container(server, 'Deployment', 'shop', 'web', 'app').securityContext.privileged, false, 'the object changed on the server');

		const audit = await runCli(['audit', '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged', '--format', 'json'], {env: env()});
		const finding = (JSON.parse(audit.stdout) as {findings: Finding[]}).findings.find((f) => 'kind' in f.target && f.target.name === 'web' && f.target.namespace === 'shop');
		assert.equal(finding?.status, 'pass', 'a re-audit passes');

		const [entry] = logEntries().filter((e) => e.target === 'Deployment/shop/web' && e.result === 'applied');
		assert.ok(entry, 'the audit log has the change');
		assert.deepEqual(entry.checks, ['isolation.privileged']);
		assert.deepEqual(entry.playbooks, ['isolation.unprivileged']);
		assert.equal(entry.beforeDigest, change.beforeDigest);
		assert.match(entry.afterDigest, /^sha256:/);
		assert.ok(entry.operator.length > 0);
		assert.equal(entry.undo.type, 'kube-patch');

		const again = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(again.code, 0, again.stdout);
		assert.match(again.stdout, /nothing to do/);
		assert.equal(logEntries().filter((e) => e.target === 'Deployment/shop/web').length, 1, 'nothing new recorded');

		const undone = await runCli(['undo', entry.id, '--yes', '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.equal(container(server, 'Deployment', 'shop', 'web', 'app').securityContext.privileged, true, 'undo put the previous state back');
		assert.match(undone.stdout, /the check reports fail again/);
		const twice = await runCli(['undo', entry.id, '--yes', '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(twice.code, 1);
		assert.match(twice.stderr, /already undone/);
	});

	test('a plan whose target changed since is refused', async () => {
		const planPath = join(dir, 'seccomp.json');
		const planned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.seccomp'], {env: env()});
		assert.equal(planned.code, 0, planned.stderr);
		const file = readPlan(planPath);
		const plan = file.plans.find((p) => p.title.endsWith('Deployment/shop/web'));
		assert.equal(plan?.status, 'ready', planned.stdout);
		file.plans = [plan!];
		writeFileSync(planPath, JSON.stringify(file));

		// Someone else edits the Deployment between the plan and its application.
		const config = new KubeConfig();
		config.loadFromFile(kubeconfig);
		const api = new KubernetesWriter(config);
		await api.patch({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}, 'merge', {spec: {replicas: 3}}, {dryRun: false});

		const applied = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 1);
		assert.match(applied.stdout, /refused: Deployment\/shop\/web changed since the plan was made/);
		assert.equal(container(server, 'Deployment', 'shop', 'web', 'app').securityContext?.seccompProfile, undefined, 'nothing applied');
		// The refusal is on record, with nothing to undo.
		const refusal = logEntries().at(-1)!;
		assert.equal(refusal.result, 'refused');
		assert.equal(refusal.target, 'Deployment/shop/web');
		assert.equal(refusal.undo, undefined);
		assert.match(applied.stdout, new RegExp(`recorded as ${refusal.id}\n`));
		assert.doesNotMatch(applied.stdout, /undo: aks-harden undo/);
	});

	test('undo refuses a target changed since the fix unless forced; --log keeps a second copy', async () => {
		const planPath = join(dir, 'escalation.json');
		const extraLog = join(dir, 'team-log.jsonl');
		const planned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privilege-escalation'], {env: env()});
		assert.equal(planned.code, 0, planned.stderr);
		const file = readPlan(planPath);
		file.plans = file.plans.filter((p) => p.title.endsWith('ReplicationController/legacy/legacy-worker') || p.title.endsWith('DaemonSet/payments/edge-proxy'));
		assert.equal(file.plans.length, 2, readFileSync(planPath, 'utf8').slice(0, 400));
		writeFileSync(planPath, JSON.stringify(file));
		const applied = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig, '--log', extraLog], {env: env()});
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /effect: no restart: the \d+ pods? keeps? the old template until replaced/);
		const copies = readFileSync(extraLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
		assert.equal(copies.length, 2);
		const edge = copies.find((entry) => entry.target === 'DaemonSet/payments/edge-proxy')!;
		assert.ok(logEntries().some((entry) => entry.id === edge.id), 'the same entry is in the state folder log');

		const config = new KubeConfig();
		config.loadFromFile(kubeconfig);
		await new KubernetesWriter(config).patch({apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'payments', name: 'edge-proxy'}, 'merge', {metadata: {labels: {touched: 'yes'}}}, {dryRun: false});
		const refused = await runCli(['undo', edge.id, '--yes', '--kubeconfig', kubeconfig, '--log', extraLog], {env: env()});
		assert.equal(refused.code, 1);
		assert.match(refused.stdout, /changed since .* was applied.*--force/);
		assert.equal(container(server, 'DaemonSet', 'payments', 'edge-proxy', 'envoy').securityContext.allowPrivilegeEscalation, false, 'still fixed');
		const forced = await runCli(['undo', edge.id, '--yes', '--force', '--kubeconfig', kubeconfig, '--log', extraLog], {env: env()});
		assert.equal(forced.code, 0, forced.stdout + forced.stderr);
		assert.notEqual(container(server, 'DaemonSet', 'payments', 'edge-proxy', 'envoy').securityContext?.allowPrivilegeEscalation, false);
		const objects = server.store.all('DaemonSet').find((o: KubeObject) => o.metadata.name === 'edge-proxy')!;
		assert.equal(objects.metadata.labels?.['touched'], 'yes', 'the later edit survives the undo');
	});

	test('PSA: the dry-run of enforce shows the pods it would reject; system namespaces are refused', async () => {
		const planPath = join(dir, 'psa.json');
		const planned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.pod-security-admission'], {env: env()});
		assert.equal(planned.code, 0, planned.stderr);
		const plan = readPlan(planPath).plans.find((p) => p.title.endsWith('namespace payments'));
		assert.ok(plan, planned.stdout);
		assert.deepEqual(plan.changes.map((c) => (c.type === 'kube' ? c.stage : '')), ['warn+audit', 'enforce']);
		const [warn, enforce] = plan.changes;
		assert.ok(warn!.warnings.some((w) => /violate the new PodSecurity enforce level "baseline:latest"/.test(w)), warn!.warnings.join('\n'));
		assert.ok(warn!.warnings.some((w) => /edge-proxy-.*hostNamespaces/.test(w)), 'the warning names the pods');
		assert.ok(enforce!.warnings.length > 0, 'the enforce stage carries the warnings too');
		assert.match(planned.stdout, /warning: existing pods in namespace "payments" violate/);
		assert.ok(!readPlan(planPath).plans.some((p) => /kube-system|calico-system/.test(p.title)), 'system namespaces are never planned');

		// One stage at a time, each its own confirmation.
		const context = contextFor(kubeconfig);
		const log = new AuditLog([join(dir, 'psa-log.jsonl')]);
		const first = await applyPlan(plan, {context, confirmedCount: 1, changeIds: [warn!.id], log});
		assert.deepEqual(first.map((r) => r.outcome), ['applied']);
		const labels = () => (server.store.all('Namespace').find((n: KubeObject) => n.metadata.name === 'payments')!.metadata.labels ?? {}) as Record<string, string>;
		assert.equal(labels()['pod-security.kubernetes.io/warn'], 'baseline');
		assert.equal(labels()['pod-security.kubernetes.io/audit'], 'baseline');
		assert.equal(labels()['pod-security.kubernetes.io/enforce'], undefined, 'enforce waits for its own confirmation');
		const second = await applyPlan(plan, {context, confirmedCount: 1, changeIds: [enforce!.id], log});
		assert.deepEqual(second.map((r) => r.outcome), ['applied']);
		assert.equal(labels()['pod-security.kubernetes.io/enforce'], 'baseline');

		const system: Finding = {
			checkId: 'isolation.pod-security-admission',
			section: 'isolation',
			severity: 'medium',
			status: 'fail',
			target: {namespace: 'kube-system'},
			message: 'no enforce label',
			evidence: {},
			remediation: '',
			playbook: 'isolation.psa-rollout',
		};
		const refused = await planFix(system, context);
		assert.equal(refused?.status, 'refused');
		assert.match(refused?.reason ?? '', /kube-system is a system namespace/);
		assert.equal(refused?.changes.length, 0);
	});

	test('namespace playbooks: the default ServiceAccount, an edited LimitRange, a default-deny NetworkPolicy shown but never applied', async () => {
		const base = contextFor(kubeconfig);
		const sa = (await planFix(failing('secrets.default-sa-automount', {namespace: 'legacy'}), base))!;
		assert.equal(sa.status, 'ready', sa.reason);
		assert.match(sa.changes[0]!.diff, /^\+automountServiceAccountToken: false$/m);
		assert.deepEqual((await applyPlan(sa, {context: base, confirmedCount: 1})).map((r) => r.outcome), ['applied']);
		const account = server.store.all('ServiceAccount').find((o: KubeObject) => o.metadata.namespace === 'legacy' && o.metadata.name === 'default') as Json;
		assert.equal(account.automountServiceAccountToken, false);

		// The LimitRange is a parameter: the operator edits the YAML before it is created.
		const edited = 'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: team-defaults\nspec:\n  limits:\n    - type: Container\n      default: {cpu: 250m, memory: 256Mi}\n      defaultRequest: {cpu: 50m, memory: 64Mi}\n';
		const limits = (await planFix(failing('resources.limit-range', {namespace: 'legacy'}), {...base, parameters: {limitRange: edited}}))!;
		assert.equal(limits.status, 'ready', limits.reason);
		assert.match(limits.changes[0]!.diff, /^\+\s+name: team-defaults$/m);
		assert.deepEqual((await applyPlan(limits, {context: base, confirmedCount: 1})).map((r) => r.outcome), ['applied']);
		const created = server.store.all('LimitRange').find((o: KubeObject) => o.metadata.namespace === 'legacy' && o.metadata.name === 'team-defaults') as Json;
		assert.equal(created.spec.limits[0].default.cpu, '250m');

		const policies = server.store.all('NetworkPolicy').length;
		const deny = (await planFix(failing('isolation.network-policies', {namespace: 'legacy'}), base))!;
		assert.equal(deny.status, 'manual');
		assert.equal(deny.risk, 'manual');
		assert.equal(deny.changes.length, 0);
		assert.match(deny.instructions ?? '', /kind: NetworkPolicy[\s\S]*namespace: legacy[\s\S]*policyTypes: \[Ingress, Egress\]/);
		assert.deepEqual(await applyPlan(deny, {context: base, confirmedCount: 0}), [], 'a manual plan applies nothing');
		assert.equal(server.store.all('NetworkPolicy').length, policies);
	});

	test('a plan touching several targets needs their number typed to be applied', async () => {
		const context = contextFor(kubeconfig);
		const plan = (await planFix(failing('isolation.privilege-escalation', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}), context))!;
		assert.equal(plan.status, 'ready');
		const other = (await planFix(failing('isolation.privilege-escalation', {kind: 'StatefulSet', namespace: 'shop', name: 'db', container: 'postgres'}), context))!;
		const both: Plan = {...plan, changes: [...plan.changes, ...other.changes]};
		await assert.rejects(applyPlan(both, {context, confirmedCount: 1}), (error: unknown) => error instanceof ConfirmationError && error.expected === 2);
		assert.notEqual(container(server, 'Deployment', 'shop', 'web', 'app').securityContext.allowPrivilegeEscalation, false, 'nothing applied without the count');
		const results = await applyPlan(both, {context, confirmedCount: 2});
		assert.deepEqual(results.map((r) => r.outcome), ['applied', 'applied']);
		assert.equal(container(server, 'StatefulSet', 'shop', 'db', 'postgres').securityContext.allowPrivilegeEscalation, false);
	});

	test('other containers of the workload are left untouched', async () => {
		const context = contextFor(kubeconfig);
		const others = () => ['csi-provisioner', 'akshcicsi'].map((name) => JSON.stringify(container(server, 'Deployment', 'kube-system', 'csi-akshcicsi-controller', name)));
		const before = others();
		const plan = (await planFix(failing('isolation.seccomp', {kind: 'Deployment', namespace: 'kube-system', name: 'csi-akshcicsi-controller', container: 'csi-attacher'}), context))!;
		assert.equal(plan.status, 'ready', plan.reason);
		const body = (plan.changes[0] as {body: Json}).body;
		assert.deepEqual(body.spec.template.spec.containers, [{name: 'csi-attacher', securityContext: {seccompProfile: {type: 'RuntimeDefault'}}}], 'a strategic merge patch keyed by the container name');
		const results = await applyPlan(plan, {context, confirmedCount: 1});
		assert.equal(results[0]?.outcome, 'applied', results[0]?.message);
		assert.equal(container(server, 'Deployment', 'kube-system', 'csi-akshcicsi-controller', 'csi-attacher').securityContext.seccompProfile.type, 'RuntimeDefault');
		assert.deepEqual(others(), before);
	});
});

describe('a dry-run the server rejects', () => {
	let server: ApiServer;
	let kubeconfig: string;
	let isFrozen = false;
	const freeze: WriteHook = (request) => {
		if (isFrozen && request.resource.kind === 'Deployment' && request.verb === 'patch') {
			return {reject: {code: 403, reason: 'Forbidden', message: 'admission webhook "freeze.example.com" denied the request: change freeze until Monday'}};
		}
		return podSecurityAdmission(request);
	};

	before(async () => {
		server = await startApiServer({objects: demoObjects(), onWrite: freeze});
		kubeconfig = join(dir, 'kubeconfig-frozen');
		await server.writeKubeconfig(kubeconfig);
	});
	after(() => server.close());

	test('nothing is applied and the API server\'s reason is shown', async () => {
		const planPath = join(dir, 'frozen.json');
		const planned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged'], {env: env()});
		assert.equal(planned.code, 0);
		assert.equal(readPlan(planPath).plans[0]?.status, 'ready');
		isFrozen = true;
		const applied = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 1);
		assert.match(applied.stdout, /rejected: the API server rejected the dry-run, nothing was applied: 403 Forbidden: admission webhook "freeze.example.com" denied the request: change freeze until Monday/);
		assert.equal(container(server, 'Deployment', 'shop', 'web', 'app').securityContext.privileged, true);
		assert.ok(!server.requests.some((r) => r.method === 'PATCH' && r.query['dryRun'] !== 'All' && r.path.includes('/deployments/')), 'no real patch was sent');

		const replanned = await runCli(['fix', '--plan', planPath, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged'], {env: env()});
		const plan = readPlan(planPath).plans[0]!;
		assert.equal(plan.status, 'rejected');
		assert.match(plan.reason ?? '', /change freeze until Monday/);
		assert.match(replanned.stdout, /change freeze until Monday/);
	});
});

function contextFor(kubeconfig: string): FixContext {
	const config = new KubeConfig();
	config.loadFromFile(kubeconfig);
	const catalog = loadCatalog();
	return {
		catalog,
		playbooks: loadPlaybooks(undefined, catalog),
		settings: {allowedRegistries: catalog.exceptions.platformRegistries},
		transport: {kube: new KubernetesWriter(config), clusterSource: new KubernetesSource(config)},
	};
}

function failing(checkId: string, target: Finding['target']): Finding {
	const catalog = loadCatalog();
	const check = catalog.byId.get(checkId)!.check;
	return {checkId, section: check.section, severity: check.severity, status: 'fail', target, message: '', evidence: {}, remediation: '', ...(check.playbook ? {playbook: check.playbook} : {})};
}
