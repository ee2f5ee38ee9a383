import {test} from 'node:test';
import assert from 'node:assert/strict';
import {forNodeOs, loadCatalog} from '../../src/catalog/load.js';
import {evaluateNode} from '../../src/engine/evaluate.js';
import type {Finding} from '../../src/model/finding.js';
import {demoNodeRecordings} from '../../src/probes/demo-nodes.js';
import {probes, probesForOs} from '../../src/probes/index.js';
import {recordedNodeFacts} from '../../src/probes/recorded.js';

const catalog = loadCatalog();
const nodeChecks = catalog.checks.filter(({check}) => check.scope === 'node');

async function findings(name: string): Promise<Map<string, Finding>> {
	const node = demoNodeRecordings().find((candidate) => candidate.name === name)!;
	const out = new Map<string, Finding>();
	evaluateNode(nodeChecks, await recordedNodeFacts(node), (finding) => out.set(finding.checkId, finding));
	return out;
}

test('every demo node answers every registered probe, and every probe parses', async () => {
	for (const node of demoNodeRecordings()) {
		assert.deepEqual(Object.keys(node.probes).sort(), [...probes.keys()].sort(), node.name);
		for (const [name, result] of (await recordedNodeFacts(node)).probes) assert.equal(result.error, undefined, `${node.name} ${name}: ${result.error}`);
	}
});

test('every node check names probes registered for each OS it applies to', () => {
	for (const compiled of nodeChecks) {
		for (const os of compiled.check.platforms ?? []) {
			for (const name of forNodeOs(compiled, os).check.probes) assert.ok(probesForOs(os).has(name), `${compiled.check.id}: no ${os} probe ${name}`);
		}
	}
});

test('the control plane is clean but for the password-login drop-in', async () => {
	const got = await findings('moc-l1hj0nllpvs');
	assert.equal(got.get('host.sshd-config')?.status, 'fail');
	assert.match(got.get('host.sshd-config')!.message, /passwordauthentication yes/);
	for (const [id, finding] of got) if (id !== 'host.sshd-config') assert.equal(finding.status, 'pass', `${id}: ${finding.message}`);
	assert.equal(got.get('certificates.pki-expiry')?.status, 'pass');
});

test('the drifted worker fails exactly where it drifted', async () => {
	const got = await findings('moc-lq2x7c9wd3f');
	const failing = [...got].filter(([, finding]) => finding.status !== 'pass').map(([id, finding]) => [id, finding.status]);
	assert.deepEqual(failing.sort(), [
		['host.auditd', 'fail'],
		['host.file-permissions', 'fail'],
		['host.kubelet-config', 'fail'],
		['host.listening-ports', 'warn'],
		['host.packages', 'fail'],
		['host.services', 'fail'],
		['images.registry-tls', 'fail'],
	]);
	assert.match(got.get('images.registry-tls')!.message, /http:\/\/10\.20\.0\.15:5000/);
	assert.match(got.get('host.kubelet-config')!.message, /readOnlyPort 10255/);
	assert.match(got.get('host.file-permissions')!.message, /\/etc\/kubernetes\/kubelet\.conf 644 root:root \(want ≤600 root:root\)/);
	assert.match(got.get('host.services')!.message, /cups\.service \(enabled, running; never needed on a node: print server/);
	assert.match(got.get('host.services')!.message, /telnet\.socket \(enabled; never needed on a node: telnet server/);
	assert.match(got.get('host.auditd')!.message, /\/usr\/bin\/kubelet \(kubelet binary\) is not watched/);
	assert.equal(got.has('certificates.pki-expiry'), false, 'workers are not judged on control-plane PKI');
});

test('the clean worker passes every node check', async () => {
	for (const [id, finding] of await findings('moc-lm84tkzv0pa')) assert.equal(finding.status, 'pass', `${id}: ${finding.message}`);
});
