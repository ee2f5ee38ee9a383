// The real binary in a real terminal (tmux) on the demo: `f` on host.sshd-config applies the
// drop-in to the demo node, a headless audit run beside it (another process, same state folder)
// sees the node pass, `u` on the summary undoes it, and the headless audit sees it fail again.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Report} from '../../src/model/report.js';
import {runCli} from '../support/cli.js';
import {missing} from '../support/prerequisites.js';
import {TmuxSession} from '../support/tmux.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'aks-harden.js');
const skip = missing('tmux') || (!existsSync(join(root, 'build', 'cli.js')) ? 'not built: `npm test` builds first (or run `npm run build`)' : false);

test('aks-harden --demo: f fixes a host check on a demo node, u on the summary undoes it', {skip, timeout: 180_000}, async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-e2e-hostfix-'));
	const env = {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1'};
	const terminal = await TmuxSession.start({command: [process.execPath, bin, '--demo', '--checks', 'host.sshd-config'], cwd: dir, env, columns: 120, rows: 40});
	t.after(async () => {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	});
	const controlPlane = async () => {
		const report = JSON.parse((await runCli(['audit', '--demo', '--checks', 'host.sshd-config', '--format', 'json'], {env})).stdout) as Report;
		return report.findings.find((finding) => 'node' in finding.target && finding.target.node === 'moc-l1hj0nllpvs')?.status;
	};

	await terminal.waitForText('Connection', {timeoutMs: 60_000});
	await terminal.send('Enter');
	await terminal.waitForText('done 1/1', {timeoutMs: 60_000});
	await terminal.send('Down');
	await terminal.waitForText(/› \S Harden host environment/);
	await terminal.send('Enter');
	await terminal.waitForText(/Harden host environment · \d+\/\d+ checked/);
	await terminal.send('Enter');
	await terminal.waitForText('Targets:');
	for (let i = 0; i < 6 && !(await terminal.capture()).includes('› ✗ node/moc-l1hj0nllpvs'); i++) await terminal.send('j');
	await terminal.waitForText('› ✗ node/moc-l1hj0nllpvs');

	await terminal.send('f');
	const review = await terminal.waitForText('Apply this change to 1 target?', {timeoutMs: 30_000});
	assert.match(review, /\+PasswordAuthentication no/);
	await terminal.send('y');
	await terminal.waitForText('✔ applied:', {timeoutMs: 30_000});
	assert.equal(await controlPlane(), 'pass', 'another process reading the saved demo sees the fix');

	await terminal.send('Enter');
	// The fixed node now passes; the one left is the demo's Windows node, whose sshd fix needs a real Windows node.
	const rechecked = await terminal.waitForText(/Targets: \d+ · 1 needs attention/, {timeoutMs: 30_000});
	assert.match(rechecked, /✓ node\/moc-l1hj0nllpvs/);
	assert.match(rechecked, /✗ node\/moc-w7n2k4xq1b/);
	await terminal.send('s');
	await terminal.waitForText(/host\.sshd-config \(node\/moc-l1hj0nllpvs\): fixed, 1 applied/);
	await terminal.waitForText(/u undo last fix/);
	await terminal.send('u');
	await terminal.waitForText('Undo the fix?');
	await terminal.send('y');
	await terminal.waitForText(/undone: undid chg-[0-9a-f]+/, {timeoutMs: 30_000});
	assert.equal(await controlPlane(), 'fail', 'after the undo the saved demo is as it was');

	assert.equal(await terminal.quit(), 0);
});
