// The summary screen and export: totals, what changed in this session, the exported report with the
// operator's decisions in it. Fake engine, synthetic findings and a fake exportReport (fixtures.ts).
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough, startAndFinish, attestAndWaive} from './harness.js';

afterEach(cleanup);

test('the summary shows totals, sections, this session’s decisions and the exports', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 0, 'Secure images');
	await attestAndWaive(ui, 'Trivy in CI', 'vendor image');
	await ui.press('s');
	await ui.waitForText('This session');
	const screen = ui.text();
	assert.match(screen, /Overall score \d+\.\d · 16 findings/);
	assert.match(screen, /\? manual 2 \(1 attested\)/);
	assert.match(screen, /⊘ waived 1/);
	assert.match(screen, /\? images\.scanning \(all targets\): attested yes by alice, 2026-05-01 \d\d:00\n\s+Trivy in CI/);
	assert.match(screen, /⊘ images\.tag-pinned \(all targets\): waived until \d{4}-\d\d-\d\d by alice,\s+2026-05-01 \d\d:00\n\s+vendor image/);
	assert.doesNotMatch(screen, /since the last export/, 'below the fold at 24 rows');
	await ui.press('j');
	await ui.press('j');
	await ui.waitForText('2 decision(s) since the last export');
});

test('e exports in any of the six formats to a path the operator picks, with decisions in the report', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 5, 'Deploy runtime security monitoring');
	await ui.press('a');
	await ui.waitForText('Attest:');
	await ui.press('y');
	await ui.waitForText('answer: yes');
	await ui.press(keys.enter);
	await ui.waitForText('attested monitoring.audit-logging: yes');
	await ui.press('e');
	await ui.waitForText('Export the report');
	const choices = ui.text();
	assert.match(choices, /1 decision\(s\) not in any export yet/);
	for (const label of ['Markdown', 'HTML', 'JSON', 'CSV', 'JUnit XML', 'SARIF 2.1.0']) assert.ok(choices.includes(label), `${label} offered:\n${choices}`);
	await ui.press('j');
	await ui.waitForText('json report to:');
	assert.match(ui.text(), /aks-harden-report-2026-05-01\.json/, 'a file name is suggested');
	await ui.press('\u0015');
	await ui.type('audit/signed-off.json');
	await ui.press(keys.enter);
	await ui.waitForText('json report written to');
	assert.match(ui.text(), /\/tmp\/audit\/signed-off\.json/);
	const [{report, format, path}] = ui.exported as [(typeof ui.exported)[0]];
	assert.equal(format, 'json');
	assert.equal(path, 'audit/signed-off.json');
	assert.equal(report.schemaVersion, 1);
	assert.equal(report.cluster.context, 'aks-test');
	assert.equal(report.cluster.source, 'demo');
	assert.equal(report.tool.version, '0.0.0-test');
	const attested = report.findings.find((finding) => finding.checkId === 'monitoring.audit-logging')!;
	assert.equal(attested.status, 'manual');
	assert.deepEqual(attested.attestation, {answer: 'yes', note: '', by: 'alice', at: '2026-05-01T10:00:00.000Z'});
	assert.equal(report.summary.fail, 5);
	assert.equal(report.findings.length, 16);
	await ui.press(keys.enter);
	await ui.waitForNoText('Export the report');
	await ui.press('s');
	await ui.waitForText('Exports');
	assert.match(ui.text(), /json → \/tmp\/audit\/signed-off\.json/);
	for (const [key, format] of [['m', 'markdown'], ['h', 'html'], ['c', 'csv'], ['u', 'junit'], ['s', 'sarif']] as const) {
		await ui.press('e');
		await ui.waitForText('Export the report');
		await ui.press(key);
		await ui.waitForText(`${format} report to:`);
		await ui.press(keys.enter);
		await ui.waitForText(`${format} report written to`);
		assert.equal(ui.exported.at(-1)!.format, format);
		assert.equal(ui.exported.at(-1)!.path, `aks-harden-report-2026-05-01.${format === 'markdown' ? 'md' : format === 'junit' ? 'xml' : format}`);
		await ui.press(keys.enter);
		await ui.waitForNoText('Export the report');
	}
});

test('an export that fails says why and leaves the walkthrough usable', async () => {
	const ui = await renderWalkthrough({deps: {exportReport: async () => Promise.reject(new Error('EACCES: permission denied'))}});
	await ui.press('e');
	await ui.waitForText('Export the report');
	await ui.press('j');
	await ui.waitForText('json report to:');
	await ui.press(keys.enter);
	await ui.waitForText('could not write the json report: EACCES: permission denied');
	// esc goes back a step at a time: to the path, to the formats, out.
	await ui.press(keys.escape);
	await ui.waitForText('json report to:');
	await ui.press(keys.escape);
	await ui.waitForText('a key or ⏎ picks a format');
	await ui.press(keys.escape);
	await ui.waitForText('Nodes (3)');
});
