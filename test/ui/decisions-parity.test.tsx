// The walkthrough and the headless audit sign off the same report. One `.aks-harden.yaml` with
// waivers; the real walkthrough (ink-testing-library for the terminal, the real demo environment,
// audit, decisions file writer and exporter) attests a question and exports JSON to a path typed
// in; then the built binary runs `aks-harden audit --demo` in the same folder. Both reports must
// give every finding the same status, and the same counts, score, waivers and notes.
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {loadCatalog} from '../../src/catalog/load.js';
import {connectionSettings, openEnvironment, type Environment} from '../../src/commands/environment.js';
import {saveDecisionsFile} from '../../src/commands/decisions-file.js';
import {selectChecks} from '../../src/commands/select.js';
import {auditSettings, readSettingsFile} from '../../src/commands/settings.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import type {Report} from '../../src/model/report.js';
import {targetKey} from '../../src/model/target.js';
import {runCli} from '../support/cli.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough} from './harness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = existsSync(join(root, 'build', 'cli.js')) ? false : 'not built: run `npm run build`';

const settingsText = `# Reviewed by the security team; changes go through a pull request.
waivers:
  # The vendor agent needs it until it is replaced.
  - check: isolation.privileged
    target: shop/web
    justification: vendor agent, replaced in Q3
    approver: sec@contoso.example
    expires: 2099-12-31
  - check: host.sshd-config
    target: moc-l1hj*
    justification: password login for the HCI vendor until the patch window
    approver: platform-lead@contoso.example
    expires: 2099-01-31
  - check: images.tag-pinned
    target: "*"
    justification: lapsed long ago
    approver: sec@contoso.example
    expires: 2020-01-01
  - check: images.tag-pinned
    target: nothing-here/*
    justification: matches nothing
    approver: sec@contoso.example
    expires: 2099-01-01
`;

const dir = mkdtempSync(join(tmpdir(), 'aks-harden-parity-'));
let connection: Environment | undefined;
afterEach(async () => {
	cleanup();
	await connection?.close();
});
after(() => rmSync(dir, {recursive: true, force: true}));

const byKey = (report: Report) => new Map(report.findings.map((finding) => [`${finding.checkId} ${targetKey(finding.target)}`, finding]));

/**
 * What may differ between two runs: timestamps (when each ran, and the ones the demo environment
 * stamps on its objects as it starts) and the demo API server's port.
 */
function normalised(report: Report): string {
	const text = JSON.stringify({...report, cluster: {...report.cluster, server: 'S'}}, null, 2);
	return text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'T');
}

test('with the same .aks-harden.yaml and an attestation made in the walkthrough, its export and `aks-harden audit` agree on every finding', {skip, timeout: 240_000}, async () => {
	const file = join(dir, '.aks-harden.yaml');
	writeFileSync(file, settingsText);
	const catalog = loadCatalog();
	const settingsFile = readSettingsFile(file);
	connection = await openEnvironment(connectionSettings({demo: true}), {});
	const checks = selectChecks(catalog, {});
	const settings = auditSettings(settingsFile, catalog.exceptions, connection.allowedRegistries ?? []);
	const deps = walkthroughDeps(connection, {catalog, checks, settings, values: {}, stateFolder: join(dir, 'state')});
	const ui = await renderWalkthrough({
		deps: {...deps, now: () => new Date(), decisions: {path: file, initial: settingsFile, save: async (decisions) => saveDecisionsFile(file, decisions)}},
		columns: 120,
		rows: 50,
		dir,
	});

	await ui.press(keys.enter);
	await ui.waitForText(`done ${checks.length}/${checks.length}`, {timeoutMs: 120_000});
	await openSection(ui, 0, 'Secure images');
	await ui.press('/');
	await ui.type('images.ci-scanning');
	await ui.press(keys.enter);
	await ui.waitForText('images.ci-scanning · ');
	await ui.press('a');
	await ui.waitForText('Attest:');
	await ui.press('y');
	await ui.waitForText('answer: yes');
	await ui.type('Trivy in every pipeline');
	await ui.press(keys.enter);
	await ui.waitForText('attested images.ci-scanning: yes');
	// The check screen says who answered, and no longer that it awaits an answer.
	await ui.press(keys.enter);
	const check = await ui.waitForText(/attested "yes" by alice at/);
	assert.doesNotMatch(check, /awaiting the operator/);
	await ui.press(keys.escape);
	await ui.waitForText(/Secure images · \d+\/\d+ checked/);

	// The attestation is in the reviewable file, the operator's comments kept.
	const written = readFileSync(file, 'utf8');
	assert.match(written, /^# Reviewed by the security team/);
	assert.match(written, /# The vendor agent needs it until it is replaced\./);
	assert.match(written, /attestations:\n\s+- check: images\.ci-scanning\n\s+target: "\*"\n\s+answer: "yes"\n\s+note: Trivy in every pipeline\n\s+by: alice\n\s+at: \d{4}-/);

	const exported = join(dir, 'walkthrough.json');
	await ui.press('e');
	await ui.waitForText('Export the report');
	await ui.press('j');
	await ui.waitForText('json report to:');
	await ui.press('\u0015');
	await ui.type(exported);
	await ui.press(keys.enter);
	await ui.waitForText('json report written to', {timeoutMs: 20_000});

	const headlessFile = join(dir, 'headless.json');
	const headless = await runCli(['audit', '--demo', '--format', 'json', '--output', headlessFile], {cwd: dir, timeoutMs: 120_000});
	assert.equal(headless.code, 1, `failing findings exit 1; stderr: ${headless.stderr}`);
	assert.match(headless.stderr, /waiver expired 2020-01-01: images\.tag-pinned \*/);
	assert.match(headless.stderr, /\d+ waived, \d+ accepted, \d+ manual \(1 attested\)/, 'the CI log says what was attested');
	const fromWalkthrough = JSON.parse(readFileSync(exported, 'utf8')) as Report;
	const fromAudit = JSON.parse(readFileSync(headlessFile, 'utf8')) as Report;

	// Every finding: the same status, in both.
	const a = byKey(fromWalkthrough);
	const b = byKey(fromAudit);
	assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same findings');
	for (const [key, finding] of a) assert.equal(b.get(key)!.status, finding.status, key);
	assert.deepEqual(fromWalkthrough.summary, fromAudit.summary, 'the same counts and score');
	assert.deepEqual(fromWalkthrough.waivers, fromAudit.waivers, 'the same expired and unused waivers');

	// What the waivers and the attestation did, in both.
	for (const report of [fromWalkthrough, fromAudit]) {
		const at = byKey(report);
		assert.equal(at.get('isolation.privileged Deployment/shop/web:app')?.status, 'waived');
		assert.equal(at.get('host.sshd-config node/moc-l1hj0nllpvs')?.status, 'waived');
		assert.equal(at.get('images.tag-pinned Deployment/shop/web:app')?.status, 'fail', 'an expired waiver applies to nothing');
		const question = at.get('images.ci-scanning cluster')!;
		assert.equal(question.status, 'manual');
		assert.equal(question.attestation?.answer, 'yes');
		assert.equal(question.attestation?.by, 'alice');
		assert.equal(report.findings.filter((finding) => finding.status === 'manual' && finding.attestation).length, 1, '1 attested, not 0');
		assert.deepEqual(report.waivers?.unused.map((waiver) => waiver.target), ['nothing-here/*']);
	}
	assert.equal(byKey(fromWalkthrough).get('images.ci-scanning cluster')!.attestation!.at, byKey(fromAudit).get('images.ci-scanning cluster')!.attestation!.at);
	// And the whole document, apart from timestamps and the demo server's port.
	assert.ok(normalised(fromWalkthrough) === normalised(fromAudit), 'the same JSON from both front ends');
});
