// Cluster checks exported as ValidatingAdmissionPolicies. Every generated expression must parse
// as CEL, and a policy must judge the demo's workloads as the audit does: the same assertion,
// moved from audit time to admission time.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from '@bufbuild/cel';
import {parseAllDocuments} from 'yaml';
import {loadCatalog} from '../../src/catalog/load.js';
import {compile, toCel} from '../../src/engine/cel.js';
import {evaluateCluster} from '../../src/engine/evaluate.js';
import {gatherCluster} from '../../src/engine/gather.js';
import {memorySource} from '../../src/engine/memory-source.js';
import {collectWorkloads} from '../../src/engine/workloads.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {exportPolicies, type ExportedPolicy} from '../../src/fix/admission-policy.js';
import type {Finding} from '../../src/model/finding.js';
import type {KubeObject} from '../../src/model/kube.js';
import {runCli} from '../support/cli.js';
import {startApiServer} from '../../src/demo/api-server.js';

const catalog = loadCatalog();
const settings = {allowedRegistries: catalog.exceptions.platformRegistries, systemNamespaces: catalog.exceptions.systemNamespaces};
let dir: string;

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-vap-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));

test('container and workload checks become policies whose every expression parses as CEL', () => {
	const {policies, skipped} = exportPolicies(catalog.checks, settings, {deny: false});
	const ids = policies.map((policy) => policy.checkId);
	for (const id of ['isolation.privileged', 'isolation.privilege-escalation', 'isolation.capabilities', 'isolation.run-as-root', 'isolation.seccomp', 'isolation.host-namespaces', 'isolation.host-path', 'resources.limits']) {
		assert.ok(ids.includes(id), `${id} is exported`);
	}
	for (const policy of policies) {
		for (const expression of policy.expressions) assert.doesNotThrow(() => parse(expression), `${policy.checkId}: ${expression}`);
		assert.equal((policy.policy as any).apiVersion, 'admissionregistration.k8s.io/v1');
		assert.equal((policy.binding as any).spec.policyName, policy.name);
		assert.deepEqual((policy.binding as any).spec.validationActions, ['Warn', 'Audit']);
		assert.deepEqual((policy.binding as any).spec.matchResources.namespaceSelector.matchExpressions[0].values, settings.systemNamespaces);
	}
	for (const entry of skipped) assert.ok(entry.reason.length > 0);
	assert.ok(skipped.some((entry) => entry.checkId === 'images.tag-pinned'), 'a check that needs the parsed image is skipped with its reason');
	const deny = exportPolicies(catalog.checks.filter(({check}) => check.id === 'isolation.privileged'), settings, {deny: true}).policies[0]!;
	assert.deepEqual((deny.binding as any).spec.validationActions, ['Deny']);
});

/** The policy's verdict on one object, evaluated as the API server would: variables in order, then the validation. */
function admits(policy: ExportedPolicy, object: KubeObject, namespace: KubeObject | undefined): boolean {
	const spec = policy.policy as any;
	const variables = new Map<string, unknown>();
	const bindings = () => ({object: toCel(object), namespaceObject: toCel(namespace ?? null), variables: variables as never});
	for (const variable of spec.spec.variables) {
		const result = compile(variable.expression)(bindings());
		assert.ok(result.ok, `${variable.name}: ${result.ok ? '' : result.error}`);
		variables.set(variable.name, result.value);
	}
	const result = compile(spec.spec.validations[0].expression)(bindings());
	assert.ok(result.ok, `${policy.checkId} on ${object.kind}/${object.metadata.name}: ${result.ok ? '' : result.error}`);
	return result.value === true;
}

test('each policy admits exactly the demo workloads its check passes', async () => {
	const objects = demoObjects() as KubeObject[];
	const checks = catalog.checks.filter(({check}) => check.scope === 'container' || check.scope === 'workload');
	const {policies} = exportPolicies(checks, settings, {deny: false});
	const facts = await gatherCluster(checks, memorySource(objects), () => {});
	const findings: Finding[] = [];
	evaluateCluster(checks, facts, {exceptions: catalog.exceptions, settings: {allowedRegistries: settings.allowedRegistries}}, (finding) => findings.push(finding));
	const namespaces = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o]));
	let compared = 0;
	for (const {object, containers} of collectWorkloads(objects)) {
		// Ephemeral debug containers live on Pods, which a policy judges on their own.
		if (containers.some((ref) => ref.fromPod)) continue;
		for (const policy of policies) {
			const own = findings.filter((f) => f.checkId === policy.checkId && 'kind' in f.target && f.target.kind === object.kind && f.target.name === object.metadata.name && f.target.namespace === object.metadata.namespace);
			if (!own.length || own.some((f) => f.status === 'error')) continue;
			// Platform exceptions are namespace exclusions in the binding, not part of the expression.
			const auditSaysOk = own.every((f) => f.status === 'pass');
			assert.equal(admits(policy, object, namespaces.get(object.metadata.namespace ?? '')), auditSaysOk, `${policy.checkId} on ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`);
			compared++;
		}
	}
	assert.ok(compared > 100, `${compared} verdicts compared`);
});

test('fix --export-policies writes one file per check: the policy and its binding', async () => {
	const result = await runCli(['fix', '--export-policies', dir, '--checks', 'isolation.privileged,isolation.seccomp,images.tag-pinned']);
	assert.equal(result.code, 0, result.stderr);
	assert.deepEqual(readdirSync(dir).sort(), ['isolation.privileged.yaml', 'isolation.seccomp.yaml']);
	assert.match(result.stdout, /skipped images\.tag-pinned: /);
	const docs = parseAllDocuments(readFileSync(join(dir, 'isolation.privileged.yaml'), 'utf8'));
	assert.ok(Array.isArray(docs));
	const [policy, binding] = (docs as Array<{toJS(): any}>).map((doc) => doc.toJS());
	assert.equal(policy.kind, 'ValidatingAdmissionPolicy');
	assert.equal(binding.kind, 'ValidatingAdmissionPolicyBinding');
	assert.deepEqual(binding.spec.validationActions, ['Warn', 'Audit']);
	assert.match(policy.spec.validations[0].expression, /variables\.containers\.all\(ctr, /);
	const deny = await runCli(['fix', '--export-policies', dir, '--deny', '--checks', 'isolation.privileged']);
	assert.equal(deny.code, 0);
	const denied = (parseAllDocuments(readFileSync(join(dir, 'isolation.privileged.yaml'), 'utf8')) as Array<{toJS(): any}>)[1]!.toJS();
	assert.deepEqual(denied.spec.validationActions, ['Deny']);
});

test('applying the policies is a guided step: planned with a server dry-run, applied from the plan file', async () => {
	const server = await startApiServer({objects: demoObjects()});
	try {
		const kubeconfig = join(dir, 'kubeconfig');
		await server.writeKubeconfig(kubeconfig);
		const policyDir = join(dir, 'apply');
		const planPath = join(dir, 'policies-plan.json');
		const env = {AKS_HARDEN_STATE_DIR: join(dir, 'state')};
		const planned = await runCli(['fix', '--export-policies', policyDir, '--plan', planPath, '--kubeconfig', kubeconfig, '--checks', 'isolation.privileged,isolation.host-path'], {env});
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		assert.match(planned.stdout, /create ValidatingAdmissionPolicy\/aks-harden-isolation-privileged/);
		assert.match(planned.stdout, /touches 4 targets/);
		assert.equal(server.store.all('ValidatingAdmissionPolicy').length, 0, 'planning creates nothing');
		const applied = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env});
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.deepEqual(server.store.all('ValidatingAdmissionPolicy').map((o: KubeObject) => o.metadata.name).sort(), ['aks-harden-isolation-host-path', 'aks-harden-isolation-privileged']);
		assert.equal(server.store.all('ValidatingAdmissionPolicyBinding').length, 2);
		const again = await runCli(['fix', '--apply', planPath, '--kubeconfig', kubeconfig], {env});
		assert.match(again.stdout, /nothing to do/);
	} finally {
		await server.close();
	}
});
