// Fuzzing the waiver matcher and the waiver file: the linear matcher agrees with a plain regex
// on small inputs, stays fast where a backtracking one explodes, and any waiver file either
// loads or is refused with one line naming the file. Fixed seeds, bounded runs.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {stringify} from 'yaml';
import {compileGlob, isCalendarDate} from '../../src/model/waiver-rules.js';
import {readSettingsFile} from '../../src/commands/settings.js';
import {UsageError} from '../../src/model/errors.js';
import {hasNoStack, runCli} from '../support/cli.js';

let dir: string;
let count = 0;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-waiver-fuzz-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));

/** The reference: a regex, fine on inputs this small. */
function reference(pattern: string, subject: string): boolean {
	const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
	return new RegExp(`^${source}$`, 'su').test(subject);
}

const small = (chars: string, maxLength: number) => fc.string({unit: fc.constantFrom(...chars.split('')), maxLength});

test('the matcher agrees with a regex on small patterns and subjects', () => {
	fc.assert(
		fc.property(small('ab*?/:.', 10), small('ab/:.', 12), (pattern, subject) => {
			assert.equal(compileGlob(pattern)(subject), reference(pattern, subject), `${pattern} vs ${subject}`);
		}),
		{numRuns: 3000, seed: 7},
	);
	// Characters outside the BMP count as one for `?`.
	assert.equal(compileGlob('a?b')('a😀b'), true);
});

test('the matcher never hangs: many stars against long subjects', () => {
	fc.assert(
		fc.property(fc.integer({min: 10, max: 60}), small('a*?b', 40), fc.integer({min: 50, max: 2000}), (stars, tail, length) => {
			const pattern = `${'*a'.repeat(stars)}${tail}*b`;
			const subject = 'a'.repeat(length);
			const started = performance.now();
			compileGlob(pattern)(subject);
			assert.ok(performance.now() - started < 250, `${stars} stars against ${length} characters`);
		}),
		{numRuns: 200, seed: 11},
	);
});

const text = fc.oneof(fc.string({maxLength: 20}), small(' \t\n-0123456789', 12), fc.constantFrom('2026-02-30', '2026-99-99', '2028-02-29', '2027-02-29', '0000-01-01', '2026-12-31'));
const waiver = fc.record({check: text, target: text, justification: text, approver: text, expires: text}, {requiredKeys: []});
const settingsInput = fc.oneof(fc.record({waivers: fc.array(waiver, {maxLength: 3})}).map((value) => stringify(value)), fc.string({maxLength: 200}));

function writeCase(input: string): string {
	const file = join(dir, `waivers-${count++}.yaml`);
	writeFileSync(file, input);
	return file;
}

test('any waiver file loads with real dates and signed waivers, or is refused with one line naming the file', () => {
	fc.assert(
		fc.property(settingsInput, (input) => {
			const file = writeCase(input);
			try {
				const settings = readSettingsFile(file);
				for (const loaded of settings.waivers) {
					assert.ok(isCalendarDate(loaded.expires), loaded.expires);
					assert.ok(loaded.justification.trim() && loaded.approver.trim());
				}
			} catch (error) {
				assert.ok(error instanceof UsageError, `not an expected error: ${(error as Error)?.stack ?? String(error)}`);
				assert.ok(error.message.startsWith(file), error.message);
				assert.ok(!error.message.includes('\n'));
			}
		}),
		{numRuns: 500, seed: 99},
	);
});

test('the binary: a bad waiver file is exit 2 with one line and a next step', async () => {
	const manifest = join(dir, 'web.yaml');
	writeFileSync(manifest, stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'}, spec: {template: {spec: {containers: [{name: 'app', image: 'nginx:latest'}]}}}}));
	for (const input of fc.sample(settingsInput, {numRuns: 8, seed: 5})) {
		const file = writeCase(input);
		const result = await runCli(['audit', '--manifests', manifest, '--waivers', file, '--format', 'json'], {timeoutMs: 20_000});
		assert.ok([0, 1, 2].includes(result.code), `exit ${result.code}: ${result.stderr}`);
		assert.ok(hasNoStack(result.stderr), result.stderr);
		if (result.code === 2) {
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.length, 2, result.stderr);
			assert.ok(lines[0]!.startsWith(`aks-harden: ${file}`), lines[0]);
		}
	}
});
