// The dialog widgets on their own: Select and TextInput (view + reducer + input hook each).
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {Select, selectReducer} from '../../src/ui/widgets/select/index.js';
import {TextInput, textInputReducer} from '../../src/ui/widgets/text-input/index.js';
import {Footer} from '../../src/ui/widgets/footer.js';
import {cleanup, keys, render} from '../support/render.js';

afterEach(cleanup);

test('select reducer: focus moves and stops at both ends', () => {
	let state = {focus: 0, count: 3};
	state = selectReducer(state, {type: 'focus-previous'});
	assert.equal(state.focus, 0);
	state = selectReducer(selectReducer(selectReducer(state, {type: 'focus-next'}), {type: 'focus-next'}), {type: 'focus-next'});
	assert.equal(state.focus, 2);
	assert.equal(selectReducer(state, {type: 'focus', index: 9}).focus, 2);
});

test('Select: ↓ moves the marker, Enter picks, a shortcut picks at once, Esc cancels', async () => {
	const picked: string[] = [];
	let cancelled = 0;
	const options = [
		{label: 'first', value: 'a', key: 'x'},
		{label: 'second', value: 'b'},
	];
	const ui = render(<Select options={options} onSubmit={(value) => picked.push(value)} onCancel={() => cancelled++} />);
	await ui.waitForText('› first  (x)');
	await ui.press(keys.down);
	await ui.waitForText('› second');
	await ui.press(keys.enter);
	await ui.press('x');
	await ui.press(keys.escape);
	await ui.waitFor(() => cancelled === 1);
	assert.deepEqual(picked, ['b', 'a']);
});

test('text input reducer: insert at the cursor, delete both ways, move, clear; controls are dropped', () => {
	let state = {value: '', cursor: 0};
	state = textInputReducer(state, {type: 'insert', text: 'helo'});
	state = textInputReducer(state, {type: 'move-left'});
	state = textInputReducer(state, {type: 'insert', text: 'l'});
	assert.deepEqual(state, {value: 'hello', cursor: 4});
	state = textInputReducer(state, {type: 'delete-forward'});
	assert.deepEqual(state, {value: 'hell', cursor: 4});
	state = textInputReducer(state, {type: 'move-home'});
	state = textInputReducer(state, {type: 'delete-backward'});
	assert.deepEqual(state, {value: 'hell', cursor: 0});
	state = textInputReducer(state, {type: 'insert', text: 'a\nb\u0007'});
	assert.equal(state.value, 'abhell');
	state = textInputReducer(state, {type: 'insert', text: 'é漢'});
	assert.deepEqual(state, {value: 'abé漢hell', cursor: 4});
	assert.deepEqual(textInputReducer(state, {type: 'clear'}), {value: '', cursor: 0});
});

test('TextInput: typing, backspace, arrows, Ctrl+U; Enter submits the value; masked shows dots', async () => {
	const submitted: string[] = [];
	const ui = render(<TextInput width={30} onSubmit={(value) => submitted.push(value)} />);
	await ui.waitForText('▏');
	await ui.type('abd');
	await ui.press(keys.left);
	await ui.type('c');
	await ui.waitForText('abc▏d');
	await ui.press(keys.right);
	await ui.press(keys.backspace);
	await ui.waitForText('abc▏');
	await ui.press(keys.enter);
	await ui.waitFor(() => submitted.length === 1);
	assert.deepEqual(submitted, ['abc']);
	await ui.press('\u0015');
	await ui.waitFor((frame) => frame.trim() === '▏');
	ui.unmount();
	const masked = render(<TextInput width={30} isMasked />);
	await masked.type('pw');
	await masked.waitForText('••▏');
});

test('TextInput: a long value scrolls so the cursor stays in view', async () => {
	const ui = render(<TextInput width={10} />, {columns: 10});
	await ui.type('0123456789abcdef');
	await ui.waitForText('89abcdef▏');
	assert.doesNotMatch(ui.text(), /7/);
	assert.ok(ui.text().split('\n').every((line) => [...line].length <= 10));
});

test('Footer: help and quit always show; when the rest do not fit, the keys for the selected row stay and … says help has more', async () => {
	const wide = render(<Footer context="check" width={140} />, {columns: 140});
	await wide.waitForText('q quit');
	assert.match(wide.text(), /J scroll {2}esc back {2}t filter {2}f fix {2}a attest {2}w waive {2}n note {2}r rerun {2}s summary {2}e export/);
	wide.unmount();
	const eighty = render(<Footer context="check" width={80} />, {columns: 80});
	await eighty.waitForText('? help  q quit');
	assert.match(eighty.text(), /^esc back {2}f fix {2}a attest {2}w waive {2}n note {2}r rerun {2}… +\? help {2}q quit$/);
	assert.ok([...eighty.text()].length <= 80);
	eighty.unmount();
	const narrow = render(<Footer context="check" width={40} />, {columns: 40});
	await narrow.waitForText('? help  q quit');
	assert.match(narrow.text(), /esc back {2}f fix.*…/);
	assert.ok([...narrow.text()].length <= 40);
});
