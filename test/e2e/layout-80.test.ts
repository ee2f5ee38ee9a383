// The newcomer's walkthrough at 80×24, for real: the binary on the demo in tmux. The status
// columns have a legend on screen and in `?`, no title runs into its severity, the footer keeps
// r and n (and says when `?` has more), and a paste that ends in Enter is submitted.
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

function assertFits(screen: string) {
	for (const line of screen.split('\n')) assert.ok([...line].length <= 80, `wider than 80: ${JSON.stringify(line)}`);
}

test('at 80 columns: legend, titles apart from severities, r and n in the footer, help with the symbols, a pasted note kept with its Enter', {skip, timeout: 240_000}, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-80-'));
	const env = {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1'};
	const terminal = await TmuxSession.start({command: [process.execPath, bin, '--demo'], cwd: dir, env, columns: 80, rows: 24});
	try {
		await terminal.waitForText('Connection', {timeoutMs: 60_000});
		await terminal.send('Enter');
		await terminal.waitForText(/done (\d+)\/\1/, {timeoutMs: 90_000});
		const sections = await terminal.waitFor((screen) => /Overall score/.test(screen) && /q quit\s*$/.test(screen), {what: 'the sections screen'});
		assertFits(sections);
		const header = sections.split('\n').findIndex((line) => line.startsWith('Sections, in'));
		assert.match(sections.split('\n')[header + 1]!, /^✗ fail {2}‼ error {2}! warn {2}\? attest {2}✓ pass {2}⊘ waived/, 'the legend sits under the status columns');

		// Harden host environment has the longest titles of the demo.
		await terminal.send('Down');
		await terminal.waitForText(/› \S Harden host environment/);
		await terminal.send('Enter');
		// The whole frame, footer included (a capture can land while a frame is still being written).
		const whole = (title: RegExp) => terminal.waitFor((screen) => title.test(screen) && /q quit\s*$/.test(screen), {what: String(title)});
		const section = await whole(/Harden host environment · \d+\/\d+ checked/);
		assertFits(section);
		const rows = section.split('\n').filter((line) => /^[› ] \S /.test(line) && /(low|medium|high|critical) +\S+$/.test(line));
		assert.ok(rows.length >= 8, `the checks are listed: ${rows.length}`);
		for (const row of rows) assert.match(row, /[^ ] +(low|medium|high|critical) /, `a title runs into its severity: ${JSON.stringify(row)}`);
		const footer = section.trimEnd().split('\n').at(-1)!;
		assert.match(footer, /r rerun/, `footer: ${footer}`);
		assert.match(footer, /n note/, `footer: ${footer}`);
		assert.match(footer, /… +\? help {2}q quit$/, 'the cut footer points to help');

		await terminal.send('?');
		const help = await terminal.waitForText('Keys on this screen (Section)');
		assertFits(help);
		assert.match(help, /n +note/);
		for (let i = 0; i < 20 && !/Status symbols/.test(await terminal.capture()); i++) await terminal.send('j');
		for (let i = 0; i < 8; i++) await terminal.send('j');
		const legend = await terminal.waitForText(/‼ +error +could not be checked/);
		assert.match(legend, /✗ +fail +a target breaks the rule/);
		await terminal.send('Escape');
		await terminal.waitForText(/Harden host environment · \d+\/\d+ checked/);

		// A paste is one chunk to the program, its Enter included: the note must be saved.
		await terminal.send('n');
		await terminal.waitForText('Note:');
		await terminal.tmux('set-buffer', '-b', 'note', 'ask vendor\r');
		await terminal.tmux('paste-buffer', '-b', 'note', '-t', terminal.target);
		await terminal.waitFor((screen) => !screen.includes('Note:'), {what: 'the note dialog to close on the pasted Enter'});
		await terminal.waitForText('note: ask vendor');

		await terminal.send('q');
		await terminal.waitForText('Quit?');
		await terminal.send('y');
		assert.equal(await terminal.waitForExit({timeoutMs: 15_000}), 0);
	} finally {
		await terminal.kill();
		rmSync(dir, {recursive: true, force: true});
	}
});
