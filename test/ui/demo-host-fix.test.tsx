// On the demo, in the walkthrough: `f` on host.sshd-config plans the drop-in, `y` applies it to the
// demo node (through the same planner, applier and node scripts as a real node), the check is run
// again and passes, and `u` on the summary undoes it, after which the check fails again. The demo
// is opened the way `aks-harden --demo` opens it (openEnvironment); only the terminal is simulated.
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import {connectionSettings, openEnvironment} from '../../src/commands/environment.js';
import {selectChecks} from '../../src/commands/select.js';
import {auditSettings} from '../../src/commands/settings.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import {demoStateFile} from '../../src/demo/saved-state.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'aks-harden-ui-demo-host-'));
const state = join(dir, 'state');
const previous = process.env['AKS_HARDEN_STATE_DIR'];
process.env['AKS_HARDEN_STATE_DIR'] = state;
after(() => {
	if (previous === undefined) delete process.env['AKS_HARDEN_STATE_DIR'];
	else process.env['AKS_HARDEN_STATE_DIR'] = previous;
	rmSync(dir, {recursive: true, force: true});
});
afterEach(() => cleanup());

const dropIn = '/etc/ssh/sshd_config.d/00-aks-harden.conf';
/** The demo saves on the turn after a change (one write for a burst of them). */
const savedDropIn = async (): Promise<string | undefined> => {
	await new Promise((resolve) => setImmediate(resolve));
	const saved = JSON.parse(readFileSync(demoStateFile(state), 'utf8')) as {nodes: Record<string, {files: Record<string, {content: string}>}>};
	return saved.nodes['moc-l1hj0nllpvs']?.files[dropIn]?.content;
};

test('f on a host check of the demo plans, applies and re-checks; u on the summary undoes it', async () => {
	const connection = await openEnvironment(connectionSettings({demo: true}), {});
	try {
		const catalog = loadCatalog();
		const checks = selectChecks(catalog, {checks: ['host.sshd-config']});
		const settings = auditSettings({waivers: []}, catalog.exceptions, connection.allowedRegistries ?? []);
		const deps = walkthroughDeps(connection, {catalog, checks, settings, values: {demo: true}, stateFolder: state});
		const ui = await renderWalkthrough({deps: {...deps, nodes: connection.nodes!.list}, columns: 120, rows: 50, dir});
		await ui.press(keys.enter);
		await ui.waitForText('done 1/1', {timeoutMs: 60_000});
		await openSection(ui, 1, 'Harden host environment');
		await ui.press(keys.enter);
		await ui.waitForText('Targets:');
		for (let i = 0; i < 6 && !ui.text().includes('› ✗ node/moc-l1hj0nllpvs'); i++) await ui.press('j');
		await ui.waitForText('› ✗ node/moc-l1hj0nllpvs');

		await ui.press('f');
		const review = await ui.waitForText('Apply this change to 1 target?', {timeoutMs: 30_000});
		assert.match(review, /durability: ephemeral/);
		assert.match(review, /create \/etc\/ssh\/sshd_config\.d\/00-aks-harden\.conf on moc-l1hj0nllpvs/);
		assert.match(review, /^│\s+\+PasswordAuthentication no/m);
		await ui.press('y');
		await ui.waitForText(/✔ applied: /, {timeoutMs: 30_000});
		assert.match((await savedDropIn()) ?? '', /^PasswordAuthentication no$/m, 'the demo node has the drop-in, saved in the state folder');

		await ui.press(keys.enter);
		// The fixed node now passes; the one left is the demo's Windows node, whose sshd fix needs a real Windows node.
		const rechecked = await ui.waitForText(/Targets: \d+ · 1 needs attention/, {timeoutMs: 30_000});
		assert.match(rechecked, /✓ node\/moc-l1hj0nllpvs/);
		assert.match(rechecked, /✗ node\/moc-w7n2k4xq1b/);

		await ui.press('s');
		await ui.waitForText(/host\.sshd-config \(node\/moc-l1hj0nllpvs\): fixed, 1 applied/);
		assert.match(ui.text(), /u undoes it here/);
		await ui.press('u');
		await ui.waitForText('Undo the fix?');
		await ui.press('y');
		await ui.waitForText(/undone: undid chg-[0-9a-f]+/, {timeoutMs: 30_000});
		await ui.waitForText(/↶ host\.sshd-config \(node\/moc-l1hj0nllpvs\): fixed, 1 applied, .*; undone/);
		assert.equal(await savedDropIn(), undefined, 'undo removed the drop-in it had created');

		await ui.press(keys.escape);
		// Undone: the node fails again, beside the Windows node.
		await ui.waitForText(/Targets: \d+ · 2 need attention/, {timeoutMs: 30_000});
		const log = readFileSync(join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as {result: string});
		assert.deepEqual(log.map((entry) => entry.result), ['applied', 'undone']);
	} finally {
		await connection.close();
	}
});
