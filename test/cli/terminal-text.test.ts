// Strings from manifests and nodes reach the terminal and the text formats escaped: Markdown,
// CSV, the diff text, audit and fix stderr. HTML keeps its own escaping (not tested here).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {stringify} from 'yaml';
import {runCli} from '../support/cli.js';

// An OSC that retitles the window, a bell, a screen clear, a C1 CSI, a bidi override, a CR.
const hostile = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\rX';
const raw = ['\u001b', '\u0007', '\u009b', '\u202e', '\r'];

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-terminal-text-'));
	env = {HOME: dir, KUBECONFIG: join(dir, 'none'), SSH_AUTH_SOCK: '', PATH: process.env['PATH'] ?? ''};
	const pod = (image: string) => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'}, spec: {template: {spec: {containers: [{name: `app${hostile}`, image}]}}}});
	writeFileSync(join(dir, 'hostile.yaml'), stringify(pod(`nginx${hostile}:latest`)));
	writeFileSync(join(dir, 'clean.yaml'), stringify(pod('nginx:1.27')));
});
after(() => rmSync(dir, {recursive: true, force: true}));

function assertEscaped(text: string, what: string): void {
	for (const character of raw) assert.ok(!text.includes(character), `${what}: ${JSON.stringify(character)} reached the output`);
}

const audit = (file: string, format: string, extra: readonly string[] = []) => runCli(['audit', '--manifests', join(dir, file), '--checks', 'images.tag-pinned', '--format', format, ...extra], {env, timeoutMs: 30_000});

test('Markdown: escape sequences in names and images are shown escaped', async () => {
	const result = await audit('hostile.yaml', 'markdown');
	assert.equal(result.code, 1, result.stderr);
	assertEscaped(result.stdout, 'markdown');
	// In a code span as is; a CR in a one-line field reads as a line-break mark.
	assert.match(result.stdout, /`Deployment\/shop\/web:app\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\\u202eevil ⏎ X /);
});

test('CSV: the same, rows still CRLF-separated', async () => {
	const result = await audit('hostile.yaml', 'csv');
	assert.equal(result.code, 1, result.stderr);
	const rows = result.stdout.split('\r\n');
	assertEscaped(rows.join(''), 'csv');
	assert.equal(rows.filter(Boolean).length, 2, 'a header and one row');
	assert.match(result.stdout, /app\\x1b\]0;pwned/);
});

test('diff text: findings from a hostile audit are shown escaped', async () => {
	const old = join(dir, 'old.json');
	const now = join(dir, 'new.json');
	assert.equal((await audit('clean.yaml', 'json', ['--output', old])).code, 0);
	assert.equal((await audit('hostile.yaml', 'json', ['--output', now])).code, 1);
	const result = await runCli(['diff', old, now], {env, timeoutMs: 30_000});
	assertEscaped(result.stdout, 'diff');
	assert.match(result.stdout, /app\\x1b\]0;pwned/);
});

test('a newline in a node name cannot forge stderr lines (audit and fix)', async () => {
	const key = join(dir, 'id_ed25519');
	writeFileSync(key, ssh2.utils.generateKeyPairSync('ed25519').private, {mode: 0o600});
	writeFileSync(join(dir, 'known_hosts'), '');
	// Port 1 on loopback: refused at once.
	writeFileSync(join(dir, 'inventory.yaml'), stringify({nodes: [{name: `evil\naks-harden: 0 fail, all nodes clean${hostile}`, address: '127.0.0.1', port: 1}]}));
	const ssh = ['--inventory', join(dir, 'inventory.yaml'), '--ssh-key', key, '--known-hosts', join(dir, 'known_hosts'), '--sections', 'host'];
	for (const args of [['audit', '--format', 'json', ...ssh], ['fix', '--plan', join(dir, 'plan.json'), ...ssh]]) {
		const result = await runCli(args, {env, timeoutMs: 30_000});
		assertEscaped(result.stderr, args[0]!);
		const lines = result.stderr.trim().split('\n');
		assert.ok(!lines.some((line) => line.startsWith('aks-harden: 0 fail')), `${args[0]} stderr has a forged line:\n${result.stderr}`);
		assert.ok(lines.some((line) => line.startsWith('aks-harden: node evil\\naks-harden: 0 fail, all nodes clean\\x1b]0;pwned')), result.stderr);
	}
});
