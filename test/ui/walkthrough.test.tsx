// The walkthrough as a whole: help from the keymap, quitting, terminal size and resizes, NO_COLOR.
// Fake engine and synthetic findings (fixtures.ts); the real binary runs in test/e2e.
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {keymap, keysText} from '../../src/ui/keymap.js';
import {helpLines} from '../../src/ui/widgets/help/index.js';
import {cleanup, hasAnsi, keys} from '../support/render.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

function assertFits(screen: string, columns: number, rows: number) {
	const lines = screen.split('\n');
	assert.ok(lines.length <= rows, `${lines.length} lines on a ${rows}-row terminal`);
	for (const line of lines) assert.ok([...line].length <= columns, `a line wider than ${columns}: ${JSON.stringify(line)}`);
}

test('? lists the keys of the screen first, what every status symbol means, then every other key; Esc closes it', async () => {
	const ui = await renderWalkthrough({rows: 60});
	await ui.press('?');
	await ui.waitForText('Keys on this screen (Connect)');
	const text = ui.text();
	for (const binding of keymap) {
		assert.match(text, new RegExp(`${keysText(binding).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+${binding.label}`), binding.label);
	}
	assert.ok(text.indexOf('leave node out') < text.indexOf('Status symbols'), 'the connect keys come first');
	for (const [symbol, word] of [['✗', 'fail'], ['‼', 'error'], ['!', 'warn'], ['?', 'attest'], ['✓', 'pass'], ['⊘', 'waived']]) {
		assert.match(text, new RegExp(`│ ${symbol.replace('?', '\\?').replace('!', '\\!')}\\s+${word}\\s+\\S`), `the legend explains ${symbol}`);
	}
	await ui.press(keys.escape);
	await ui.waitForText('Nodes (3)');
});

test('at 24 rows the help scrolls to its last key', async () => {
	const ui = await renderWalkthrough();
	await ui.press('?');
	await ui.waitForText(/scroll \(1–\d+ of \d+\)/);
	const count = helpLines('connect').length;
	for (let i = 0; i < count; i++) await ui.press('j');
	await ui.waitForText(`of ${count})`);
	assert.match(ui.text(), /next choice/);
	await ui.press('q');
	await ui.waitForText('Nodes (3)');
	assert.deepEqual(ui.exitCodes, [], 'q closes the help, it does not quit');
});

test('q quits at once when nothing is unsaved, after saving the session', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await ui.press('q');
	await ui.waitFor(() => ui.exitCodes.length > 0);
	assert.deepEqual(ui.exitCodes, [0]);
});

test('q asks first while the audit runs or decisions are not exported; n stays, y quits', async () => {
	const ui = await renderWalkthrough({isGated: true});
	await ui.press(keys.enter);
	await ui.waitForText('checking 8/9');
	await ui.press('q');
	await ui.waitForText('Quit?');
	assert.match(ui.text(), /The audit is still running\. Its progress is saved: run again with --resume/);
	await ui.press('n');
	await ui.waitForNoText('Quit?');
	ui.engine.release();
	await ui.waitForText('done 9/9');
	await openSection(ui, 5, 'Deploy runtime security monitoring');
	await ui.press('n');
	await ui.waitForText('Note:');
	await ui.type('ask the platform team');
	await ui.press(keys.enter);
	await ui.waitForNoText('Note:');
	await ui.press('q');
	await ui.waitForText('Quit?');
	assert.match(ui.text(), /1 decision\(s\) \(attestations, waivers, notes\) are saved in the session but/);
	await ui.press('y');
	await ui.waitFor(() => ui.exitCodes.length > 0);
	assert.deepEqual(ui.exitCodes, [0]);
});

test('Ctrl+C leaves from anywhere, dialogs included, with 130', async () => {
	const ui = await renderWalkthrough();
	await ui.press('?');
	await ui.waitForText('Keys');
	await ui.press(keys.ctrlC);
	await ui.waitFor(() => ui.exitCodes.length > 0);
	assert.deepEqual(ui.exitCodes, [130]);
});

test('every screen fits 80×24 without wrapping: long values are cut with an ellipsis', async () => {
	const ui = await renderWalkthrough();
	assertFits(ui.text(), 80, 24);
	await startAndFinish(ui);
	assertFits(ui.text(), 80, 24);
	await openSection(ui, 6, 'Secure communication with certificates');
	assertFits(ui.text(), 80, 24);
	await ui.press(keys.escape);
	await openSection(ui, 4, 'Practice isolation', 6);
	assertFits(ui.text(), 80, 24);
	await ui.press(keys.enter);
	await ui.waitForText('Evidence');
	assertFits(ui.text(), 80, 24);
	assert.match(ui.text(), /DaemonSet\/kube-system\/kube-proxy:ku…/);
	await ui.press('s');
	await ui.waitForText('This session');
	assertFits(ui.text(), 80, 24);
	await ui.press('?');
	await ui.waitForText('Keys');
	assertFits(ui.text(), 80, 24);
});

test('the layout follows terminal resizes, wider and narrower', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence');
	ui.resize(140, 40);
	await ui.waitForText('DaemonSet/kube-system/kube-proxy:kube-proxy');
	assertFits(ui.text(), 140, 40);
	assert.equal(ui.text().split('\n').length, 40, 'the walkthrough fills the taller terminal');
	ui.resize(80, 24);
	await ui.waitForText('kube-proxy:ku…');
	assertFits(ui.text(), 80, 24);
});

test('without colour (NO_COLOR) no escape code is written, and symbols still tell the statuses apart', async () => {
	const ui = await renderWalkthrough({isColor: false});
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence');
	for (const frame of ui.frames) assert.ok(!hasAnsi(frame), `an escape code in: ${JSON.stringify(frame.slice(0, 200))}`);
	assert.match(ui.text(), /› ✗ Deployment\/shop\/web:app/);
	assert.match(ui.text(), /  ✓ Deployment\/shop\/api:api/);
	assert.match(ui.text(), /  ≈ DaemonSet/);
});

test('the bare ESC byte of legacy terminals goes back too', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await ui.press(keys.legacyEscape);
	await ui.waitForText('Nodes (3)');
});
