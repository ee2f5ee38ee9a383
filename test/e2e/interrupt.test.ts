// Ctrl-C at a question of a headless command, in a real terminal (tmux): the terminal hands the
// key to the prompt, not as a signal; the command still says what was interrupted, writes
// nothing and exits 130.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {missing} from '../support/prerequisites.js';
import {runCli} from '../support/cli.js';
import {TmuxSession} from '../support/tmux.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'aks-harden.js');
const skip = missing('tmux') || (!existsSync(join(root, 'build', 'cli.js')) ? 'not built: `npm test` builds first (or run `npm run build`)' : false);

test('Ctrl-C at the undo question: one line, nothing undone, exit 130', {skip}, async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-interrupt-'));
	const env = {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), NO_COLOR: '1'};
	const plan = join(dir, 'plan.json');
	assert.equal((await runCli(['fix', '--demo', '--plan', plan, '--checks', 'host.sshd-config'], {env})).code, 0);
	const applied = await runCli(['fix', '--demo', '--apply', plan], {env});
	const id = /recorded as (chg-[0-9a-f]+)/.exec(applied.stdout)?.[1];
	assert.ok(id, applied.stdout + applied.stderr);

	const terminal = await TmuxSession.start({command: [process.execPath, bin, 'undo', id], cwd: dir, env, columns: 150});
	t.after(async () => {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	});
	await terminal.waitForText('Undo it? [y/N]', {timeoutMs: 30_000});
	await terminal.send('C-c');
	assert.equal(await terminal.waitForExit(), 130);
	const screen = await terminal.capture();
	assert.match(screen, /^aks-harden: undo interrupted: nothing was written$/m);
	assert.doesNotMatch(screen, /internal error|AbortError|\n\s+at /);
	const log = readFileSync(join(dir, 'state', 'changes.jsonl'), 'utf8').trim().split('\n');
	assert.equal(log.length, 1, 'nothing recorded: the change was not undone');
});
