// Waivers through the real binary: an expiry that is no calendar day, a blank justification or
// approver is refused with file:line and exit 2; a pattern full of `*` is matched at once.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {hasNoStack, runCli} from '../support/cli.js';
import type {Report} from '../../src/model/report.js';

let dir: string;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-waivers-'));
	// A namespace and name of many `a`s: the subjects a backtracking matcher chokes on.
	const many = 'a'.repeat(40);
	writeFileSync(
		join(dir, 'web.yaml'),
		stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: many, namespace: many}, spec: {template: {spec: {containers: [{name: 'app', image: 'nginx:latest', securityContext: {privileged: true}}]}}}}),
	);
});
after(() => rmSync(dir, {recursive: true, force: true}));

const waiver = {check: 'isolation.privileged', target: '*', justification: 'vendor agent', approver: 'jane@contoso.com', expires: '2099-01-31'};

function settings(name: string, override: Record<string, unknown>): string {
	const file = join(dir, name);
	writeFileSync(file, stringify({waivers: [waiver, {...waiver, ...override}]}));
	return file;
}

async function audit(settingsFile: string) {
	return runCli(['audit', '--manifests', join(dir, 'web.yaml'), '--checks', 'isolation.privileged', '--format', 'json', '--waivers', settingsFile], {timeoutMs: 30_000});
}

for (const [label, override, field, why] of [
	['month 99', {expires: '2026-99-99'}, 'expires', /not a calendar date/],
	['30 February', {expires: '2026-02-30'}, 'expires', /not a calendar date/],
	['a blank justification', {justification: '   '}, 'justification', /must not be blank/],
	['a blank approver', {approver: '\t '}, 'approver', /must not be blank/],
] as const) {
	test(`a waiver with ${label} is refused with file:line, exit 2`, async () => {
		const file = settings(`${field}-${label.replace(/\W/g, '')}.yaml`, override);
		const result = await audit(file);
		assert.equal(result.code, 2, result.stderr);
		// The second waiver starts on line 7 of the file; the field is named.
		assert.match(result.stderr, new RegExp(`^aks-harden: ${file.replace(/[/.]/g, '\\$&')}:\\d+: waivers\\.1\\.${field}: `, 'm'));
		assert.match(result.stderr, why);
		assert.match(result.stderr, /^  next: fix the settings file; see README "Waivers"$/m);
		assert.ok(hasNoStack(result.stderr), result.stderr);
		assert.equal(result.stdout, '');
	});
}

test('a target pattern with 20 `*` is matched at once (no backtracking)', async () => {
	const pattern = `${'*a'.repeat(20)}*b`;
	const file = join(dir, 'stars.yaml');
	writeFileSync(file, stringify({waivers: [{...waiver, target: pattern}]}));
	const started = Date.now();
	const result = await audit(file);
	const seconds = (Date.now() - started) / 1000;
	assert.equal(result.code, 1, result.stderr);
	const report = JSON.parse(result.stdout) as Report;
	// The pattern needs a final `b`, which no subject has: the failure stays a failure.
	assert.equal(report.findings.find((finding) => finding.checkId === 'isolation.privileged')?.status, 'fail');
	assert.equal(report.waivers?.unused.length, 1);
	// No speed target here (that is the bench's job): a backtracking matcher takes minutes, so
	// runCli's 30 s bound above is what fails it.
	process.stdout.write(`# 20-star waiver pattern: audit finished in ${seconds.toFixed(1)} s\n`);
});
