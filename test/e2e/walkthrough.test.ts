// The real binary in a real terminal: `bin/aks-harden.js --demo` runs in a private tmux server at
// 80×24; keys go in with send-keys and the screen comes back with capture-pane. The demo
// environment (in-process API server, recorded nodes) means nothing outside this machine is used.
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
const skip = missing('tmux') || (!existsSync(join(root, 'build', 'cli.js'))
		? 'not built: `npm test` builds first (or run `npm run build`)'
		: false);

const sectionTitles = [
	'Secure images',
	'Harden host environment',
	'Limit container resources',
	'Properly secure secrets',
	'Practice isolation',
	'Deploy runtime security monitoring',
	'Secure communication with certificates',
];

/** The demo under tmux with its state, config and exports in a temp folder, never the user's. */
async function startDemo(env: Record<string, string> = {}) {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-e2e-'));
	const terminal = await TmuxSession.start({
		command: [process.execPath, bin, '--demo'],
		cwd: dir,
		env: {
			HOME: dir,
			AKS_HARDEN_STATE_DIR: join(dir, 'state'),
			XDG_CONFIG_HOME: join(dir, 'config'),
			XDG_STATE_HOME: join(dir, 'state-home'),
			...env,
		},
	});
	return {
		terminal,
		async stop() {
			await terminal.kill();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

function assertFits(screen: string, columns: number) {
	for (const line of screen.split('\n')) assert.ok([...line].length <= columns, `wider than ${columns}: ${JSON.stringify(line)}`);
}

test('aks-harden --demo: into a section, open a check and its evidence, back out, quit with q, exit 0', {skip, timeout: 180_000}, async () => {
	const {terminal, stop} = await startDemo();
	try {
		await terminal.waitForText('Connection', {timeoutMs: 60_000});
		assert.deepEqual(await terminal.size(), {columns: 80, rows: 24});
		assert.match(await terminal.capture(), /Nodes \(\d+\)/);

		await terminal.send('Enter');
		const sections = await terminal.waitForText(/done (\d+)\/\1/, {timeoutMs: 90_000});
		assertFits(sections, 80);
		let previous = -1;
		for (const title of sectionTitles) {
			const at = sections.indexOf(title);
			assert.ok(at > previous, `${title} is listed, in the article's order`);
			previous = at;
		}
		assert.match(sections, /Overall score \d+\.\d/);

		await terminal.send('Down', 'Down', 'Down', 'Down');
		await terminal.waitForText(/› \S Practice isolation/);
		await terminal.send('Enter');
		await terminal.waitForText(/Practice isolation · \d+\/\d+ checked/);
		await terminal.send('Enter');
		const check = await terminal.waitForText('Evidence ·');
		assertFits(check, 80);
		assert.match(check, /Targets: \d+ · \d+ needs? attention/);
		assert.match(check, /isolation\.[a-z-]+ · (low|medium|high|critical) · Practice isolation/);

		await terminal.send('J');
		await terminal.waitForText('Remediation');

		await terminal.send('Escape');
		await terminal.waitForText(/Practice isolation · \d+\/\d+ checked/);
		await terminal.send('Escape');
		await terminal.waitForText('Sections, in');

		assert.equal(await terminal.quit(), 0);
	} finally {
		await stop();
	}
});

test('aks-harden --demo follows a resize, and with NO_COLOR the screen has no colour at all', {skip, timeout: 180_000}, async () => {
	const {terminal, stop} = await startDemo({NO_COLOR: '1'});
	try {
		await terminal.waitForText('Connection', {timeoutMs: 60_000});
		await terminal.send('Enter');
		await terminal.waitForText(/done (\d+)\/\1/, {timeoutMs: 90_000});
		// -e keeps the cells' colours and attributes as escape codes: there must be none.
		const styled = await terminal.tmux('capture-pane', '-p', '-e', '-t', terminal.target);
		assert.doesNotMatch(styled, /\u001B\[/, 'an escape code on a NO_COLOR screen');
		assert.match(styled, /[✓✗!?]/, 'the statuses still show as symbols');

		await terminal.resize(120, 30);
		const wide = await terminal.waitFor((screen) => screen.split('\n').some((line) => line.startsWith('aks-harden') && [...line].length > 100), {what: 'a 120-column header'});
		assertFits(wide, 120);
		await terminal.resize(80, 24);
		assertFits(await terminal.waitFor((screen) => screen.split('\n').every((line) => [...line].length <= 80), {what: 'the 80-column layout back'}), 80);

		await terminal.send('q');
		assert.equal(await terminal.waitForExit({timeoutMs: 15_000}), 0);
	} finally {
		await stop();
	}
});
