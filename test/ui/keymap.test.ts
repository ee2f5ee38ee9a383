// Unit tests for the one keymap table: no key means two things in one place, and every key maps.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Key} from 'ink';
import {actionFor, bindingFor, footerBindings, footerFit, keyName, keymap, keysText, screens, type Binding, type KeyContext} from '../../src/ui/keymap.js';

const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

test('no key is bound twice in the same context', () => {
	const contexts: KeyContext[] = [...screens, 'dialog', 'fix'];
	for (const context of contexts) {
		const seen = new Map<string, string>();
		for (const binding of keymap.filter((b) => b.contexts.includes(context))) {
			for (const key of binding.keys) {
				assert.ok(!seen.has(key), `${context}: "${key}" means both ${seen.get(key)} and ${binding.action}`);
				seen.set(key, binding.action);
			}
		}
	}
});

test('the keys the brief names do what it says', () => {
	const expect = (context: KeyContext, input: string, key: Partial<Key>, action: string | undefined) =>
		assert.equal(actionFor(context, input, {...noKey, ...key}), action, `${context} ${JSON.stringify(input)} ${JSON.stringify(key)}`);
	expect('section', '', {upArrow: true}, 'move-up');
	expect('section', 'k', {}, 'move-up');
	expect('section', 'j', {}, 'move-down');
	expect('sections', '\r', {return: true}, 'open');
	expect('check', '', {escape: true}, 'back');
	expect('check', '', {backspace: true}, 'back');
	expect('section', '/', {}, 'search');
	expect('check', 'f', {}, 'fix');
	expect('check', 'a', {}, 'attest');
	expect('check', 'w', {}, 'waive');
	expect('check', 'r', {}, 'rerun');
	expect('summary', 'e', {}, 'export');
	expect('connect', '?', {}, 'help');
	expect('connect', 'q', {}, 'quit');
	expect('section', 't', {}, 'toggle-filter');
	expect('section', '\t', {tab: true}, 'toggle-filter');
	expect('connect', ' ', {}, 'toggle-node');
	expect('check', 'J', {shift: true}, 'scroll-down');
	expect('connect', '/', {}, undefined);
	expect('dialog', '', {escape: true}, 'cancel');
});

test('key names: arrows, paging, editing keys, control keys and characters', () => {
	assert.equal(keyName('', {...noKey, pageDown: true}), 'pagedown');
	assert.equal(keyName('', {...noKey, delete: true}), 'delete');
	assert.equal(keyName('c', {...noKey, ctrl: true}), 'ctrl-c');
	assert.equal(keyName('', {...noKey, tab: true, shift: true}), 'shift-tab');
	assert.equal(keyName('x', {...noKey, meta: true}), undefined);
	assert.equal(keyName('ab', noKey), undefined, 'a paste is not a key');
	assert.equal(bindingFor('section', undefined), undefined);
});

test('the footer lists each action once, in table order, and leaves out what is unavailable', () => {
	const all = footerBindings('check').map((binding) => binding.action);
	assert.deepEqual(all, ['scroll-down', 'back', 'toggle-filter', 'fix', 'attest', 'waive', 'note', 'rerun', 'summary', 'export', 'help', 'quit']);
	const some = footerBindings('check', (action) => action !== 'attest').map((binding) => binding.action);
	assert.ok(!some.includes('attest'));
});

test('the help lists every key of a binding, the footer its short form', () => {
	const back = keymap.find((binding) => binding.action === 'back')!;
	assert.equal(keysText(back), 'esc/⌫');
	assert.equal(back.display, 'esc');
	assert.equal(keysText(keymap.find((binding) => binding.action === 'toggle-filter')!), 't/tab');
});

test('a narrow footer keeps what acts on the selected row and going back, in table order, and says it cut', () => {
	const size = (binding: Binding) => [...binding.display].length + 1 + [...binding.label].length + 2;
	const bindings = footerBindings('section').filter((binding) => binding.action !== 'help' && binding.action !== 'quit');
	const all = bindings.reduce((sum, binding) => sum + size(binding), 0);
	assert.deepEqual(footerFit(bindings, all, size), {shown: bindings, isCut: false}, 'everything fits: nothing is cut');
	const {shown, isCut} = footerFit(bindings, 60, size);
	assert.ok(isCut);
	assert.deepEqual(
		shown.map((binding) => binding.action),
		['back', 'fix', 'attest', 'waive', 'note', 'rerun'],
	);
	assert.ok(shown.reduce((sum, binding) => sum + size(binding), 0) <= 60 - 3, 'room is left for the …');
});

test('every key of every screen is in the footer or under "Keys on this screen" in help', async () => {
	const {helpLines} = await import('../../src/ui/widgets/help/index.js');
	for (const screen of screens) {
		const lines = helpLines(screen);
		const end = lines.findIndex((line, index) => index > 0 && line.kind === 'heading');
		const here = lines.slice(1, end).flatMap((line) => (line.kind === 'key' ? [line.label] : []));
		for (const binding of keymap.filter((b) => b.contexts.includes(screen))) assert.ok(here.some((label) => label === binding.label || label === `${binding.label} (changes things)`), `${screen}: ${binding.label}`);
	}
});
