// The section screen: checks with status, severity and affected targets; filter (t) and search (/).
// Fake engine and synthetic findings (see fixtures.ts).
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, keys} from '../support/render.js';
import {fakeEngine, finding, makeCatalog, makeCheck, sampleChecks, sampleFindings} from './fixtures.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

test('lists the checks with status symbol, severity and affected/total targets', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	assert.match(ui.text(), /› ✗ Containers do not run in privileged mode\s+high\s+1\/3/);
	assert.match(ui.text(), /  ✗ Containers do not run as root\s+medium\s+2\/2/);
	assert.match(ui.text(), /isolation\.privileged · 1 target needs attention · fix: isolation\.unprivileged/);
});

test('t shows only failing checks, and t again shows all', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 0, 'Secure images');
	assert.match(ui.text(), /Images are scanned before deployment/);
	await ui.press('t');
	await ui.waitForText('failing only');
	assert.match(ui.text(), /Images are pinned to a tag/);
	assert.match(ui.text(), /Images are scanned before deployment/, 'an open question needs attention too');
	await ui.press(keys.escape);
	await ui.waitForText('Sections, in');
	await openSection(ui, 2, 'Limit container resources');
	await ui.press('t');
	await ui.waitForText('nothing failing here (t shows all)');
	await ui.press(keys.tab);
	await ui.waitForText('Containers set CPU and memory limits');
});

test('/ searches by id, title or severity as you type; Esc on the screen clears the search', async () => {
	const checks = [
		...sampleChecks,
		makeCheck({id: 'isolation.host-path', title: 'No hostPath volumes', severity: 'high'}),
		makeCheck({id: 'isolation.seccomp', title: 'Seccomp profile set', severity: 'low'}),
	];
	const catalog = makeCatalog(checks);
	const findings = sampleFindings();
	findings.set('isolation.host-path', [finding(checks.at(-2)!, 'pass', {cluster: true})]);
	findings.set('isolation.seccomp', [finding(checks.at(-1)!, 'warn', {cluster: true})]);
	const ui = await renderWalkthrough({deps: {catalog, startAudit: fakeEngine({catalog, findings}).startAudit}});
	await startAndFinish(ui, checks.length);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press('/');
	await ui.waitForText('/ ');
	await ui.type('sec');
	await ui.waitForText('matching “sec”');
	assert.match(ui.text(), /Seccomp profile set/);
	assert.doesNotMatch(ui.text(), /No hostPath volumes/);
	await ui.press(keys.backspace);
	await ui.press(keys.backspace);
	await ui.press(keys.backspace);
	await ui.type('high');
	await ui.waitForText('matching “high”');
	assert.match(ui.text(), /No hostPath volumes/);
	assert.match(ui.text(), /Containers do not run in privileged mode/);
	assert.doesNotMatch(ui.text(), /Seccomp profile set/);
	await ui.press(keys.enter);
	await ui.waitForText(/⏎ open/);
	assert.match(ui.text(), /matching “high”/, 'Enter keeps the search');
	await ui.press(keys.escape);
	await ui.waitForNoText('matching');
	assert.match(ui.text(), /Practice isolation · 4\/4 checked/, 'the first Esc clears the search, not the screen');
});
