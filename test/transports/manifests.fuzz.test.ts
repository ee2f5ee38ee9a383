// Fuzzing the manifest reader: whatever bytes a file holds, reading it ends quickly with objects
// or with one expected error naming the file, never a crash or a hang; and through the real
// binary, bad input is exit 2 with one line and a next step. Fixed seeds, bounded runs.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {stringify} from 'yaml';
import {readManifests} from '../../src/transports/manifests.js';
import {UsageError} from '../../src/model/errors.js';
import {hasNoStack, runCli} from '../support/cli.js';

let dir: string;
let count = 0;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-manifest-fuzz-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));

const valid = stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', labels: {app: 'web'}}, spec: {template: {spec: {containers: [{name: 'app', image: 'nginx:1'}]}}}});

// YAML's own punctuation, whitespace and a few hostile characters, so most cases reach the parser's corners.
const yamlChars = fc.constantFrom(...'abc:- \n\t{}[],&*!|>\'"#%@`?\u0000\u001b\ufeff\u202e0123456789'.split(''));
const yamlish = fc.string({unit: yamlChars, maxLength: 400});
/** A valid manifest with a few random edits: the near-misses real typos make. */
const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(valid.length), fc.nat(3), yamlish.map((text) => text.slice(0, 8))), {minLength: 1, maxLength: 6})).map(([edits]) => {
	let text = valid;
	for (const [at, remove, insert] of edits) text = text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + remove);
	return text;
});
/** Anchors and aliases, repeated: small files that expand. */
const aliased = fc.tuple(fc.integer({min: 1, max: 12}), fc.integer({min: 1, max: 12})).map(([width, levels]) => {
	let text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a0: &a0 [${Array.from({length: width}, () => '"x"').join(',')}]\n`;
	for (let level = 1; level <= levels; level++) text += `  a${level}: &a${level} [${Array.from({length: width}, () => `*a${level - 1}`).join(',')}]\n`;
	return text;
});
const bytes = fc.uint8Array({maxLength: 300}).map((array) => Buffer.from(array));
const anyInput = fc.oneof(yamlish, mutated, aliased, bytes);

function writeCase(input: string | Buffer): string {
	const file = join(dir, `case-${count++}.yaml`);
	writeFileSync(file, input);
	return file;
}

test('the reader: objects or one expected error naming the file, never a crash or a hang', () => {
	fc.assert(
		fc.property(anyInput, (input) => {
			const file = writeCase(input);
			const started = performance.now();
			try {
				const {objects} = readManifests([file]);
				for (const object of objects) assert.equal(typeof object.metadata.name, 'string');
			} catch (error) {
				assert.ok(error instanceof UsageError, `not an expected error: ${(error as Error)?.stack ?? String(error)}`);
				assert.ok(error.message.startsWith(file), error.message);
				assert.ok(!error.message.includes('\n'), 'one line');
				assert.ok(error.nextStep, 'a next step');
			}
			assert.ok(performance.now() - started < 2000, 'no hang');
		}),
		{numRuns: 400, seed: 20261204},
	);
});

test('the binary: exit 0 or 1 with a report, or exit 2 with one line and a next step', async () => {
	const samples = fc.sample(anyInput, {numRuns: 10, seed: 4242});
	for (const input of samples) {
		const file = writeCase(input);
		const result = await runCli(['audit', '--manifests', file, '--format', 'json'], {timeoutMs: 20_000});
		assert.ok([0, 1, 2].includes(result.code), `exit ${result.code}: ${result.stderr}`);
		assert.ok(hasNoStack(result.stderr), result.stderr);
		if (result.code === 2) {
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.length, 2, result.stderr);
			assert.ok(lines[0]!.startsWith(`aks-harden: ${file}`), lines[0]);
			assert.match(lines[1]!, /^ {2}next: /);
			assert.equal(result.stdout, '');
		} else {
			JSON.parse(result.stdout);
		}
	}
});
