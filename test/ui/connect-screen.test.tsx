// The connect screen: where the audit points, the nodes with their SSH state as it changes, leaving
// nodes out, and the SSH layer's questions (host key, passphrase). Synthetic inputs and a fake
// engine (see fixtures.ts): the real engine and SSH layer are tested elsewhere.
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import type {HostKeyDecision, PromptHandlers} from '../../src/ui/deps.js';
import {cleanup, keys} from '../support/render.js';
import {renderWalkthrough} from './harness.js';

afterEach(cleanup);

test('shows the context, API server, flavour, the note, and every node with address, OS and role', async () => {
	const ui = await renderWalkthrough();
	const screen = ui.text();
	assert.match(screen, /context\s+aks-test/);
	assert.match(screen, /API server\s+https:\/\/127\.0\.0\.1:6443/);
	assert.match(screen, /flavour\s+AKS hybrid/);
	assert.match(screen, /no cluster reachable: showing the demo environment/);
	assert.match(screen, /moc-lx-cp1\s+10\.0\.0\.4\s+linux\s+control-plane\s+waiting/);
	assert.match(screen, /moc-win-w2\s+10\.0\.0\.6\s+windows\s+worker\s+waiting/);
	assert.match(screen, /space leave node out/, 'the footer offers leaving nodes out');
	const lines = screen.split('\n');
	const header = lines.find((line) => line.startsWith('Nodes (3)'))!;
	const row = lines.find((line) => line.includes('moc-lx-cp1'))!;
	for (const [title, value] of [['address', '10.0.0.4'], ['OS', 'linux'], ['role', 'control-plane']] as const) {
		assert.equal(header.indexOf(` ${title}`) + 1, row.indexOf(` ${value}`) + 1, `the ${title} title stands over its column`);
	}
});

test('space leaves the selected node out; the audit is started without it', async () => {
	const ui = await renderWalkthrough();
	await ui.press('j');
	await ui.press('j');
	await ui.waitForText('› [x] · moc-win-w2');
	await ui.press(keys.space);
	await ui.waitForText('› [ ] ⊘ moc-win-w2');
	assert.match(ui.text(), /moc-win-w2.*left out/);
	await ui.press(keys.enter);
	await ui.waitForText('done 9/9');
	assert.deepEqual(ui.engine.calls[0]!.excludeNodes, ['moc-win-w2']);
	assert.match(ui.text(), /nodes 2\/2/, 'progress counts only the nodes that are in');
});

test('node states change live while probes run, and the walkthrough stays usable meanwhile', async () => {
	const ui = await renderWalkthrough({isGated: true});
	await ui.press(keys.enter);
	await ui.waitForText('checking 8/9');
	await ui.press(keys.escape);
	await ui.waitForText('Nodes (3)');
	assert.match(ui.text(), /moc-lx-cp1.*connecting…/);
	assert.match(ui.text(), /⏎ go to the sections/);
	ui.engine.release();
	await ui.waitForText(/moc-lx-cp1.*done/);
	assert.match(ui.text(), /moc-win-w2.*failed: no Win/);
	await ui.press('j');
	await ui.press('j');
	await ui.waitForText('moc-win-w2: failed: no Windows probes', {timeoutMs: 1000});
	assert.match(ui.text(), /done 9\/9/);
});

test('an unknown host key is shown with its fingerprint; the answer goes back to the SSH layer', async () => {
	let handlers: PromptHandlers | undefined;
	const ui = await renderWalkthrough({deps: {registerPrompts: (h) => ((handlers = h), () => (handlers = undefined))}});
	assert.ok(handlers, 'the walkthrough registered its prompts');
	const answer = handlers.onHostKey({node: 'moc-lx-w1', host: '10.0.0.5', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc123DEF456ghi789'});
	await ui.waitForText('Unknown host key: moc-lx-w1');
	assert.match(ui.text(), /SHA256:abc123DEF456ghi789/);
	assert.match(ui.text(), /accept once/);
	assert.match(ui.text(), /accept and remember/);
	assert.match(ui.text(), /refuse/);
	await ui.press('a');
	assert.equal(await answer, 'accept-and-remember' satisfies HostKeyDecision);
	await ui.waitForNoText('Unknown host key');
	const refused = handlers.onHostKey({node: 'moc-lx-cp1', host: '10.0.0.4', port: 2222, keyType: 'ssh-rsa', fingerprint: 'SHA256:zzz'});
	await ui.waitForText('10.0.0.4:2222');
	await ui.press(keys.escape);
	assert.equal(await refused, 'refuse', 'Esc refuses');
});

test('the passphrase of an encrypted key is asked for, masked; Esc skips the key', async () => {
	let handlers: PromptHandlers | undefined;
	const ui = await renderWalkthrough({deps: {registerPrompts: (h) => ((handlers = h), () => undefined)}});
	const answer = handlers!.passphrase({keyPath: '/home/alice/.ssh/id_ed25519', node: 'moc-lx-w1'});
	await ui.waitForText('Key passphrase');
	await ui.type('s3cret');
	await ui.waitForText('••••••');
	assert.doesNotMatch(ui.text(), /s3cret/, 'the passphrase never appears on screen');
	await ui.press(keys.enter);
	assert.equal(await answer, 's3cret');
	const skipped = handlers!.passphrase({keyPath: '/home/alice/.ssh/id_rsa', attempt: 2});
	await ui.waitForText('did not open the key');
	await ui.press(keys.escape);
	assert.equal(await skipped, null);
});

test('questions from several nodes queue and come one at a time', async () => {
	let handlers: PromptHandlers | undefined;
	const ui = await renderWalkthrough({deps: {registerPrompts: (h) => ((handlers = h), () => undefined)}});
	const first = handlers!.onHostKey({node: 'n1', host: 'h1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:one'});
	const second = handlers!.onHostKey({node: 'n2', host: 'h2', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:two'});
	await ui.waitForText('SHA256:one');
	assert.match(ui.text(), /1 more question\(s\) waiting/);
	await ui.press('o');
	assert.equal(await first, 'accept-once');
	await ui.waitForText('SHA256:two');
	await ui.press('r');
	assert.equal(await second, 'refuse');
});

test('questions still open when the walkthrough closes are refused, not left hanging', async () => {
	let handlers: PromptHandlers | undefined;
	const ui = await renderWalkthrough({deps: {registerPrompts: (h) => ((handlers = h), () => undefined)}});
	const pending = handlers!.onHostKey({node: 'n1', host: 'h1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:one'});
	await ui.waitForText('SHA256:one');
	ui.unmount();
	assert.equal(await pending, 'refuse');
});
