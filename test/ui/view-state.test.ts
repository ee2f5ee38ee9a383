// Unit tests for the screen stack and dialogs reducer.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {currentRoute, initialViewState, viewReducer, type ViewState} from '../../src/ui/state/view-state.js';

const inSection = (): ViewState => ({
	stack: [
		{screen: 'connect', cursor: 0},
		{screen: 'sections', cursor: 4},
		{screen: 'section', section: 'isolation', cursor: 0, filter: 'all', query: ''},
	],
});

test('the cursor moves within the list and stops at both ends', () => {
	let view = inSection();
	view = viewReducer(view, {type: 'move', delta: 1, count: 3});
	view = viewReducer(view, {type: 'move', delta: 5, count: 3});
	assert.equal(currentRoute(view).cursor, 2);
	view = viewReducer(view, {type: 'move', delta: -10, count: 3});
	assert.equal(currentRoute(view).cursor, 0);
	assert.equal(viewReducer(view, {type: 'move', delta: -1, count: 3}), view, 'no change, same state');
});

test('back pops to the previous screen with its cursor where it was', () => {
	const view = viewReducer(inSection(), {type: 'back'});
	assert.deepEqual(currentRoute(view), {screen: 'sections', cursor: 4});
	const root = initialViewState();
	assert.equal(viewReducer(root, {type: 'back'}), root, 'the first screen stays');
});

test('back first clears an active search', () => {
	let view = viewReducer(inSection(), {type: 'set-query', query: 'priv'});
	view = viewReducer(view, {type: 'back'});
	assert.equal(currentRoute(view).screen, 'section');
	assert.equal((currentRoute(view) as {query: string}).query, '');
});

test('the filter toggles between failing and all and puts the cursor on top', () => {
	let view = viewReducer(inSection(), {type: 'move', delta: 2, count: 5});
	view = viewReducer(view, {type: 'toggle-filter'});
	assert.deepEqual(currentRoute(view), {screen: 'section', section: 'isolation', cursor: 0, filter: 'failing', query: ''});
});

test('the check screen scrolls its details within bounds; a new target starts at the top', () => {
	let view: ViewState = {stack: [{screen: 'check', checkId: 'isolation.privileged', cursor: 0, scroll: 0, filter: 'all'}]};
	view = viewReducer(view, {type: 'scroll', delta: 8, max: 5});
	assert.equal((currentRoute(view) as {scroll: number}).scroll, 5);
	view = viewReducer(view, {type: 'move', delta: 1, count: 3});
	assert.equal((currentRoute(view) as {scroll: number}).scroll, 0);
});

test('dialogs open and close; opening one clears the flash line', () => {
	let view = viewReducer(initialViewState(), {type: 'flash', text: 'report written'});
	view = viewReducer(view, {type: 'open-dialog', dialog: {kind: 'help', context: 'connect'}});
	assert.deepEqual(view.dialog, {kind: 'help', context: 'connect'});
	assert.equal(view.flash, undefined);
	view = viewReducer(view, {type: 'close-dialog'});
	assert.equal(view.dialog, undefined);
});
