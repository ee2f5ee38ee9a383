// Installed as an operator installs it: `npm pack`, then a global install of the tarball into a
// private prefix, then the installed command runs the demo audit. This is the path a published
// package takes; nothing from the work tree is used after the pack.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('npm pack + npm install -g: the installed aks-harden runs the demo audit', {timeout: 300_000}, async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-package-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	// The node@22 devDependency is first on PATH under npm scripts; the install runs with it too.
	const env = {...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false'};
	await execa('npm', ['pack', '--pack-destination', dir], {cwd: root, env});
	const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
	assert.ok(tarball, 'npm pack wrote a tarball');
	const prefix = join(dir, 'prefix');
	await execa('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', join(dir, tarball)], {cwd: dir, env});
	const installed = join(prefix, 'bin', 'aks-harden');
	const version = await execa(installed, ['--version'], {cwd: dir, env: {...env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}`}});
	assert.match(version.stdout, /^\d+\.\d+\.\d+$/);
	const audit = await execa(installed, ['audit', '--demo', '--format', 'json'], {cwd: dir, reject: false, env: {...env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, XDG_STATE_HOME: join(dir, 'state')}});
	assert.equal(audit.exitCode, 1, `failing findings exit 1; stderr: ${audit.stderr}`);
	const report = JSON.parse(audit.stdout) as {schemaVersion: number; findings: unknown[]; cluster: {source?: string}};
	assert.equal(report.schemaVersion, 1);
	assert.ok(report.findings.length > 100, `${report.findings.length} findings`);
	assert.doesNotMatch(audit.stderr, /internal error|\n\s+at /);
});
