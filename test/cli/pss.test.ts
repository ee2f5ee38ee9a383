// The Pod Security Standard selectors and versions through the real binary, on manifest files.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasNoStack, runCli} from '../support/cli.js';

let dir: string;
const hardened = {allowPrivilegeEscalation: false, capabilities: {drop: ['ALL']}, runAsNonRoot: true, seccompProfile: {type: 'RuntimeDefault'}};
const pod = (name: string, securityContext: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	JSON.stringify({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'shop'}, spec: {containers: [{name: 'app', image: 'contosoacr.azurecr.io/app:1', securityContext}], ...extra}});

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-pss-'));
	writeFileSync(join(dir, 'ok.json'), pod('ok', hardened));
	writeFileSync(join(dir, 'uid0.json'), pod('uid0', {...hardened, runAsUser: 0}));
	writeFileSync(join(dir, 'chown.json'), pod('chown', {capabilities: {add: ['CHOWN']}}));
});
after(() => rmSync(dir, {recursive: true, force: true}));

type Report = {findings: Array<{checkId: string; status: string; target: {name?: string; namespace?: string}}>};
const failing = (report: Report, name: string) => report.findings.filter((f) => f.status === 'fail' && f.target.name === name).map((f) => f.checkId).sort();

test('pss:baseline and pss:restricted classify pods as PSA does, at the version asked for', async () => {
	const baseline = await runCli(['audit', '--manifests', dir, '--checks', 'pss:baseline', '--format', 'json', '--no-nodes']);
	assert.equal(baseline.code, 0, baseline.stderr);
	const restricted = await runCli(['audit', '--manifests', dir, '--checks', 'pss:restricted', '--format', 'json', '--no-nodes']);
	assert.equal(restricted.code, 1, restricted.stderr);
	const report = JSON.parse(restricted.stdout) as Report;
	assert.ok(!report.findings.some((f) => f.checkId === 'isolation.host-path' || f.checkId === 'isolation.capabilities-baseline'), 'overridden baseline controls are not run at restricted');
	assert.deepEqual(failing(report, 'ok'), []);
	assert.deepEqual(failing(report, 'uid0'), ['isolation.run-as-user']);
	assert.deepEqual(failing(report, 'chown'), ['isolation.capabilities', 'isolation.privilege-escalation', 'isolation.run-as-root', 'isolation.seccomp']);
	// At v1.21 restricted had no runAsUser rule and judged capabilities by the baseline allowlist.
	const old = JSON.parse((await runCli(['audit', '--manifests', dir, '--checks', 'pss:restricted', '--pss-version', 'v1.21', '--format', 'json', '--no-nodes'])).stdout) as Report;
	assert.deepEqual(failing(old, 'uid0'), []);
	assert.ok(old.findings.some((f) => f.checkId === 'isolation.run-as-user' && f.status === 'skip'), 'a control not defined yet is skipped, never passed');
	assert.deepEqual(failing(old, 'chown'), ['isolation.privilege-escalation', 'isolation.run-as-root', 'isolation.seccomp']);
});

test('a bad --pss-version is one line with a next step and exit 2', async () => {
	const result = await runCli(['audit', '--manifests', dir, '--pss-version', '1.30', '--no-nodes']);
	assert.equal(result.code, 2);
	assert.match(result.stderr, /--pss-version must be latest or v1\.N/);
	assert.ok(hasNoStack(result.stderr));
	assert.equal(result.stdout, '');
});
