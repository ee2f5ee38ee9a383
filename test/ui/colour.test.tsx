// Colour on and off. With colour the statuses are coloured; with NO_COLOR (or the mono theme) not
// one escape code is written. Fake engine and synthetic findings (see fixtures.ts).
import './force-color.js';
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {isColorWanted} from '../../src/ui/theme.js';
import {prepareWalkthrough} from '../../src/ui/run-walkthrough.js';
import {memoryPrefs} from '../../src/commands/prefs.js';
import {cleanup, hasAnsi, keys} from '../support/render.js';
import {fakeDeps} from './fixtures.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

async function walk(isColor: boolean) {
	const ui = await renderWalkthrough({isColor});
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence');
	return ui;
}

test('with colour, a failing status is drawn in red', async () => {
	const ui = await walk(true);
	assert.ok(hasAnsi(ui.raw()));
	assert.match(ui.raw(), /\u001B\[31m✗/);
});

test('with NO_COLOR, no frame holds an escape code', async () => {
	const ui = await walk(false);
	for (const frame of ui.frames) assert.ok(!hasAnsi(frame), JSON.stringify(frame.slice(0, 120)));
});

test('NO_COLOR (set and not empty) and the mono theme turn colour off; the deps may override', async () => {
	assert.equal(isColorWanted({NO_COLOR: '1'}, 'auto'), false);
	assert.equal(isColorWanted({NO_COLOR: ''}, 'auto'), true);
	assert.equal(isColorWanted({}, 'mono'), false);
	assert.equal(isColorWanted({}, undefined), true);
	const deps = fakeDeps({sessionFile: '/nonexistent/session.json', prefs: memoryPrefs({theme: 'mono'})});
	assert.equal((await prepareWalkthrough(deps, {})).isColor, false);
	assert.equal((await prepareWalkthrough({...deps, prefs: memoryPrefs()}, {NO_COLOR: '1'})).isColor, false);
	assert.equal((await prepareWalkthrough({...deps, prefs: memoryPrefs()}, {})).isColor, true);
	assert.equal((await prepareWalkthrough({...deps, isColor: false, prefs: memoryPrefs()}, {})).isColor, false);
});
