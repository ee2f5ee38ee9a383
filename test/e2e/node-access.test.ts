// The walkthrough says per node how it was reached: the real binary in tmux on the demo with
// --node-access kubernetes, whose Linux nodes answer through probe pods on the demo's API server.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {missing} from '../support/prerequisites.js';
import {TmuxSession} from '../support/tmux.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'aks-harden.js');
const skip = missing('tmux') || (!existsSync(join(root, 'build', 'cli.js')) ? 'not built: run `npm run build`' : false);

test('the connect screen shows the nodes reached through Kubernetes', {skip, timeout: 240_000}, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-access-'));
	const env = {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1'};
	const session = await TmuxSession.start({command: [process.execPath, bin, '--demo', '--node-access', 'kubernetes', '--allow-probe-pods', '--sections', 'host'], cwd: dir, env, columns: 120, rows: 30});
	try {
		await session.waitForText('Connection', {timeoutMs: 60_000});
		await session.send('Enter');
		await session.waitForText(/done (\d+)\/\1/, {timeoutMs: 90_000});
		await session.send('Escape');
		const screen = await session.waitForText('done via Kubernetes', {timeoutMs: 30_000});
		// The three Linux nodes through probe pods; the Windows node has no probe pod (Linux only).
		assert.equal(screen.match(/done via Kubernetes/g)?.length, 3, screen);
		assert.match(screen, /moc-w7n2k4xq1b .*failed: probe pods run on Linux nodes only/, screen);
	} finally {
		await session.kill();
		rmSync(dir, {recursive: true, force: true});
	}
});
