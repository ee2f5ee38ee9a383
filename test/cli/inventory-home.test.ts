// `~/` in the inventory's `key` is the home folder: a YAML file never passes through a shell.
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli} from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'akh-inventory-home-'));
after(() => rmSync(dir, {recursive: true, force: true}));

test('the inventory key ~/.ssh/… is looked up in the home folder', async () => {
	const home = join(dir, 'home');
	mkdirSync(join(home, '.ssh'), {recursive: true});
	const inventory = join(dir, 'inventory.yaml');
	// Port 1 on loopback: the key is read before any connection, and the node is never reached.
	writeFileSync(inventory, 'nodes:\n  - {name: n1, address: 127.0.0.1, port: 1, key: ~/.ssh/akshci_rsa}\n');
	const result = await runCli(['audit', '--inventory', inventory, '--format', 'json', '--known-hosts', join(dir, 'known_hosts')], {env: {HOME: home}, timeoutMs: 60_000});
	assert.ok(result.stderr.includes(`${join(home, '.ssh', 'akshci_rsa')}: cannot use this --ssh-key (no such file)`), result.stderr);
	assert.doesNotMatch(result.stderr, /~\/\.ssh/);
});
