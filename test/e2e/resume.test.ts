// An interrupted walkthrough, for real: the binary in tmux on the demo, an attestation typed in,
// the terminal killed under it, then `--resume` in a new terminal. The attestation must be there.
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

test('an interrupted walkthrough with an attestation resumes with the attestation kept', {skip, timeout: 240_000}, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-resume-'));
	const env = {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1'};
	const note = 'Trivy in every pipeline, fails on HIGH';
	try {
		const first = await TmuxSession.start({command: [process.execPath, bin, '--demo'], cwd: dir, env});
		try {
			await first.waitForText('Connection', {timeoutMs: 60_000});
			await first.send('Enter');
			await first.waitForText(/done (\d+)\/\1/, {timeoutMs: 90_000});
			await first.send('Enter');
			await first.waitForText('Secure images ·');
			// The second row of Secure images is the manual CI/CD scanning question.
			await first.send('Down');
			await first.waitForText(/› \? Images are scanned for vulnerabilities in CI\/CD/);
			await first.send('a');
			await first.waitForText('Attest: Images are scanned for vulnerabilities in CI/CD');
			await first.send('y');
			await first.waitForText('note (how you know');
			await first.type(note);
			await first.send('Enter');
			await first.waitForText(/› ✓ Images are scanned for vulnerabilities in CI\/CD/);
			// Saved as it goes: give the background save its moment, then pull the terminal away.
			await new Promise((resolve) => setTimeout(resolve, 1000));
		} finally {
			await first.kill();
		}
		const second = await TmuxSession.start({command: [process.execPath, bin, '--demo', '--resume'], cwd: dir, env});
		try {
			await second.waitForText('resumed the session from', {timeoutMs: 60_000});
			await second.send('s');
			const summary = await second.waitForText('images.ci-scanning');
			assert.match(summary, /images\.ci-scanning \(all targets\): attested yes by \S+, \d{4}-\d\d-\d\d \d\d:\d\d/);
			assert.ok(summary.includes(note), summary);
			assert.match(summary, /manual \d+ \(1 attested\)/);
		} finally {
			await second.kill();
		}
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
