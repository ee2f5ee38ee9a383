// Headless progress: in a real terminal (tmux) the audit draws a live line on stderr with the
// checks and nodes done, redrawn in place and wiped before the summary; through a pipe it prints
// the one-line summary only.
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

test('on a terminal: a live line of checks and nodes done, then the summary', {skip}, async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-progress-'));
	const raw = join(dir, 'terminal.raw');
	// The audit starts once the pane's output is being recorded.
	const terminal = await TmuxSession.start({
		command: ['sh', '-c', 'while [ ! -e "$0.ready" ]; do sleep 0.05; done; exec "$@"', raw, process.execPath, bin, 'audit', '--demo', '--output', join(dir, 'report.json')],
		cwd: dir,
		env: {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), NO_COLOR: '1', CI: ''},
		columns: 120,
	});
	t.after(async () => {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	});
	await terminal.tmux('pipe-pane', '-t', terminal.target, '-o', `cat >> '${raw}'`);
	await terminal.tmux('run-shell', `touch '${raw}.ready'`);
	assert.equal(await terminal.waitForExit({timeoutMs: 60_000}), 1, 'the demo has failing findings');
	const bytes = readFileSync(raw, 'utf8');
	// The live line is wiped (carriage return, erase line) before the summary takes its place.
	assert.match(bytes, /…\r\x1b\[2Kaks-harden: \d+ fail, \d+ warn, \d+ error, \d+ pass[^\r]*\r?\n/);
	const frames = [...bytes.matchAll(/aks-harden: checks (\d+)\/(\d+) · nodes (\d+)\/(\d+) · \d+ findings?…/g)];
	assert.ok(frames.length > 2, `progress frames drawn: ${JSON.stringify(bytes.slice(0, 400))}`);
	const last = frames.at(-1)!;
	assert.equal(last[1], last[2], 'every check done by the last frame');
	assert.equal(last[3], '4', 'the four demo nodes done');
	assert.equal(last[4], '4');
	assert.ok(frames.some((frame) => Number(frame[1]) < Number(frame[2])), 'frames while checks were still running');
});

test('through a pipe: the summary only', async () => {
	const result = await runCli(['audit', '--demo', '--format', 'json'], {env: {CI: ''}});
	assert.equal(result.code, 1);
	assert.doesNotMatch(result.stderr, /checks \d+\/\d+|\r|\x1b/);
	assert.match(result.stderr, /^aks-harden: \d+ fail, \d+ warn/m);
});
