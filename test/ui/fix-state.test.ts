// Unit tests for the fix dialog's reducer and key handling (pure, no Ink): what each phase
// allows, scrolling that follows the log until the operator scrolls, and the typed count.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Plan} from '../../src/fix/model.js';
import {fixKey, fixKeys, guidedFixReducer, initialGuidedFix, topRow, type GuidedFixState} from '../../src/ui/dialogs/fix-state.js';

const plan = {title: 'Drop privileged'} as unknown as Plan;
const review: GuidedFixState = guidedFixReducer(initialGuidedFix, {type: 'planned', plans: [plan]});
const key = (state: GuidedFixState, action: Parameters<typeof fixKey>[1]['action'], input = '', count = 1) => fixKey(state, {action, input, count, page: 10, maxScroll: 30});

test('while planning only esc works; a single-target review applies on y', () => {
	assert.deepEqual([...fixKeys(initialGuidedFix.phase, 0)], ['cancel']);
	assert.deepEqual(key(initialGuidedFix, 'apply'), {actions: []});
	assert.deepEqual(key(initialGuidedFix, 'cancel'), {actions: [], effect: {kind: 'close'}});
	assert.ok(fixKeys(review.phase, 1).has('apply'));
	assert.deepEqual(key(review, 'apply'), {actions: [], effect: {kind: 'apply', confirmed: 1}});
});

test('several targets: y is refused with the reason, a wrong count applies nothing, the right count applies', () => {
	assert.ok(!fixKeys(review.phase, 3).has('apply'));
	const refusedY = key(review, undefined, 'y', 3);
	assert.deepEqual(refusedY.actions, [{type: 'refuse', message: 'this touches 3 targets: type 3 and press ⏎'}]);
	let state = guidedFixReducer(review, {type: 'type', digits: '2'});
	const wrong = key(state, 'confirm', '\r', 3);
	assert.equal(wrong.effect, undefined);
	for (const action of wrong.actions) state = guidedFixReducer(state, action);
	assert.equal(state.refusal, 'you typed 2, but this touches 3 targets: nothing was applied');
	assert.equal(state.typed, '', 'the wrong count is cleared');
	const typedAtOnce = key(state, undefined, '13', 13);
	assert.deepEqual(typedAtOnce.actions, [{type: 'type', digits: '13'}], 'a count typed quickly arrives as one chunk');
	state = guidedFixReducer(state, typedAtOnce.actions[0]!);
	assert.deepEqual(key(state, 'confirm', '\r', 13).effect, {kind: 'apply', confirmed: 13});
	assert.equal(guidedFixReducer(state, {type: 'erase'}).typed, '1');
});

test('applying follows the newest step until the operator scrolls; done closes on Enter', () => {
	let state = guidedFixReducer(review, {type: 'applying', log: []});
	assert.ok(state.isFollowing);
	assert.equal(topRow(state, 30), 30);
	assert.deepEqual([...fixKeys(state.phase, 1)].sort(), ['move-down', 'move-up', 'page-down', 'page-up']);
	state = guidedFixReducer(state, key(state, 'page-up').actions[0]!);
	assert.equal(state.isFollowing, false);
	assert.equal(topRow(state, 30), 20);
	state = guidedFixReducer(state, {type: 'applying', log: [{text: '→ patch'}]});
	assert.equal(state.isFollowing, false, 'new steps do not take the view back once scrolled');
	state = guidedFixReducer(state, {type: 'finished', log: [{text: '✔ applied'}]});
	assert.equal(state.phase.kind, 'done');
	assert.deepEqual(state.phase.kind === 'done' && state.phase.plans, [plan], 'the reviewed plans stay on screen');
	assert.deepEqual(key(state, 'confirm', '\r'), {actions: [], effect: {kind: 'close'}});
});
