// One state folder, two real processes at once: the audit log gets every line of both, whole and
// never interleaved, and a walkthrough's session file belongs to one run (a second run on the same
// cluster saves beside it and says so; a lock left by a run that ended is taken over).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

function script(dir: string, name: string, text: string): string {
	const file = join(dir, name);
	writeFileSync(file, text);
	return file;
}

function run(file: string, args: string[]) {
	return spawn(process.execPath, ['--import', 'tsx', file, ...args], {stdio: ['pipe', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../../', import.meta.url))});
}

function finished(child: ReturnType<typeof run>): Promise<{code: number | null; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk) => (stdout += chunk));
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	return new Promise((resolve) => child.on('exit', (code) => resolve({code, stdout, stderr})));
}

test('two runs appending to one audit log at once: every line whole, none interleaved', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-log-race-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	// Entries the size of a real diff (tens of kilobytes), so one write(2) could be split.
	const writer = script(
		dir,
		'writer.ts',
		`import {AuditLog} from ${JSON.stringify(src('fix/audit-log.ts'))};
const [folder, tag, count] = process.argv.slice(2);
const log = AuditLog.at(folder!);
for (let i = 0; i < Number(count); i++) {
	log.append({id: tag + '-' + i, time: new Date().toISOString(), operator: 'test', target: 'node/x:/etc/f', checks: ['host.sshd-config'], fixes: [], playbooks: [], beforeDigest: 'absent', afterDigest: 'absent', diff: tag.repeat(30_000), result: 'applied'});
}
`,
	);
	const count = 150;
	const [a, b] = await Promise.all([finished(run(writer, [dir, 'A', String(count)])), finished(run(writer, [dir, 'B', String(count)]))]);
	assert.equal(a.code, 0, a.stderr);
	assert.equal(b.code, 0, b.stderr);
	const lines = readFileSync(join(dir, 'changes.jsonl'), 'utf8').split('\n').filter(Boolean);
	assert.equal(lines.length, 2 * count);
	const entries = lines.map((line) => JSON.parse(line) as {id: string; diff: string; run: string});
	for (const tag of ['A', 'B']) {
		const own = entries.filter((entry) => entry.id.startsWith(`${tag}-`));
		assert.deepEqual(own.map((entry) => entry.id), Array.from({length: count}, (_, i) => `${tag}-${i}`), `${tag}'s lines in order`);
		assert.ok(own.every((entry) => entry.diff === tag.repeat(30_000)), `${tag}'s lines whole`);
		assert.equal(new Set(own.map((entry) => entry.run)).size, 1, 'each entry names its run');
	}
	assert.notEqual(entries.find((entry) => entry.id.startsWith('A-'))!.run, entries.find((entry) => entry.id.startsWith('B-'))!.run);
});

test('a second walkthrough on the same cluster gets a session file of its own', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-session-race-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const session = join(dir, 'sessions', 'demo-0123.json');
	const claimer = script(
		dir,
		'claim.ts',
		`import {claimSessionFile} from ${JSON.stringify(src('state-folder.ts'))};
const claimed = claimSessionFile(process.argv[2]!);
process.stdout.write(JSON.stringify({file: claimed.file, note: claimed.note ?? null}) + '\\n');
// Holds the session until told to finish (stdin closes).
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`,
	);
	const first = run(claimer, [session]);
	const firstDone = finished(first);
	const firstLine = await new Promise<string>((resolve) => first.stdout!.once('data', (chunk) => resolve(String(chunk))));
	assert.deepEqual(JSON.parse(firstLine), {file: session, note: null});

	const second = run(claimer, [session]);
	const secondDone = finished(second);
	second.stdin!.end();
	const other = JSON.parse((await secondDone).stdout) as {file: string; note: string};
	assert.notEqual(other.file, session);
	assert.match(other.file, /demo-0123\.\d+\.json$/);
	assert.match(other.note, new RegExp(`another aks-harden run \\(pid ${first.pid}\\) has this cluster's session open`));

	first.stdin!.end();
	assert.equal((await firstDone).code, 0);
	// The first run let go of it: the next run has the usual file again.
	const third = spawnSync(process.execPath, ['--import', 'tsx', claimer, session], {input: '', encoding: 'utf8', cwd: fileURLToPath(new URL('../../', import.meta.url))});
	assert.deepEqual(JSON.parse(third.stdout), {file: session, note: null});

	// A lock left by a run that was killed is taken over.
	writeFileSync(`${session}.lock`, `999999999 ${(await import('node:os')).hostname()}\n`);
	const fourth = spawnSync(process.execPath, ['--import', 'tsx', claimer, session], {input: '', encoding: 'utf8', cwd: fileURLToPath(new URL('../../', import.meta.url))});
	assert.deepEqual(JSON.parse(fourth.stdout), {file: session, note: null});
});
