// Renders the whole walkthrough (the same element runWalkthrough renders) in ink-testing-library
// with the fake engine from fixtures.ts and a session file in a fresh temp folder.
import React from 'react';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {WalkthroughDeps} from '../../src/ui/deps.js';
import {prepareWalkthrough, Walkthrough} from '../../src/ui/run-walkthrough.js';
import {render, type Rendered} from '../support/render.js';
import {fakeDeps, fakeEngine, makeCatalog, sampleChecks, type Exported, type FakeEngine} from './fixtures.js';

export type Harness = Rendered & {
	readonly deps: WalkthroughDeps;
	readonly engine: FakeEngine;
	readonly exported: Exported[];
	readonly dir: string;
	readonly exitCodes: number[];
};

type Options = {
	readonly deps?: Partial<WalkthroughDeps>;
	readonly isGated?: boolean;
	readonly columns?: number;
	readonly rows?: number;
	readonly isColor?: boolean;
	readonly dir?: string;
};

export async function renderWalkthrough({deps: overrides = {}, isGated = false, columns = 80, rows = 24, isColor = false, dir}: Options = {}): Promise<Harness> {
	const folder = dir ?? mkdtempSync(join(tmpdir(), 'aks-harden-ui-'));
	const catalog = overrides.catalog ?? makeCatalog(sampleChecks);
	const engine = fakeEngine({catalog, isGated});
	const exported: Exported[] = [];
	const deps = fakeDeps({sessionFile: join(folder, 'session.json'), catalog, startAudit: engine.startAudit, exported, ...overrides});
	const props = await prepareWalkthrough(deps, {});
	const exitCodes: number[] = [];
	const rendered = render(<Walkthrough {...props} isColor={isColor} onExit={(code) => exitCodes.push(code)} />, {columns, rows});
	// The first frame is drawn before the test terminal's size is set; wait for the one at that size.
	await rendered.waitFor((frame) => frame.startsWith('aks-harden') && frame.split('\n').length === rows && frame.split('\n').every((line) => [...line].length <= columns), {
		what: `the first frame at ${columns}×${rows}`,
	});
	return {...rendered, deps, engine, exported, dir: folder, exitCodes};
}

/** Start the audit from the connect screen and wait until the sections screen shows it finished. */
export async function startAndFinish(harness: Harness, total = sampleChecks.length): Promise<void> {
	await harness.press('\r');
	await harness.waitForText(`done ${total}/${total}`);
}

/** From the sections screen with the cursor on `from`: move to the section at `index` (article order) and open it. */
export async function openSection(harness: Harness, index: number, title: string, from = 0): Promise<void> {
	for (let i = from; i < index; i++) await harness.press('j');
	for (let i = from; i > index; i--) await harness.press('k');
	await harness.waitForText(new RegExp(`› \\S \\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
	await harness.press('\r');
	await harness.waitForText(new RegExp(`${title} · \\d+/\\d+ checked`));
}

/**
 * In the open "Secure images" section: attest images.scanning "yes" with `note`, then waive
 * images.tag-pinned with `reason` (the default expiry), each confirmed by its flash line.
 */
export async function attestAndWaive(harness: Harness, note: string, reason: string): Promise<void> {
	await harness.press('j');
	await harness.press('a');
	await harness.waitForText('Attest:');
	await harness.press('y');
	await harness.waitForText('answer: yes');
	await harness.type(note);
	await harness.press('\r');
	await harness.waitForText('attested images.scanning: yes');
	await harness.press('k');
	await harness.press('w');
	await harness.waitForText('Waive:');
	await harness.type(reason);
	await harness.press('\r');
	await harness.press('\r');
	await harness.waitForText('waived images.tag-pinned');
}
