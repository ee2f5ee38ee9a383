// Preferences over `conf`, in a temp folder instead of the user's config folder.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createPrefs, memoryPrefs} from '../../src/commands/prefs.js';
import {operatorName} from '../../src/ui/operator.js';

test('prefs persist between two stores on the same folder and reject a bad theme', () => {
	const cwd = mkdtempSync(join(tmpdir(), 'aks-harden-prefs-'));
	const prefs = createPrefs({cwd});
	assert.equal(prefs.get('lastContext'), undefined);
	prefs.set('lastContext', 'aks-prod');
	prefs.set('sshUser', 'clouduser');
	prefs.set('sshKey', join(cwd, 'id_ed25519'));
	prefs.set('theme', 'mono');
	const again = createPrefs({cwd});
	assert.equal(again.get('lastContext'), 'aks-prod');
	assert.equal(again.get('sshUser'), 'clouduser');
	assert.equal(again.get('theme'), 'mono');
	assert.throws(() => again.set('theme', 'neon' as never));
});

test('memory prefs and the operator name need no config folder and no uid', () => {
	const prefs = memoryPrefs({theme: 'auto'});
	prefs.set('sshUser', 'Administrator');
	assert.equal(prefs.get('sshUser'), 'Administrator');
	assert.equal(prefs.get('theme'), 'auto');
	assert.ok(operatorName().length > 0);
});
