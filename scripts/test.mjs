// `npm test`: the whole suite through Node's test runner, then one summary of what was skipped
// for a missing prerequisite (root, sshd, tmux, Chromium…) and how to install it. The runner's
// own report says each skip where it happens; this says it once, at the end, where it is read.
// Arguments, if any, replace the default test files.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const files = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'aks-harden-skips-'));
const log = join(dir, 'skips.jsonl');
const args = ['--import', 'tsx', '--import', './test/support/temp-root.ts', '--test', '--test-concurrency=1', ...(files.length ? files : ['test/**/*.test.ts', 'test/**/*.test.tsx'])];
const child = spawn(process.execPath, args, {stdio: 'inherit', env: {...process.env, AKS_HARDEN_TEST_SKIPS: log}});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

child.on('exit', (code, signal) => {
	summarise();
	rmSync(dir, {recursive: true, force: true});
	process.exit(code ?? (signal ? 128 + ({SIGINT: 2, SIGTERM: 15}[signal] ?? 1) : 1));
});

function summarise() {
	if (!existsSync(log)) return;
	const byReason = new Map();
	for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
		const {file, reason} = JSON.parse(line);
		byReason.set(reason, (byReason.get(reason) ?? new Set()).add(file));
	}
	const all = new Set([...byReason.values()].flatMap((tests) => [...tests]));
	const lines = [`\nSkipped for a missing prerequisite: tests in ${all.size} file${all.size === 1 ? '' : 's'} (the suite passes without them; \`sudo .ci/run\` installs everything and runs them all):`];
	for (const [reason, tests] of [...byReason].sort((a, b) => b[1].size - a[1].size)) lines.push(`  ${tests.size} file${tests.size === 1 ? '' : 's'}: ${reason}`);
	process.stdout.write(`${lines.join('\n')}\n`);
}
