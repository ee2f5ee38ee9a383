// Unit tests for the reducers behind help, the waive form and the text field (pure, no Ink).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {helpLines, helpReducer} from '../../src/ui/widgets/help/index.js';
import {initialWaiveForm, waiveFormReducer} from '../../src/ui/dialogs/waive-state.js';
import {chunkText, isSubmitChunk, textInputReducer} from '../../src/ui/widgets/text-input/index.js';

test('help scrolls within its lines and stays in range when the terminal shrinks or grows', () => {
	let state = {offset: 0, count: 40, room: 10};
	state = helpReducer(state, {type: 'scroll', delta: -1});
	assert.equal(state.offset, 0);
	state = helpReducer(state, {type: 'page', direction: 1});
	assert.equal(state.offset, 10);
	for (let i = 0; i < 50; i++) state = helpReducer(state, {type: 'scroll', delta: 1});
	assert.equal(state.offset, 30, 'the last page ends on the last line');
	state = helpReducer(state, {type: 'resize', count: 40, room: 35});
	assert.equal(state.offset, 5);
	const same = helpReducer(state, {type: 'resize', count: 40, room: 35});
	assert.equal(same, state, 'no change, same state');
});

test('help lines: the screen keys, then every status symbol with its meaning, then the other keys', () => {
	const lines = helpLines('check');
	assert.deepEqual(
		lines.filter((line) => line.kind === 'heading').map((line) => line.kind === 'heading' && line.text),
		['Keys on this screen (Check)', 'Status symbols', 'Keys elsewhere'],
	);
	const statuses = lines.flatMap((line) => (line.kind === 'status' ? [`${line.symbol} ${line.word}`] : []));
	for (const expected of ['✗ fail', '‼ error', '! warn', '? attest', '✓ pass', '⊘ waived', '~ skip']) assert.ok(statuses.includes(expected), expected);
	const here = lines.slice(0, lines.findIndex((line) => line.kind === 'heading' && line.text === 'Status symbols'));
	assert.ok(here.some((line) => line.kind === 'key' && line.label === 'note'), 'n is among the check screen keys');
});

test('waive form: Enter on the reason moves on, Enter on the date saves, and a missing reason or bad date says why', () => {
	const today = '2026-05-01';
	let form = initialWaiveForm('2026-07-30');
	form = waiveFormReducer(form, {type: 'submit', field: 'reason', value: '', today});
	assert.equal(form.field, 'expires');
	form = waiveFormReducer(form, {type: 'submit', field: 'expires', value: '2026-07-30', today});
	assert.equal(form.problem, 'say why this is acceptable');
	assert.equal(form.field, 'reason');
	assert.equal(form.saved, undefined);
	form = waiveFormReducer(form, {type: 'submit', field: 'reason', value: ' vendor image ', today});
	form = waiveFormReducer(form, {type: 'submit', field: 'expires', value: '2026-02-30', today});
	assert.equal(form.problem, 'that is not a calendar date');
	form = waiveFormReducer(form, {type: 'submit', field: 'expires', value: '2026-08-01', today});
	assert.deepEqual(form.saved, {reason: 'vendor image', expires: '2026-08-01'});
	assert.equal(form.problem, undefined);
});

test('a pasted chunk keeps its trailing Enter: the text goes in and the chunk submits', () => {
	assert.equal(chunkText('vendor image\r'), 'vendor image');
	assert.ok(isSubmitChunk('vendor image\r'));
	assert.ok(isSubmitChunk('x\r\n'));
	assert.ok(!isSubmitChunk('vendor image'));
	assert.ok(!isSubmitChunk('\r'), 'Enter alone is the Enter key, handled by the keymap');
	assert.equal(chunkText('line one\nline two\r'), 'line one line two', 'inner line breaks become spaces in a one-line field');
	const state = textInputReducer({value: 'ab', cursor: 1}, {type: 'input', text: 'XY\r'});
	assert.deepEqual(state, {value: 'aXYb', cursor: 3});
});
