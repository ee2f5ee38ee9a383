// Manifest folders as a hostile checkout would have them, through the real binary: FIFOs,
// devices, symlinks in and out of the folder, loops; and files that hit the parser's limits.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {binPath, hasNoStack, runCli} from '../support/cli.js';
import type {Report} from '../../src/model/report.js';

let dir: string;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-manifest-folders-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));

const deployment = (name: string) => stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: 'shop'}, spec: {template: {spec: {containers: [{name: 'app', image: 'nginx:1'}]}}}});

function folder(name: string): string {
	const root = join(dir, name);
	mkdirSync(root, {recursive: true});
	return root;
}

async function audit(paths: readonly string[], timeoutMs = 20_000) {
	const started = Date.now();
	const result = await runCli(['audit', ...paths.flatMap((path) => ['--manifests', path]), '--checks', 'images.tag-pinned', '--format', 'json'], {timeoutMs});
	return {...result, seconds: (Date.now() - started) / 1000};
}

function expectLimit(result: {code: number; stdout: string; stderr: string}, file: string, limit: RegExp): void {
	assert.equal(result.code, 2, result.stderr);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 2, `one line and a next step:\n${result.stderr}`);
	assert.ok(lines[0]!.startsWith(`aks-harden: ${file}`), lines[0]);
	assert.match(lines[0]!, limit);
	assert.match(lines[1]!, /^ {2}next: /);
	assert.ok(hasNoStack(result.stderr), result.stderr);
	assert.equal(result.stdout, '');
}

test('a FIFO and a symlink to /dev/zero named *.yaml are reported and skipped; the run ends', async () => {
	const root = folder('special');
	writeFileSync(join(root, 'web.yaml'), deployment('web'));
	await execa('mkfifo', [join(root, 'pipe.yaml')]);
	symlinkSync('/dev/zero', join(root, 'zero.yaml'));
	const result = await audit([root]);
	assert.equal(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as Report;
	assert.deepEqual([...new Set(report.findings.map((finding) => 'name' in finding.target && finding.target.name))], ['web']);
	assert.match(result.stderr, new RegExp(`skipped ${join(root, 'pipe.yaml')}: a named pipe, not a regular file`));
	assert.match(result.stderr, new RegExp(`skipped ${join(root, 'zero.yaml')}: a symlink to /dev/zero, outside the --manifests paths`));
	process.stdout.write(`# FIFO + /dev/zero folder: exit ${result.code} after ${result.seconds.toFixed(1)} s\n`);
});

test('a device given as --manifests is refused: one line, exit 2', async () => {
	const result = await audit(['/dev/zero']);
	expectLimit(result, '/dev/zero', /a device, not a manifest file or folder/);
});

test('symlinked folders: inside the root followed once, outside or looping reported, never dropped', async () => {
	const root = folder('links');
	const outside = folder('elsewhere');
	writeFileSync(join(outside, 'outside.yaml'), deployment('outside'));
	mkdirSync(join(root, '.store', 'apps'), {recursive: true});
	writeFileSync(join(root, '.store', 'apps', 'api.yaml'), deployment('api'));
	writeFileSync(join(root, '.store', 'shared.yaml'), deployment('shared'));
	symlinkSync(join(root, '.store', 'apps'), join(root, 'apps'));
	symlinkSync(join(root, '.store', 'shared.yaml'), join(root, 'shared.yaml'));
	symlinkSync(outside, join(root, 'external'));
	symlinkSync(root, join(root, 'loop'));
	const result = await audit([root]);
	assert.equal(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as Report;
	const names = [...new Set(report.findings.map((finding) => ('name' in finding.target ? finding.target.name : '')))].sort();
	assert.deepEqual(names, ['api', 'shared']);
	assert.match(result.stderr, new RegExp(`skipped ${join(root, 'external')}: a symlink to ${outside}, outside the --manifests paths`));
	assert.match(result.stderr, new RegExp(`skipped ${join(root, 'loop')}: folder already read`));
	// Given as a root of its own, the outside folder is read.
	const both = await audit([root, outside]);
	const bothNames = new Set((JSON.parse(both.stdout) as Report).findings.map((finding) => ('name' in finding.target ? finding.target.name : '')));
	assert.ok(bothNames.has('outside'), both.stderr);
});

test('an alias bomb: file, line and the alias limit, exit 2', async () => {
	const root = folder('bomb');
	let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
	let previous = 'a';
	for (let level = 0; level < 9; level++) {
		const name = `l${level}`;
		text += `  ${name}: &${name} [${Array.from({length: 9}, () => `*${previous}`).join(',')}]\n`;
		previous = name;
	}
	const file = join(root, 'bomb.yaml');
	writeFileSync(file, text);
	const result = await audit([file]);
	expectLimit(result, `${file}:1: `, /aliases expand more than 100 times \(limit/);
});

test('a 50 MB manifest: the file size limit, exit 2', async () => {
	const file = join(folder('big'), 'big.yaml');
	const line = `    - ${'x'.repeat(94)}\n`;
	writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  list:\n${line.repeat(50 * 1024 * 1024 / line.length)}`);
	const result = await audit([file]);
	expectLimit(result, file, /over the 16 MB limit for one manifest file/);
});

test('nesting and node count beyond the limits: file, line and which limit, exit 2', async () => {
	const root = folder('shapes');
	const deep = join(root, 'deep.yaml');
	writeFileSync(deep, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(300)}${']'.repeat(300)}\n`);
	expectLimit(await audit([deep]), `${deep}:`, /nested deeper than 200 levels \(limit\)/);
	const deeper = join(root, 'deeper.yaml');
	writeFileSync(deeper, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deeper}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
	expectLimit(await audit([deeper]), `${deeper}:`, /nesting too deep for the YAML parser/);
	const wide = join(root, 'wide.yaml');
	writeFileSync(wide, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata: {list: [${'1,'.repeat(1_000_001)}1]}\n`);
	expectLimit(await audit([wide], 60_000), `${wide}:`, /more than 1000000 YAML nodes in one file \(limit\)/);
});

test('an unreadable folder, as a user who may not read it: one line, exit 2', async (t) => {
	if (process.getuid?.() !== 0) {
		if (process.env['CI'] === 'true') throw new Error('needs root to run the binary as nobody (setpriv); CI runs the suite as root');
		t.skip('needs root to run the binary as the user nobody (setpriv, util-linux); run the suite as root');
		return;
	}
	const root = folder('locked');
	chmodSync(dir, 0o755);
	chmodSync(root, 0o755);
	const locked = join(root, 'private');
	mkdirSync(locked, {mode: 0o700});
	writeFileSync(join(locked, 'web.yaml'), deployment('web'));
	const result = await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, binPath, 'audit', '--manifests', root, '--format', 'json'], {
		reject: false,
		timeout: 20_000,
		env: {NO_COLOR: '1', HOME: root, PATH: process.env['PATH'] ?? ''},
		stdin: 'ignore',
	});
	expectLimit({code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}, locked, /cannot read folder: permission denied/);
});
