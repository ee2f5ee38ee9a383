// Where the audit log goes, and what happens when it cannot be written. A `--log` that is a
// named pipe, a device or a folder is refused before anything changes; a log on a full disk
// (a real tmpfs, full, in a private mount namespace) costs the record, never the change, and
// the run says which changes are not recorded where, and exits 2. Real binary, demo cluster.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {missing} from '../support/prerequisites.js';
import {binPath, hasNoStack, runCli} from '../support/cli.js';

let dir: string;
before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'akh-log-targets-'));
	await execa('mkfifo', [join(dir, 'pipe')]);
});
after(() => rmSync(dir, {recursive: true, force: true}));

/** A fresh demo and state folder per case, and a plan that drops privileged from shop/web. */
async function planned(name: string) {
	const state = join(dir, name);
	mkdirSync(state);
	const env = {HOME: state, AKS_HARDEN_STATE_DIR: join(state, 'aks-harden')};
	const plan = join(state, 'plan.json');
	const made = await runCli(['fix', '--demo', '--plan', plan, '--checks', 'isolation.privileged'], {env});
	assert.equal(made.code, 0, made.stderr);
	const log = join(state, 'aks-harden', 'changes.jsonl');
	return {env, plan, log, state};
}

for (const [label, target] of [
	['a named pipe', () => join(dir, 'pipe')],
	['a device', () => '/dev/full'],
	['a folder', () => dir],
] as const) {
	test(`--log that is ${label}: refused before anything changes, exit 2`, async () => {
		const {env, plan, log} = await planned(label.replace(/\W/g, ''));
		const applied = await runCli(['fix', '--demo', '--apply', plan, '--log', target()], {env, timeoutMs: 30_000});
		assert.equal(applied.code, 2, applied.stdout + applied.stderr);
		assert.match(applied.stderr, new RegExp(`^aks-harden: cannot write the audit log ${target().replace(/[/.]/g, '\\$&')}: `, 'm'));
		assert.match(applied.stderr, /nothing was changed/);
		assert.ok(hasNoStack(applied.stderr), applied.stderr);
		assert.doesNotMatch(applied.stdout, /applied:/);
		assert.ok(!existsSync(log) || readFileSync(log, 'utf8') === '', 'nothing recorded, since nothing was applied');
	});
}

const diskSkip = missing('root');

test('a --log on a full disk: the change is made and recorded in the state folder; the run names the missing record, exit 2', {skip: diskSkip}, async () => {
	const {env, plan, log, state} = await planned('full-disk');
	const mountPoint = join(state, 'full');
	mkdirSync(mountPoint);
	const extra = join(mountPoint, 'changes.jsonl');
	// A 16 KB tmpfs filled to the last block, mounted only for this process tree.
	const script = `mount -t tmpfs -o size=16k tmpfs "$1" && (cat /dev/zero > "$1/fill" 2>/dev/null; true) && exec "$2" "$3" fix --demo --apply "$4" --log "$5"`;
	const run = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', mountPoint, process.execPath, binPath, plan, extra], {reject: false, env: {...env, NO_COLOR: '1'}, timeout: 60_000});
	assert.equal(run.exitCode, 2, run.stdout + run.stderr);
	assert.match(run.stdout, /applied: applied to Deployment\/shop\/web/);
	assert.match(run.stdout + run.stderr, /record: NOT recorded in .*full\/changes\.jsonl: no space left on the device/);
	const entries = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as {id: string; result: string});
	assert.equal(entries.length, 1);
	assert.equal(entries[0]!.result, 'applied');
	assert.match(run.stderr, new RegExp(`^aks-harden: the audit log could not be written: ${extra.replace(/[/.]/g, '\\$&')} \\(no space left on the device\\); not recorded there: ${entries[0]!.id}\\.`, 'm'));
	assert.ok(hasNoStack(run.stderr), run.stderr);
});
