// `aks-harden explain --node-script`: the real binary prints what a node will run, before it runs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {decodePowerShell, windowsLoader} from '../../src/engine/windows-script.js';
import {windowsProbes} from '../../src/probes/windows/index.js';
import {hasNoStack, runCli} from '../support/cli.js';

test('explain --node-script windows: the command line, its decoded loader and every probe block', async () => {
	const result = await runCli(['explain', '--node-script', 'windows']);
	assert.equal(result.code, 0, result.stderr);
	const encoded = /^powershell\.exe .* -EncodedCommand ([A-Za-z0-9+/=]+)$/m.exec(result.stdout);
	assert.ok(encoded, result.stdout.slice(0, 400));
	assert.equal(decodePowerShell(encoded[1]!), windowsLoader);
	assert.ok(result.stdout.includes(windowsLoader));
	for (const name of windowsProbes.keys()) assert.ok(result.stdout.includes(`Invoke-AkhProbe '${name}' {`), name);
});

test('explain --node-script windows ID: only the probes that check reads', async () => {
	const result = await runCli(['explain', '--node-script', 'windows', 'host.firewall']);
	assert.equal(result.code, 0, result.stderr);
	assert.deepEqual([...result.stdout.matchAll(/^Invoke-AkhProbe '([a-z-]+)'/gm)].map((m) => m[1]), ['firewall']);
	const linux = await runCli(['explain', '--node-script', 'linux', 'host.sysctl']);
	assert.match(linux.stdout, /^akh_run sysctl '/m);
});

test('explain --node-script with an unknown OS: one line, a next step, exit 2', async () => {
	const result = await runCli(['explain', '--node-script', 'solaris']);
	assert.equal(result.code, 2);
	assert.match(result.stderr, /--node-script must be linux or windows, not "solaris"\n {2}next: /);
	assert.ok(hasNoStack(result.stderr));
	assert.equal(result.stdout, '');
});
