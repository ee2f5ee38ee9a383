// The sections screen: the article's seven sections in order with progress, counts, score and a
// summary line, live while the audit runs. Fake engine and synthetic findings (see fixtures.ts).
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {sectionTitles, sections} from '../../src/model/status.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

test('the seven sections come in the article order, each with progress, counts, score and summary', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	const lines = ui.text().split('\n');
	const order = sections.map((section) => lines.findIndex((line) => line.includes(sectionTitles[section])));
	assert.ok(order.every((index) => index > 0), `every section shows: ${order}`);
	assert.deepEqual([...order].sort((a, b) => a - b), order, 'in the article order');
	assert.match(ui.text(), /✗ Practice isolation\s+2\/2\s+2\s+0\s+0\s+0\s+0\s+30\.0/);
	assert.match(ui.text(), /2 failing \(1 high, 1 medium\)/);
	assert.match(ui.text(), /✓ Limit container resources\s+1\/1\s+0\s+0\s+0\s+0\s+1\s+100\.0/);
	assert.match(ui.text(), /Overall score 53\.8/);
	assert.match(ui.text(), /nodes: ✓ moc-lx-cp1  ✓ moc-lx-w1  ✗ moc-win-w2/);
});

test('progress shows per section and per node while probes run, and sections open meanwhile', async () => {
	const ui = await renderWalkthrough({isGated: true});
	await ui.press(keys.enter);
	await ui.waitForText('checking 8/9 · nodes 0/3');
	assert.match(ui.text(), /… Harden host environment\s+0\/1/);
	assert.match(ui.text(), /checking 0\/1/);
	assert.match(ui.text(), /nodes: … moc-lx-cp1/);
	await openSection(ui, 1, 'Harden host environment');
	assert.match(ui.text(), /… sshd refuses root and password logins/);
	await ui.press(keys.enter);
	await ui.waitForText('waiting for findings…');
	ui.engine.release();
	await ui.waitForText('node/moc-lx-cp1');
	assert.match(ui.text(), /✗ node\/moc-lx-cp1/);
	assert.match(ui.text(), /done 9\/9/);
});

test('a failed audit says why on the connect screen and keeps what it had', async () => {
	const ui = await renderWalkthrough({deps: {startAudit: async () => Promise.reject(new Error('the API server refused the connection'))}});
	await ui.press(keys.enter);
	await ui.waitForText('audit failed');
	await ui.press(keys.escape);
	await ui.waitForText('✗ the API server refused the connection');
});

test('keys typed faster than a frame arrive as one string and still count one by one', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await ui.press('jj');
	await ui.waitForText(`› `);
	const selected = ui.text().split('\n').find((line) => line.startsWith('› '));
	assert.match(selected ?? '', new RegExp(sectionTitles[sections[2]!]), `the third section is selected: ${selected}`);
});
