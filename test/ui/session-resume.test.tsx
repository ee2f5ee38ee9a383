// Resuming: an interrupted walkthrough comes back with its findings, attestations and waivers, from
// a real session file in a temp folder. Fake engine and synthetic findings (see fixtures.ts).
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough, type Harness, attestAndWaive} from './harness.js';

afterEach(cleanup);

/** The session is written in the background; poll the file (not the screen) until it says what we need. */
async function waitForSession(file: string, predicate: (session: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<Record<string, unknown>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (existsSync(file)) {
			const session = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
			if (predicate(session)) return session;
		}
		if (Date.now() > deadline) throw new Error(`the session file never got there: ${existsSync(file) ? readFileSync(file, 'utf8').slice(0, 500) : 'missing'}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Start an audit that stops mid-way (node probes never finish), attest a question and waive a finding. */
async function interruptedWalkthrough(): Promise<Harness> {
	const ui = await renderWalkthrough({isGated: true});
	await ui.press(keys.enter);
	await ui.waitForText('checking 8/9');
	await openSection(ui, 0, 'Secure images');
	await attestAndWaive(ui, 'Trivy runs in CI', 'base image pinned by digest upstream');
	await waitForSession(ui.deps.sessions.file, (session) => (session['attestations'] as unknown[]).length === 1 && (session['waivers'] as unknown[]).length === 1);
	// Interrupted: the process goes away without quitting (a closed terminal, a kill).
	ui.unmount();
	return ui;
}

test('an interrupted walkthrough resumes with --resume: attestation, waiver and findings kept; only unfinished checks run', async () => {
	const first = await interruptedWalkthrough();
	const session = JSON.parse(readFileSync(first.deps.sessions.file, 'utf8'));
	assert.equal(session.phase, 'running');
	assert.deepEqual(session.attestations[0], {check: 'images.scanning', target: '*', answer: 'yes', note: 'Trivy runs in CI', by: 'alice', at: '2026-05-01T10:00:00.000Z'});

	const ui = await renderWalkthrough({dir: first.dir, deps: {resume: true, now: () => new Date('2026-05-01T11:00:00.000Z')}});
	await ui.waitForText('resumed the session from 2026-05-01');
	assert.match(ui.text(), /paused 8\/9/);
	assert.match(ui.text(), /⏎ continue the audit \(8 checks already done\)/);
	await ui.press(keys.enter);
	await ui.waitForText('done 9/9');
	assert.deepEqual(ui.engine.calls.map((call) => call.checkIds), [['host.sshd-config']], 'only what had not finished runs again');
	await openSection(ui, 0, 'Secure images');
	assert.match(ui.text(), /⊘ Images are pinned to a tag/);
	assert.match(ui.text(), /✓ Images are scanned before deployment/);
	await ui.press('j');
	await ui.press(keys.enter);
	await ui.waitForText('Question (answer with a)');
	assert.match(ui.text(), /attested "yes" by alice at 2026-05-01 \d\d:00: Trivy runs in CI/);
	await ui.press('s');
	await ui.waitForText('Made earlier (a resumed session, or .aks-harden.yaml)');
});

test('without --resume the saved session is offered: y restores it', async () => {
	const first = await interruptedWalkthrough();
	const ui = await renderWalkthrough({dir: first.dir, deps: {now: () => new Date('2026-05-01T11:00:00.000Z')}});
	await ui.waitForText('resume the session from 2026-05-01');
	assert.match(ui.text(), /8 check\(s\) done, 1 attestation\(s\), 1 waiver\(s\)/);
	await ui.press('y');
	await ui.waitForText('resumed the session from');
	await ui.press('s');
	await ui.waitForText('Made earlier (a resumed session, or .aks-harden.yaml)');
	assert.match(ui.text(), /images\.scanning \(all targets\): attested yes by alice/);
});

test('without --resume, n starts afresh and the old session survives until something new is saved', async () => {
	const first = await interruptedWalkthrough();
	const before = readFileSync(first.deps.sessions.file, 'utf8');
	const ui = await renderWalkthrough({dir: first.dir, isGated: true});
	await ui.waitForText('Resume?');
	await ui.press('n');
	await ui.waitForNoText('Resume?');
	assert.equal(readFileSync(first.deps.sessions.file, 'utf8'), before, 'answering is not saving');
	assert.match(ui.text(), /not started/);
	await ui.press(keys.enter);
	await ui.waitForText('checking 8/9');
	await waitForSession(first.deps.sessions.file, (session) => (session['attestations'] as unknown[]).length === 0 && session['phase'] === 'running');
	assert.deepEqual(ui.engine.calls[0]!.checkIds, undefined, 'a fresh audit runs every check');
});

test('a session is not offered for another context', async () => {
	const first = await interruptedWalkthrough();
	const ui = await renderWalkthrough({dir: first.dir, deps: {connection: {context: 'prod', server: 'https://prod:6443', flavour: 'AKS hybrid', isDemo: false}}});
	assert.doesNotMatch(ui.text(), /Resume\?/);
	assert.match(ui.text(), /not started/);
});
