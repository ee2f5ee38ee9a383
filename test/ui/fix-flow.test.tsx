// Guided fixes in the walkthrough, end to end with real parts: the local HTTPS API server serving
// the demo cluster, the real audit through KubernetesSource, and the real planner and applier
// through the client-node writer. Only the terminal is simulated (ink-testing-library).
import {after, afterEach, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {loadCatalog} from '../../src/catalog/load.js';
import type {Environment} from '../../src/commands/environment.js';
import {KubernetesWriter} from '../../src/transports/kubernetes-writer.js';
import {selectChecks} from '../../src/commands/select.js';
import {auditSettings} from '../../src/commands/settings.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import type {KubeObject} from '../../src/model/kube.js';
import {KubernetesSource} from '../../src/transports/kubernetes.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough, type Harness} from './harness.js';

type Json = Record<string, any>;

let dir: string;
let server: ApiServer;

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'aks-harden-ui-fix-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));
afterEach(async () => {
	cleanup();
	await server?.close();
});

/** A fresh demo cluster per test (fixes change it) and the walkthrough pointed at it. */
async function walkthroughOnDemo(): Promise<{ui: Harness; state: string; total: number}> {
	server = await startApiServer({objects: demoObjects()});
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromString(server.kubeconfigYaml());
	const cluster = new KubernetesSource(kubeConfig, 'demo');
	const connection: Environment = {
		reader: cluster,
		writer: new KubernetesWriter(kubeConfig),
		info: {context: cluster.context, server: cluster.server, flavour: 'demo', isDemo: true},
		close: async () => {},
	};
	const catalog = loadCatalog();
	const checks = selectChecks(catalog, {sections: ['isolation']});
	const settings = auditSettings({waivers: []}, catalog.exceptions, ['contosoacr.azurecr.io']);
	const state = mkdtempSync(join(dir, 'state-'));
	const deps = walkthroughDeps(connection, {catalog, checks, settings, stateFolder: state});
	const ui = await renderWalkthrough({deps: {...deps, nodes: []}, columns: 120, rows: 50});
	return {ui, state, total: checks.length};
}

function container(kind: string, namespace: string, name: string, containerName: string): Json {
	const object = server.store.all(kind).find((o: KubeObject) => o.metadata.namespace === namespace && o.metadata.name === name) as Json | undefined;
	assert.ok(object, `${kind} ${namespace}/${name} exists`);
	return object.spec.template.spec.containers.find((c: Json) => c.name === containerName);
}

async function startAudit(ui: Harness, total: number): Promise<void> {
	await ui.press(keys.enter);
	await ui.waitForText(`done ${total}/${total}`, {timeoutMs: 60_000});
	await openSection(ui, 4, 'Practice isolation');
}

/** On the section screen: find the check by id with the search bar. */
async function selectCheck(ui: Harness, id: string): Promise<void> {
	await ui.press('/');
	await ui.type(id);
	await ui.press(keys.enter);
	// The selected row's id is on the line under the list.
	await ui.waitForText(`${id} · `);
}

test('f plans the fix for the selected target, shows risk, durability and diff, applies it on y and re-runs the check', async () => {
	const {ui, state, total} = await walkthroughOnDemo();
	await startAudit(ui, total);
	await selectCheck(ui, 'isolation.privileged');
	await ui.press(keys.enter);
	await ui.waitForText('Targets:');
	for (let i = 0; i < 20 && !ui.text().includes('› ✗ Deployment/shop/web:app'); i++) await ui.press('j');
	await ui.waitForText('› ✗ Deployment/shop/web:app');

	await ui.press('f');
	await ui.waitForText('Apply this change to 1 target?', {timeoutMs: 20_000});
	const review = ui.text();
	assert.match(review, /Fix: Containers do not run in privileged mode/);
	assert.match(review, /risk: guided · durability: persistent: a Kubernetes object/);
	assert.match(review, /^│\s+-\s+privileged: true/m, 'the diff removes privileged: true');
	assert.match(review, /^│\s+\+\s+privileged: false/m);
	await ui.waitForText(/y apply {2}/); // the footer offers y (it follows the dialog by one frame)
	assert.equal(container('Deployment', 'shop', 'web', 'app').securityContext?.privileged, true, 'nothing changed before y');

	await ui.press('y');
	await ui.waitForText(/✔ applied: /, {timeoutMs: 20_000});
	assert.match(ui.text(), /risk: guided · durability: persistent/, 'the result screen keeps risk and durability');
	assert.notEqual(container('Deployment', 'shop', 'web', 'app').securityContext?.privileged, true, 'the server no longer has privileged: true');
	const log = readFileSync(join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
	assert.equal(log.length, 1, 'the change is in the audit log');

	await ui.press(keys.enter);
	await ui.waitForText(/Targets: \d+ · 0 need attention/, {timeoutMs: 20_000});
	// The re-run sorts the targets afresh (worst first): walk down to the fixed one.
	for (let i = 0; i < 60 && !ui.text().includes('› ✓ Deployment/shop/web:app'); i++) await ui.press('j');
	await ui.waitForText('› ✓ Deployment/shop/web:app');
	assert.match(ui.text(), /container app is not privileged/);

	await ui.press('s');
	await ui.waitForText('This session');
	assert.match(ui.text(), /isolation\.privileged \(Deployment\/shop\/web:app\): fixed, 1 applied/);
});

test('a fix touching several targets applies only after the operator types their number', async () => {
	const {ui, total} = await walkthroughOnDemo();
	await startAudit(ui, total);
	await selectCheck(ui, 'isolation.privilege-escalation');
	await ui.press('f');
	const review = await ui.waitForText(/This touches \d+ targets: type \d+ and press ⏎/, {timeoutMs: 20_000});
	const count = Number(/This touches (\d+) targets/.exec(review)![1]);
	assert.ok(count > 1, review);
	const before = JSON.stringify(server.store.all('Deployment'));

	await ui.press('y');
	await ui.waitForText(`this touches ${count} targets: type ${count} and press ⏎`);
	await ui.type(String(count + 1));
	await ui.press(keys.enter);
	await ui.waitForText(`you typed ${count + 1}, but this touches ${count} targets: nothing was applied`);
	assert.equal(JSON.stringify(server.store.all('Deployment')), before, 'a wrong count changes nothing');

	await ui.type(String(count));
	await ui.waitForText(`targets to confirm: ${count}`);
	await ui.press(keys.enter);
	const done = await ui.waitForText(/re-running isolation\.privilege-escalation/, {timeoutMs: 30_000});
	assert.match(done, new RegExp(`${count} applied`), done);
	assert.notEqual(JSON.stringify(server.store.all('Deployment')), before);
	await ui.press(keys.escape);
	await ui.waitForText(/Practice isolation · \d+\/\d+ checked/);
});
