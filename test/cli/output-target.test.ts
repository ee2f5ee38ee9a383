// `--output FILE` through the real binary: the replaced file keeps its mode and owner, targets
// that are not regular files are refused with one line (a device node is never replaced), and a
// signal in the middle of the write leaves no temp file and no half-written report.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, chownSync, existsSync, mkdirSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {fixtureReport} from '../report/fixture.js';
import {binPath, hasNoStack, runCli} from '../support/cli.js';
import {missing} from '../support/prerequisites.js';

const isRoot = process.getuid?.() === 0;
let dir: string;
let audit: string;

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-output-'));
	audit = join(dir, 'audit.json');
	writeFileSync(audit, JSON.stringify(fixtureReport()));
});
after(() => rmSync(dir, {recursive: true, force: true}));

/** Names in the folder other than the ones the test made: temp files left behind. */
function leftovers(folder: string, expected: readonly string[]): string[] {
	return readdirSync(folder).filter((name) => !expected.includes(name));
}

describe('--output', () => {
	test('a 0600 file stays 0600 (and keeps its owner) when replaced', async () => {
		const target = join(dir, 'private.md');
		writeFileSync(target, 'old\n');
		chmodSync(target, 0o600);
		if (isRoot) chownSync(target, 65534, 65534);
		const result = await runCli(['report', audit, '--format', 'markdown', '--output', target]);
		assert.equal(result.code, 0, result.stderr);
		assert.match(readFileSync(target, 'utf8'), /^# /m, 'the report was written');
		assert.equal(statSync(target).mode & 0o777, 0o600);
		if (isRoot) assert.equal(statSync(target).uid, 65534, 'the owner is kept');
		assert.deepEqual(leftovers(dir, ['audit.json', 'private.md']), []);
	});

	const refusals: ReadonlyArray<{name: string; make: (path: string) => Promise<void> | void; kind: RegExp; skip?: string | false}> = [
		{name: 'a symbolic link (to a regular file)', make: (path) => {
			writeFileSync(`${path}.real`, 'kept\n');
			symlinkSync(`${path}.real`, path);
		}, kind: /a symbolic link/},
		{name: 'a named pipe', make: async (path) => void (await execa('mkfifo', [path])), kind: /a named pipe/},
		{name: 'a folder', make: (path) => void mkdirSync(path), kind: /a folder/},
		// A copy of /dev/full (char 1,7): what the old write replaced with a regular file.
		{name: 'a device like /dev/full', make: async (path) => void (await execa('mknod', [path, 'c', '1', '7'])), kind: /a device/, skip: !isRoot && 'making a device node needs root (run the test as root)'},
	];
	for (const {name, make, kind, skip} of refusals) {
		test(`${name} is refused with one line, exit 2, and left as it was`, {skip: skip || false}, async () => {
			const folder = mkdtempSync(join(dir, 'target-'));
			const target = join(folder, 'out');
			await make(target);
			const before = lstatSync(target);
			const existing = readdirSync(folder);
			for (const args of [['report', audit, '--format', 'json', '--output', target], ['diff', audit, audit, '--output', target]]) {
				const result = await runCli(args, {timeoutMs: 20_000});
				assert.equal(result.code, 2, result.stdout + result.stderr);
				assert.match(result.stderr, new RegExp(`cannot write ${target.replaceAll('/', '\\/')}: it is ${kind.source}`));
				assert.ok(hasNoStack(result.stderr), result.stderr);
				assert.equal(result.stderr.trim().split('\n').length <= 2, true, result.stderr);
				const now = lstatSync(target);
				assert.equal(now.mode, before.mode, 'the same kind of file, same mode');
				assert.equal(now.ino, before.ino, 'the same inode: not replaced');
				assert.equal(now.rdev, before.rdev);
				assert.deepEqual(leftovers(folder, existing), []);
			}
			if (existsSync(`${target}.real`)) assert.equal(readFileSync(`${target}.real`, 'utf8'), 'kept\n', 'the file the link points to is untouched');
		});
	}

	test('a signal in the middle of the write leaves no temp file and no partial report', async () => {
		// A report big enough that writing it takes a while: the process is stopped while the temp
		// file exists (so the write is under way), sent SIGINT, and let go.
		const big = join(dir, 'big.json');
		const report = fixtureReport();
		writeFileSync(big, JSON.stringify({...report, findings: [{...report.findings[0]!, evidence: {blob: 'x'.repeat(48 * 1024 * 1024)}}]}));
		let caught = 0;
		for (let attempt = 0; attempt < 6 && caught < 2; attempt++) {
			const folder = mkdtempSync(join(dir, 'sigint-'));
			const target = join(folder, 'report.json');
			writeFileSync(target, 'old\n');
			const child = execa(process.execPath, [binPath, 'report', big, '--format', 'json', '--output', target], {reject: false, env: {NO_COLOR: '1'}, stdin: 'ignore'});
			let sawTemp = false;
			const watcher = watch(folder, (_event, name) => {
				if (sawTemp || !name || name === 'report.json') return;
				if (!existsSync(join(folder, name))) return;
				sawTemp = true;
				process.kill(child.pid!, 'SIGSTOP');
				process.kill(child.pid!, 'SIGINT');
				process.kill(child.pid!, 'SIGCONT');
			});
			await child;
			watcher.close();
			if (!sawTemp) continue;
			caught++;
			assert.deepEqual(leftovers(folder, ['report.json']), [], 'no temp file left behind');
			const text = readFileSync(target, 'utf8');
			assert.ok(text === 'old\n' || (JSON.parse(text) as {findings: unknown[]}).findings.length === 1, 'the old file or the whole new one, never part of it');
		}
		assert.ok(caught > 0, 'the signal never landed during the write');
		rmSync(big);
	});

	test('a full disk: one line that says so and what to do, the old file kept, no temp file', {skip: missing('root')}, async () => {
		const folder = mkdtempSync(join(dir, 'full-'));
		// A 16 KB tmpfs holding the old report and filled to the last block, in a private mount namespace.
		const script = `mount -t tmpfs -o size=16k tmpfs "$1" && printf 'old\\n' > "$1/report.md" && (cat /dev/zero > "$1/fill" 2>/dev/null; true) && "$2" "$3" report "$4" --format markdown --output "$1/report.md"; code=$?; ls -A "$1"; cat "$1/report.md"; exit $code`;
		const run = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', folder, process.execPath, binPath, audit], {reject: false, env: {NO_COLOR: '1'}, timeout: 60_000});
		assert.equal(run.exitCode, 2, run.stdout + run.stderr);
		assert.match(run.stderr, /^aks-harden: cannot write .*report\.md: no space left on the device$/m);
		assert.match(run.stderr, /^ {2}next: free some space there, or pass --output a path on another disk; nothing was written$/m);
		assert.ok(hasNoStack(run.stderr), run.stderr);
		assert.deepEqual(run.stdout.trim().split('\n'), ['fill', 'report.md', 'old'], 'only the two files, and the old report whole');
	});
});
