// The demo's node adapter against the code real nodes get: its computed probe output reads as the
// recordings do (so the demo's audit is what the recordings say until a fix changes a file), and
// the host-fix scripts of src/fix/host/remote.ts edit its files as they would a node's.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {buildNodeScript, splitNodeOutput} from '../../src/engine/node-script.js';
import {readRemoteFile, replaceFile, restoreFile, setMode, statFile, validateSshd} from '../../src/fix/host/remote.js';
import {maskUnits, readUnitInfo, readUnitStates, restoreUnits, statesDigest} from '../../src/fix/host/unit-remote.js';
import {demoNodeRecordings} from '../../src/probes/demo-nodes.js';
import {probes} from '../../src/probes/index.js';
import {initialNode} from '../../src/demo/node-files.js';
import {DemoNodeShell} from '../../src/demo/node-shell.js';

function shellFor(name: string): {shell: DemoNodeShell; changes: () => number} {
	const recording = demoNodeRecordings().find((node) => node.name === name)!;
	let changes = 0;
	return {shell: new DemoNodeShell({recording, files: initialNode(recording), onChange: () => changes++}), changes: () => changes};
}

async function probeFacts(shell: DemoNodeShell, name: string): Promise<unknown> {
	const probe = probes.get(name)!;
	const marker = 'abcdef0123456789';
	const run = await shell.run(buildNodeScript([probe], marker));
	const frame = splitNodeOutput(run.stdout, marker, [name]).get(name)!;
	assert.ok(!('error' in frame), JSON.stringify(frame));
	return probe.parse(frame.output);
}

/** Rule files as the node's shell lists them (C-locale order); the recordings list them as written. */
function sorted(parsed: unknown): unknown {
	const facts = (parsed as {facts?: {ruleFiles?: unknown[]}}).facts;
	return facts?.ruleFiles ? {...parsed as object, facts: {...facts, ruleFiles: [...facts.ruleFiles].sort()}} : parsed;
}

test('computed sshd, file-mode, kubelet and auditd output reads as the recordings do, on every demo node', async () => {
	for (const recording of demoNodeRecordings()) {
		const {shell} = shellFor(recording.name);
		for (const name of ['sshd', 'file-modes', 'kubelet-config', 'auditd', 'services']) {
			assert.deepEqual(sorted(await probeFacts(shell, name)), sorted(probes.get(name)!.parse(recording.probes[name]!)), `${recording.name} ${name}`);
		}
	}
});

test('a drop-in written the way a fix writes it changes sshd -T; a bad one fails sshd -t', async () => {
	const {shell, changes} = shellFor('moc-l1hj0nllpvs');
	const path = '/etc/ssh/sshd_config.d/00-aks-harden.conf';
	assert.equal((await probeFacts(shell, 'sshd') as {facts: {passwordauthentication: string}}).facts.passwordauthentication, 'yes');
	await replaceFile(shell, {path, content: 'PasswordAuthentication no\n', mode: '0600', exists: false}, new Date(), () => {});
	assert.ok(changes() > 0);
	assert.deepEqual(await readRemoteFile(shell, path), {exists: true, content: 'PasswordAuthentication no\n', mode: '600', uid: '0', gid: '0', owner: 'root', group: 'root'});
	assert.equal((await probeFacts(shell, 'sshd') as {facts: {passwordauthentication: string}}).facts.passwordauthentication, 'no');
	assert.deepEqual(await validateSshd(shell), {ok: true, output: ''});

	await replaceFile(shell, {path, content: 'PasswordAuthentcation no\n', mode: '0600', exists: true}, new Date(), () => {});
	const invalid = await validateSshd(shell);
	assert.equal(invalid.ok, false);
	assert.match(invalid.output, /00-aks-harden\.conf: line 1: Bad configuration option: passwordauthentcation/);
	await restoreFile(shell, path, undefined);
	assert.deepEqual(await readRemoteFile(shell, path), {exists: false});
});

test('modes and owners change as chmod/chown would, and an unsimulated step fails in words', async () => {
	const {shell} = shellFor('moc-lq2x7c9wd3f');
	assert.deepEqual(await statFile(shell, '/etc/kubernetes/kubelet.conf'), {mode: '644', owner: 'root', group: 'root'});
	await setMode(shell, '/etc/kubernetes/kubelet.conf', {mode: '600', owner: 'root', group: 'root'});
	assert.deepEqual(await statFile(shell, '/etc/kubernetes/kubelet.conf'), {mode: '600', owner: 'root', group: 'root'});
	const facts = (await probeFacts(shell, 'file-modes')) as {facts: {files: {path: string; mode: number}[]}};
	assert.equal(facts.facts.files.find((file) => file.path === '/etc/kubernetes/kubelet.conf')?.mode, 600);
	const other = await shell.run("set -- '/etc/sysctl.d/99-aks-harden.conf'\nsysctl -p \"$1\"");
	assert.equal(other.code, 127);
	assert.match(other.stderr, /not simulated on the demo/);
});

test('units are masked and put back as the services fix and its undo do it', async () => {
	const {shell} = shellFor('moc-lq2x7c9wd3f');
	const units = ['cups.service', 'cups.socket', 'cups.path'];
	const before = await readUnitStates(shell, units);
	assert.deepEqual(before.map((state) => [state.unit, state.enabled, state.active]), [['cups.service', 'enabled', 'active'], ['cups.socket', 'enabled', 'inactive'], ['cups.path', 'enabled', 'inactive']]);
	assert.deepEqual((await readUnitInfo(shell, 'cups.service')).triggeredBy, ['cups.socket', 'cups.path']);
	await maskUnits(shell, units);
	const services = (await probeFacts(shell, 'services')) as {facts: {enabled: string[]; running: string[]}};
	assert.ok(!services.facts.enabled.some((unit) => unit.startsWith('cups.')), 'masked units are no longer listed as enabled');
	assert.ok(!services.facts.running.includes('cups.service'));
	await restoreUnits(shell, before);
	assert.equal(statesDigest(await readUnitStates(shell, units)), statesDigest(before), 'every link, enablement and running state is back');
});
