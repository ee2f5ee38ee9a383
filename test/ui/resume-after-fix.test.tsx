// A fix made in the walkthrough, then `--resume` against a demo environment that started afresh
// (as the demo does on every run: the fix did not last). Real parts: the local HTTPS API server
// with the demo cluster, the real audit, planner and applier, the real session file; only the
// terminal is simulated (ink-testing-library). The resumed walkthrough must not show the old pass.
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {loadCatalog} from '../../src/catalog/load.js';
import type {Environment} from '../../src/commands/environment.js';
import {selectChecks} from '../../src/commands/select.js';
import {auditSettings} from '../../src/commands/settings.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import type {WalkthroughDeps} from '../../src/ui/deps.js';
import {KubernetesSource} from '../../src/transports/kubernetes.js';
import {KubernetesWriter} from '../../src/transports/kubernetes-writer.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'aks-harden-resume-fix-'));
const servers: ApiServer[] = [];
after(() => rmSync(dir, {recursive: true, force: true}));
afterEach(async () => {
	cleanup();
	for (const server of servers.splice(0)) await server.close();
});

/** A fresh demo cluster (its objects as shipped) and walkthrough deps on it; every audit's check ids recorded. */
async function demo(calls: Array<readonly string[] | undefined>): Promise<Omit<WalkthroughDeps, 'sessions' | 'resume' | 'prefs'>> {
	const server = await startApiServer({objects: demoObjects()});
	servers.push(server);
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromString(server.kubeconfigYaml());
	const cluster = new KubernetesSource(kubeConfig, 'demo');
	// Same context for both runs, as the real demo has: the session is matched by it.
	const connection: Environment = {reader: cluster, writer: new KubernetesWriter(kubeConfig), info: {context: 'aks-harden-demo', server: cluster.server, flavour: 'demo', isDemo: true}, close: async () => {}};
	const catalog = loadCatalog();
	const checks = selectChecks(catalog, {sections: ['isolation']});
	const settings = auditSettings({}, catalog.exceptions, ['contosoacr.azurecr.io']);
	const deps = walkthroughDeps(connection, {catalog, checks, settings, values: {}, stateFolder: join(dir, 'state')});
	return {
		...deps,
		nodes: [],
		startAudit: (onEvent, options) => {
			calls.push(options.checkIds);
			return deps.startAudit(onEvent, options);
		},
	};
}

async function waitForSession(file: string, predicate: (session: Record<string, unknown>) => boolean): Promise<void> {
	const deadline = Date.now() + 5000;
	while (!(existsSync(file) && predicate(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>))) {
		if (Date.now() > deadline) throw new Error('the session was never saved with the fix');
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

test('--resume after a fix: the fixed check is checked again, never shown with the pass its re-run gave', async () => {
	const firstCalls: Array<readonly string[] | undefined> = [];
	const first = await renderWalkthrough({deps: {...(await demo(firstCalls)), connection: {context: 'aks-harden-demo', server: null, flavour: 'demo', isDemo: true}}, columns: 120, rows: 50, dir});
	const total = selectChecks(loadCatalog(), {sections: ['isolation']}).length;
	await first.press(keys.enter);
	await first.waitForText(`done ${total}/${total}`, {timeoutMs: 60_000});
	await openSection(first, 4, 'Practice isolation');
	await first.press('/');
	await first.type('isolation.privileged');
	await first.press(keys.enter);
	await first.waitForText('isolation.privileged · ');
	await first.press(keys.enter);
	await first.waitForText('Targets:');
	for (let i = 0; i < 20 && !first.text().includes('› ✗ Deployment/shop/web:app'); i++) await first.press('j');
	await first.press('f');
	await first.waitForText('Apply this change to 1 target?', {timeoutMs: 20_000});
	await first.press('y');
	await first.waitForText(/✔ applied: /, {timeoutMs: 20_000});
	await first.press(keys.enter);
	await first.waitForText(/Targets: \d+ · 0 need attention/, {timeoutMs: 20_000});
	await waitForSession(first.deps.sessions.file, (session) => Array.isArray(session['fixedChecks']) && (session['finishedChecks'] as string[]).includes('isolation.privileged'));
	const saved = JSON.parse(readFileSync(first.deps.sessions.file, 'utf8')) as {findings: Array<{checkId: string; status: string}>};
	assert.ok(saved.findings.some((finding) => finding.checkId === 'isolation.privileged' && finding.status === 'pass'), 'the session holds the pass the re-run gave');
	first.unmount();

	// The demo starts afresh: the privileged container is back.
	const calls: Array<readonly string[] | undefined> = [];
	const ui = await renderWalkthrough({deps: {...(await demo(calls)), connection: {context: 'aks-harden-demo', server: null, flavour: 'demo', isDemo: true}, resume: true}, columns: 120, rows: 50, dir});
	await ui.waitForText('resumed the session from');
	assert.match(ui.text(), /continue the audit/, 'the fixed check is left to check');
	await ui.press(keys.enter);
	await ui.waitForText(`done ${total}/${total}`, {timeoutMs: 60_000});
	assert.deepEqual(calls, [['isolation.privileged']], 'only the fixed check runs again');
	await openSection(ui, 4, 'Practice isolation');
	await ui.press('/');
	await ui.type('isolation.privileged');
	await ui.press(keys.enter);
	await ui.waitForText('isolation.privileged · ');
	await ui.press(keys.enter);
	await ui.waitForText('Targets:');
	for (let i = 0; i < 20 && !ui.text().includes('› ✗ Deployment/shop/web:app'); i++) await ui.press('j');
	await ui.waitForText('› ✗ Deployment/shop/web:app');
	assert.doesNotMatch(ui.text(), /✓ Deployment\/shop\/web:app/);
});
