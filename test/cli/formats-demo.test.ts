// One audit of the demo environment, every format from it; waivers through .aks-harden.yaml.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DEMO_SECRET_CANARY} from '../../src/demo/cluster.js';
import type {Report} from '../../src/model/report.js';
import {targetKey} from '../../src/model/target.js';
import {runCli} from '../support/cli.js';

const formats = ['json', 'markdown', 'html', 'junit', 'sarif', 'csv'] as const;
let dir: string;
let auditFile: string;
before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'akh-formats-'));
	auditFile = join(dir, 'audit.json');
	const result = await runCli(['audit', '--demo', '--format', 'json', '--output', auditFile], {cwd: dir});
	assert.equal(result.code, 1, result.stderr);
});

test('all six formats render from one saved audit, and none carries the planted secret', async () => {
	const canaryBase64 = Buffer.from(DEMO_SECRET_CANARY).toString('base64');
	for (const format of formats) {
		const out = join(dir, `report.${format}`);
		const result = await runCli(['report', auditFile, '--format', format, '--output', out]);
		assert.equal(result.code, 0, `${format}: ${result.stderr}`);
		const text = readFileSync(out, 'utf8');
		assert.ok(text.length > 1000, `${format} has content`);
		assert.ok(!text.includes(DEMO_SECRET_CANARY) && !text.includes(canaryBase64), `${format} leaks the canary`);
	}
	// Rendered straight from a live audit too, where the redactor is in play.
	for (const format of formats) {
		const result = await runCli(['audit', '--demo', '--format', format], {cwd: dir});
		assert.ok(result.stdout.length > 1000, format);
		assert.ok(!result.stdout.includes(DEMO_SECRET_CANARY) && !result.stderr.includes(DEMO_SECRET_CANARY), `audit --format ${format} leaks the canary`);
	}
});

test('a waiver with a future expiry waives its finding; a past one does not and is listed as expired', async () => {
	const work = mkdtempSync(join(tmpdir(), 'akh-waivers-'));
	writeFileSync(
		join(work, '.aks-harden.yaml'),
		`waivers:
  - check: isolation.privileged
    target: "shop/web"
    justification: Vendor appliance needs host devices until v5 (CHG-1234)
    approver: jane.doe@contoso.com
    expires: 2999-06-30
  - check: isolation.cluster-admin-bindings
    target: "ops-team-*"
    justification: Break-glass group, reviewed quarterly
    approver: jane.doe@contoso.com
    expires: 2020-01-31
`,
	);
	const result = await runCli(['audit', '--demo', '--no-nodes', '--format', 'json'], {cwd: work});
	const report = JSON.parse(result.stdout) as Report;
	const find = (check: string, key: string) => report.findings.find((f) => f.checkId === check && targetKey(f.target) === key);
	const waived = find('isolation.privileged', 'Deployment/shop/web:app');
	assert.equal(waived?.status, 'waived');
	assert.match(waived!.reason ?? '', /Vendor appliance/);
	assert.equal(find('isolation.cluster-admin-bindings', 'ClusterRoleBinding/ops-team-admin')?.status, 'fail');
	assert.deepEqual(report.waivers?.expired.map((w) => w.check), ['isolation.cluster-admin-bindings']);
	assert.match(result.stderr, /waiver expired 2020-01-31: isolation\.cluster-admin-bindings/);
});

test('an invalid waivers file: exit 2 with file and line', async () => {
	const work = mkdtempSync(join(tmpdir(), 'akh-waivers-bad-'));
	writeFileSync(join(work, '.aks-harden.yaml'), 'waivers:\n  - check: isolation.privileged\n    target: x\n    justification: y\n    approver: z\n    expires: next year\n');
	const result = await runCli(['audit', '--demo', '--format', 'json'], {cwd: work});
	assert.equal(result.code, 2);
	assert.match(result.stderr, /\.aks-harden\.yaml:6: waivers\.0\.expires: must be a date/);
	assert.equal(result.stdout, '');
});
