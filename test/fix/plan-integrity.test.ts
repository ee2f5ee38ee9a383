// A plan file is a confirmation only as written: the real binary refuses an edited one as a whole
// (nothing read from or sent to the cluster), the server's dry-run must give exactly what the
// plan's diff shows even when someone recomputed the digests, the audit log records what was sent,
// and the digests cover metadata (owners, annotations, finalizers) so undo and staleness see it.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {inversePatch} from '../../src/fix/cluster/apply-cluster.js';
import {KubernetesWriter} from '../../src/transports/kubernetes-writer.js';
import {objectDigest, objectView, sha256} from '../../src/fix/digest.js';
import type {FileChange, Plan} from '../../src/fix/model.js';
import {integrityOf, planFile, type PlanFile} from '../../src/fix/plan-file.js';
import type {KubeObject} from '../../src/model/kube.js';
import {hasNoStack, runCli} from '../support/cli.js';

type Json = Record<string, any>;

let dir: string;
let server: ApiServer;
let kubeconfig: string;
let api: KubernetesWriter;
const env = () => ({AKS_HARDEN_STATE_DIR: join(dir, 'state')});
const webRef = {apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'};

function web(): Json {
	return structuredClone(server.store.all('Deployment').find((o: KubeObject) => o.metadata.namespace === 'shop' && o.metadata.name === 'web')) as Json;
}

function realPatches(since: number): number {
	return server.requests.slice(since).filter((r) => r.method === 'PATCH' && r.query['dryRun'] !== 'All' && r.path.includes('/deployments/')).length;
}

function logEntries(): Json[] {
	return readFileSync(join(dir, 'state', 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
}

/** A fresh plan for Deployment shop/web (privileged → false), written by the binary, only that plan kept. */
async function planWeb(name: string): Promise<{path: string; file: PlanFile}> {
	const path = join(dir, `${name}.json`);
	const planned = await runCli(['fix', '--plan', path, '--kubeconfig', kubeconfig, '--no-nodes', '--checks', 'isolation.privileged'], {env: env()});
	assert.equal(planned.code, 0, planned.stderr);
	const file = JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
	file.plans = file.plans.filter((plan) => plan.title.endsWith('Deployment/shop/web'));
	assert.equal(file.plans.length, 1, planned.stdout);
	assert.equal(file.plans[0]!.status, 'ready');
	// Dropping other plans from the file is allowed: it only ever does less.
	writeFileSync(path, JSON.stringify(file, null, 2));
	return {path, file};
}

function body(file: PlanFile): Json {
	return (file.plans[0]!.changes[0] as {body: Json}).body;
}

before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'akh-plan-integrity-'));
	server = await startApiServer({objects: demoObjects()});
	kubeconfig = join(dir, 'kubeconfig');
	await server.writeKubeconfig(kubeconfig);
	const config = new KubeConfig();
	config.loadFromFile(kubeconfig);
	api = new KubernetesWriter(config);
});

after(async () => {
	await server.close();
	rmSync(dir, {recursive: true, force: true});
});

const edits: ReadonlyArray<{name: string; edit: (file: PlanFile) => void; reason: RegExp}> = [
	{name: 'metadata.ownerReferences in the patch', edit: (file) => void (body(file).metadata = {ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000'}]}), reason: /change "patch Deployment\/shop\/web.*" edited since it was planned/},
	{name: 'an annotation in the patch', edit: (file) => void (body(file).metadata = {annotations: {'example.com/owner': 'mallory'}}), reason: /edited since it was planned/},
	{name: 'a finalizer in the patch', edit: (file) => void (body(file).metadata = {finalizers: ['example.com/hold']}), reason: /edited since it was planned/},
	{name: 'a changed value', edit: (file) => void (body(file).spec.template.spec.containers[0].securityContext.privileged = true), reason: /edited since it was planned/},
	{name: 'an extra field next to the patch', edit: (file) => void ((file.plans[0]!.changes[0] as Json)['patchType'] = 'merge'), reason: /edited since it was planned/},
	{
		name: 'an extra change',
		edit: (file) => {
			const extra = structuredClone(file.plans[0]!.changes[0]!) as Json;
			extra['summary'] = 'patch Deployment/shop/api';
			extra['target'] = {...extra['target'], name: 'api'};
			file.plans[0]!.changes.push(extra as Plan['changes'][number]);
		},
		reason: /has a change "patch Deployment\/shop\/api" that was not in it/,
	},
	{name: 'a changed status', edit: (file) => void (file.plans[0]!.findings = []), reason: /was edited since it was planned/},
	{name: 'no integrity digest', edit: (file) => void delete (file.plans[0] as Json)['integrity'], reason: /has no integrity digest/},
];

describe('fix --apply refuses an edited plan as a whole', () => {
	for (const {name, edit, reason} of edits) {
		test(name, async () => {
			const {path, file} = await planWeb(name.replaceAll(/\W+/g, '-'));
			edit(file);
			writeFileSync(path, JSON.stringify(file, null, 2));
			const stored = web();
			const since = server.requests.length;
			const applied = await runCli(['fix', '--apply', path, '--kubeconfig', kubeconfig], {env: env()});
			assert.equal(applied.code, 2, applied.stdout + applied.stderr);
			assert.match(applied.stderr, reason);
			assert.match(applied.stderr, /nothing was applied/);
			assert.ok(hasNoStack(applied.stderr), applied.stderr);
			assert.equal(applied.stderr.trim().split('\n').length <= 2, true, `one line and a next step: ${applied.stderr}`);
			assert.deepEqual(web(), stored, 'the object on the server is unchanged');
			assert.equal(server.requests.length, since, 'not even a read: the file was refused before connecting');
		});
	}

	test("a host change's content edited after planning is refused before any node is reached", async () => {
		const content = 'PermitRootLogin no\n';
		const change: FileChange = {
			id: 'change-host',
			type: 'file',
			summary: 'create /etc/ssh/sshd_config.d/00-aks-harden.conf on moc-a: PermitRootLogin no',
			fixes: [{checkId: 'host.sshd-config', target: {node: 'moc-a'}}],
			node: {name: 'moc-a', address: '127.0.0.1'},
			path: '/etc/ssh/sshd_config.d/00-aks-harden.conf',
			content,
			mode: '0600',
			beforeDigest: 'absent',
			afterDigest: sha256(content),
			diff: '--- moc-a:/etc/ssh/sshd_config.d/00-aks-harden.conf (absent)\n+++ moc-a:/etc/ssh/sshd_config.d/00-aks-harden.conf (planned)\n@@ -0,0 +1,1 @@\n+PermitRootLogin no\n',
			effects: [],
			warnings: [],
			validate: 'sshd',
			reload: 'sshd',
		};
		const plan: Plan = {
			id: 'plan-host',
			title: 'sshd hardening — node moc-a',
			playbooks: [{id: 'host.sshd-hardening', title: 'sshd hardening', risk: 'guided', durability: 'ephemeral'}],
			risk: 'guided',
			durability: 'ephemeral',
			summary: '',
			findings: change.fixes,
			status: 'ready',
			missing: [],
			parameters: {},
			notes: [],
			changes: [change],
		};
		const file = planFile([plan], {version: '0', cluster: null});
		const tampered = structuredClone(file);
		const edited = tampered.plans[0]!.changes[0] as FileChange & Json;
		edited.content = 'PermitRootLogin no\nAuthorizedKeysFile /tmp/keys\n';
		edited.afterDigest = sha256(edited.content);
		const path = join(dir, 'host.json');
		writeFileSync(path, JSON.stringify(tampered, null, 2));
		// Port 1 on loopback: had the tool tried to reach the node it would say "cannot reach", exit 1.
		const applied = await runCli(['fix', '--apply', path, '--ssh-port', '1', '--known-hosts', join(dir, 'known_hosts')], {env: env()});
		assert.equal(applied.code, 2, applied.stdout + applied.stderr);
		assert.match(applied.stderr, /change "create \/etc\/ssh\/sshd_config\.d\/00-aks-harden\.conf on moc-a.*" edited since it was planned.*nothing was applied/);
		assert.doesNotMatch(applied.stdout + applied.stderr, /cannot reach/);
	});
});

describe('digests recomputed by whoever edited the plan still do not get a change through', () => {
	const owner = {ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000'}]};

	test('the server dry-run must give the after-state the plan recorded (metadata included)', async () => {
		const {path, file} = await planWeb('forged-integrity');
		body(file).metadata = owner;
		file.plans[0]!.integrity = integrityOf(file.plans[0]!, file.cluster);
		writeFileSync(path, JSON.stringify(file, null, 2));
		const stored = web();
		const since = server.requests.length;
		const applied = await runCli(['fix', '--apply', path, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 1, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /refused: the server's dry-run of Deployment\/shop\/web no longer gives the result the plan showed.*nothing was applied/);
		assert.deepEqual(web(), stored);
		assert.equal(realPatches(since), 0, 'only the dry-run was sent');
	});

	test("and must change nothing the plan's diff does not show", async () => {
		const {path, file} = await planWeb('forged-after');
		body(file).metadata = owner;
		const change = file.plans[0]!.changes[0] as Json;
		change['afterDigest'] = objectDigest((await api.patch(webRef, 'strategic', body(file), {dryRun: true})).object);
		file.plans[0]!.integrity = integrityOf(file.plans[0]!, file.cluster);
		writeFileSync(path, JSON.stringify(file, null, 2));
		const stored = web();
		const since = server.requests.length;
		const applied = await runCli(['fix', '--apply', path, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 1, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /refused: the plan's patch changes more of Deployment\/shop\/web than its diff shows \(.*ownerReferences.*\): nothing was applied/);
		assert.deepEqual(web(), stored);
		assert.equal(realPatches(since), 0);
	});
});

describe('what is applied, recorded and undone', () => {
	test('an annotation added since the plan makes it stale; the log records the body sent; undo sees metadata', async () => {
		const stale = await planWeb('stale-annotation');
		await api.patch(webRef, 'merge', {metadata: {annotations: {'example.com/ticket': 'OPS-1'}}}, {dryRun: false});
		const refused = await runCli(['fix', '--apply', stale.path, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(refused.code, 1, refused.stdout);
		assert.match(refused.stdout, /refused: Deployment\/shop\/web changed since the plan was made/);
		assert.equal(web().spec.template.spec.containers[0].securityContext.privileged, true);

		const {path, file} = await planWeb('applied');
		const applied = await runCli(['fix', '--apply', path, '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		const entry = logEntries().find((e) => e.planId === file.plans[0]!.id && e.result === 'applied')!;
		assert.ok(entry, 'the change is in the audit log');
		assert.deepEqual(entry.sent, {type: 'kube', operation: 'patch', patchType: 'strategic', body: body(file)}, 'exactly the body sent');
		assert.match(entry.diff, /\(applied\)/, 'the diff recorded is of the object as the server returned it');
		assert.match(entry.diff, /^\+\s+privileged: false$/m);

		// Someone adds an owner after the fix: undo must not silently erase it.
		await api.patch(webRef, 'merge', {metadata: {finalizers: ['example.com/hold']}}, {dryRun: false});
		const undo = await runCli(['undo', entry.id, '--yes', '--kubeconfig', kubeconfig], {env: env()});
		assert.equal(undo.code, 1, undo.stdout + undo.stderr);
		assert.match(undo.stdout, /changed since .* was applied/);
		assert.deepEqual(web().metadata.finalizers, ['example.com/hold']);
		assert.equal(web().spec.template.spec.containers[0].securityContext.privileged, false, 'not undone');
	});

	test('the inverse patch removes owners, annotations and finalizers a change added', async () => {
		const ref = {apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api'};
		const live = (await api.get(ref))!;
		const changed = await api.patch(ref, 'merge', {metadata: {annotations: {'example.com/a': 'x'}, finalizers: ['example.com/hold'], labels: {tier: 'x'}}, spec: {replicas: 4}}, {dryRun: false});
		const undone = await api.patch(ref, 'json', inversePatch(changed.object, live), {dryRun: false});
		assert.deepEqual(objectView(undone.object), objectView(live));
		assert.equal(objectDigest(undone.object), objectDigest(live));
	});
});
