// The check screen: targets with evidence (object paths, commands), why it matters, remediation,
// the fix, and the decisions (attest, waive, note, re-run). Fake engine and synthetic findings.
import React from 'react';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import type {EngineListener} from '../../src/model/events.js';
import type {AuditOptions} from '../../src/ui/deps.js';
import {cleanup, keys} from '../support/render.js';
import {fakeEngine, finding, makeCatalog, sampleChecks, sampleFindings} from './fixtures.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

async function openPrivileged(options: Parameters<typeof renderWalkthrough>[0] = {}) {
	const ui = await renderWalkthrough(options);
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence · Deployment/shop/web:app');
	return ui;
}

test('shows the title, the targets worst first, and the selected target’s evidence', async () => {
	const ui = await openPrivileged();
	const screen = ui.text();
	assert.match(screen, /✗ Containers do not run in privileged mode/);
	assert.match(screen, /isolation\.privileged · high · Practice isolation · fix: isolation\.unprivileged/);
	assert.match(screen, /Targets: 3 · 1 needs attention/);
	const targets = ['› ✗ Deployment/shop/web:app', '  ✓ Deployment/shop/api:api', '  ≈ DaemonSet/kube-system/kube-proxy'];
	const at = targets.map((line) => screen.indexOf(line));
	assert.ok(at.every((index, i) => index > 0 && (i === 0 || index > at[i - 1]!)), 'fail, then pass, then accepted');
	assert.match(screen, /spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: true/);
	assert.match(screen, /- "privileged: true"/);
});

test('↓ selects the next target and its evidence; the accepted one says why', async () => {
	const ui = await openPrivileged();
	await ui.press('j');
	await ui.press('j');
	await ui.waitForText('Evidence · DaemonSet/kube-system/kube-proxy:kube-proxy');
	assert.match(ui.text(), /platform component kube-proxy: needs host networking/);
});

test('J and PgDn scroll the details to why it matters, the remediation and the fix; K scrolls back', async () => {
	const ui = await openPrivileged({rows: 18});
	assert.doesNotMatch(ui.text(), /References/);
	await ui.press('J');
	await ui.press(keys.pageDown);
	await ui.waitForText('cis-kubernetes 5.2.2');
	assert.match(ui.text(), /fix: isolation\.unprivileged \(press f for the steps\)/);
	assert.doesNotMatch(ui.text(), /Evidence ·/);
	await ui.press('K');
	await ui.press('K');
	await ui.waitForText('Evidence ·');
});

test('node evidence shows the command that was run', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 1, 'Harden host environment');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence · node/moc-lx-cp1');
	assert.match(ui.text(), /\$ sudo sshd -T/);
	assert.match(ui.text(), /sshd\.permitrootlogin: yes/);
});

test('f shows the playbook and the remediation for the failing finding', async () => {
	const ui = await openPrivileged();
	await ui.press('f');
	await ui.waitForText('Fix: Containers do not run in privileged mode');
	assert.match(ui.text(), /fix: isolation\.unprivileged/);
	assert.match(ui.text(), /How to fix: containers do not run in privileged mode\./);
	await ui.press(keys.enter);
	await ui.waitForText('Evidence ·');
});

test('f on a check without a playbook says there is no automated fix; f is not offered on a pass', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press('j');
	await ui.press(keys.enter);
	await ui.waitForText('Containers do not run as root');
	await ui.press('f');
	await ui.waitForText('no automated fix');
	await ui.press(keys.escape);
	await ui.waitForText('Targets:');
	await ui.press(keys.escape);
	await ui.waitForText('Practice isolation · 2/2');
	await ui.press(keys.escape);
	await openSection(ui, 2, 'Limit container resources', 4);
	await ui.press(keys.enter);
	await ui.waitForText('Evidence ·');
	assert.doesNotMatch(ui.text(), / f fix /, 'the footer leaves fix out');
	await ui.press('f');
	await ui.press('?');
	await ui.waitForText('Keys');
	assert.doesNotMatch(ui.text(), /Fix:/);
});

test('w waives the selected target with a reason and an expiry; bad dates are refused', async () => {
	const ui = await openPrivileged();
	await ui.press('w');
	await ui.waitForText('Waive: Containers do not run in privileged mode');
	assert.match(ui.text(), /Deployment\/shop\/web:app/);
	await ui.press(keys.enter);
	await ui.press(keys.enter);
	await ui.waitForText('say why this is acceptable');
	await ui.type('vendor image, fixed in 2.0');
	await ui.press(keys.tab);
	await ui.press('\u0015');
	await ui.type('2026-02-30');
	await ui.press(keys.enter);
	await ui.waitForText('that is not a calendar date');
	await ui.press('\u0015');
	await ui.type('2020-01-01');
	await ui.press(keys.enter);
	await ui.waitForText('the expiry must be after today');
	await ui.press('\u0015');
	await ui.type('2026-09-30');
	await ui.press(keys.enter);
	await ui.waitForText('waived isolation.privileged until 2026-09-30');
	assert.match(ui.text(), /› ⊘ Deployment\/shop\/web:app/);
	assert.match(ui.text(), /waived by alice until 2026-09-30: vendor image, fixed in 2\.0/);
	await ui.press('w');
	await ui.waitForText('Remove the waiver?');
	await ui.press('y');
	await ui.waitForText('› ✗ Deployment/shop/web:app');
});

test('a attests a manual check: answer, note, who and when', async () => {
	const ui = await renderWalkthrough();
	await startAndFinish(ui);
	await openSection(ui, 0, 'Secure images');
	await ui.press('j');
	await ui.press(keys.enter);
	await ui.waitForText('Question (answer with a)');
	assert.match(ui.text(), /› \? cluster/);
	await ui.press('a');
	await ui.waitForText('Attest: Images are scanned before deployment');
	assert.match(ui.text(), /Does your CI pipeline scan every image/);
	await ui.press('n');
	await ui.waitForText('answer: no');
	await ui.type('only on release branches');
	await ui.press(keys.enter);
	await ui.waitForText('attested images.scanning: no');
	assert.match(ui.text(), /› ✗ cluster/);
	assert.match(ui.text(), /attested "no" by alice at 2026-05-01 \d\d:00: only on release branches/);
	await ui.press('a');
	await ui.waitForText('Attest:');
	await ui.press('x');
	await ui.press(keys.enter);
	await ui.waitForText('attested images.scanning: n/a');
	assert.match(ui.text(), /› ~ cluster/);
});

test('r re-runs the selected check alone and merges its new findings', async () => {
	const catalog = makeCatalog(sampleChecks);
	const engine = fakeEngine({catalog});
	const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;
	let isFixed = false;
	const calls: AuditOptions[] = [];
	const startAudit = async (onEvent: EngineListener, options: AuditOptions) => {
		calls.push(options);
		if (!isFixed) return engine.startAudit(onEvent, options);
		const fixed = finding(privileged, 'pass', {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}, {message: 'container app is not privileged'});
		return fakeEngine({catalog, findings: new Map([['isolation.privileged', [fixed]]])}).startAudit(onEvent, options);
	};
	const ui = await openPrivileged({deps: {catalog, startAudit}});
	isFixed = true;
	await ui.press('r');
	await ui.waitForText('› ✓ Deployment/shop/web:app');
	assert.deepEqual(calls.at(-1)!.checkIds, ['isolation.privileged']);
	assert.match(ui.text(), /Targets: 1 · 0 need attention/);
	await ui.press(keys.escape);
	await ui.waitForText('Practice isolation · 2/2 checked');
	assert.match(ui.text(), /✓ Containers do not run in privileged mode/);
	assert.match(ui.text(), /✗ Containers do not run as root/, 'the other check is untouched');
	assert.equal(sampleFindings().get('isolation.run-as-root')!.length, 2);
});

test('n keeps a note on the check, shown in its details', async () => {
	const ui = await openPrivileged();
	await ui.press('n');
	await ui.waitForText('Note: Containers do not run in privileged mode');
	await ui.type('ask the vendor about 2.0');
	await ui.press(keys.enter);
	await ui.waitForNoText('Note:');
	await ui.press(keys.pageDown);
	await ui.press(keys.pageDown);
	await ui.press(keys.pageDown);
	await ui.waitForText('ask the vendor about 2.0');
	assert.match(ui.text(), /Your note/);
});

test('a paste that ends in Enter (one chunk from the terminal) is saved, in the note and in both waive fields', async () => {
	const ui = await openPrivileged();
	await ui.press('n');
	await ui.waitForText('Note: Containers do not run in privileged mode');
	await ui.press('pasted note\r');
	await ui.waitForNoText('Note:');
	await ui.press('w');
	await ui.waitForText('Waive:');
	await ui.press('vendor image, fixed in 2.0\r');
	await ui.waitForText('› expires');
	await ui.press('\u0015'); // Ctrl+U empties the date field
	await ui.press('2099-01-31\r');
	await ui.waitForText('waived isolation.privileged');
	await ui.press(keys.pageDown);
	await ui.press(keys.pageDown);
	await ui.press(keys.pageDown);
	await ui.waitForText('pasted note');
});
