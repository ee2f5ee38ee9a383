import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {reportCommand} from '../../src/commands/report.js';
import {diffCommand} from '../../src/commands/diff.js';
import {renderJson} from '../../src/report/json.js';
import {isUsageError} from '../../src/model/errors.js';
import {summarize} from '../../src/engine/summary.js';
import {fixtureFindings, fixtureReport} from './fixture.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
	return async () => {
		const dir = mkdtempSync(join(tmpdir(), 'aks-harden-cmd-'));
		try {
			await fn(dir);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	};
}

test('report renders a saved audit in each format to --output', withDir(async (dir) => {
	const audit = join(dir, 'audit.json');
	writeFileSync(audit, renderJson(fixtureReport()));
	for (const format of ['md', 'html', 'junit', 'sarif', 'csv', 'json']) {
		const out = join(dir, `out.${format}`);
		assert.equal(await reportCommand([audit, '--format', format, '--output', out]), 0);
		assert.ok(readFileSync(out, 'utf8').length > 100, format);
	}
	assert.match(readFileSync(join(dir, 'out.md'), 'utf8'), /^# AKS hybrid container security checklist/);
	// Through the one report builder: the same findings, counts and score, in report order; an
	// audit that builder wrote comes back byte for byte.
	const rebuilt = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as ReturnType<typeof fixtureReport>;
	const keys = (report: ReturnType<typeof fixtureReport>) => report.findings.map((finding) => JSON.stringify(finding)).sort();
	assert.deepEqual(keys(rebuilt), keys(fixtureReport()));
	assert.deepEqual(rebuilt.summary, fixtureReport().summary);
	assert.deepEqual(rebuilt.waivers, fixtureReport().waivers);
	const again = join(dir, 'again.json');
	assert.equal(await reportCommand([join(dir, 'out.json'), '--format', 'json', '--output', again]), 0);
	assert.equal(readFileSync(again, 'utf8'), readFileSync(join(dir, 'out.json'), 'utf8'));
}));

test('report: a missing, non-JSON or foreign file is a usage error naming it; bad options too', withDir(async (dir) => {
	const expectUsage = async (args: string[], pattern: RegExp) => {
		await assert.rejects(reportCommand(args), (error) => isUsageError(error) && pattern.test(error.message), args.join(' '));
	};
	await expectUsage([join(dir, 'nope.json')], /nope\.json: no such file/);
	writeFileSync(join(dir, 'text.json'), 'hello');
	await expectUsage([join(dir, 'text.json')], /text\.json: not valid JSON/);
	writeFileSync(join(dir, 'v2.json'), JSON.stringify({...fixtureReport(), schemaVersion: 2}));
	await expectUsage([join(dir, 'v2.json')], /v2\.json: schemaVersion 2 is not supported/);
	writeFileSync(join(dir, 'other.json'), JSON.stringify({name: 'something else'}));
	await expectUsage([join(dir, 'other.json')], /other\.json: not an aks-harden audit/);
	writeFileSync(join(dir, 'ok.json'), renderJson(fixtureReport()));
	await expectUsage([join(dir, 'ok.json'), '--format', 'pdf'], /--format must be one of/);
	await expectUsage([], /needs the audit file/);
	await expectUsage([join(dir, 'ok.json'), join(dir, 'ok.json')], /one audit file/);
	await expectUsage([join(dir, 'ok.json'), '--colour'], /report: unknown option --colour/);
	assert.equal(existsSync(join(dir, 'out.md')), false);
}));

test('diff: text and JSON, --fail-on-new exits 1 only for new failures at the threshold', withDir(async (dir) => {
	const oldFindings = fixtureFindings();
	const newFindings = fixtureFindings().map((finding) => (finding.checkId === 'images.tag-pinned' && finding.status === 'fail' ? {...finding, status: 'pass' as const} : finding));
	newFindings.push({...newFindings.find((finding) => finding.checkId === 'host.sysctl')!, status: 'fail', severity: 'low', target: {node: 'moc-lnx-cp1'}, message: 'accept_redirects is 1'});
	const oldFile = join(dir, 'old.json');
	const newFile = join(dir, 'new.json');
	writeFileSync(oldFile, renderJson(fixtureReport({findings: oldFindings})));
	writeFileSync(newFile, renderJson(fixtureReport({findings: newFindings, summary: summarize(newFindings)})));

	const json = join(dir, 'diff.json');
	assert.equal(await diffCommand([oldFile, newFile, '--format', 'json', '--output', json]), 0);
	const parsed = JSON.parse(readFileSync(json, 'utf8'));
	assert.deepEqual(Object.keys(parsed).filter((key) => ['new', 'fixed', 'unchanged'].includes(key)), ['new', 'fixed', 'unchanged']);
	assert.deepEqual(parsed.new.map((finding: {target: unknown}) => finding.target), [{node: 'moc-lnx-cp1'}]);
	assert.deepEqual(parsed.fixed.map((finding: {checkId: string}) => finding.checkId), ['images.tag-pinned']);
	assert.equal(parsed.unchanged.length, 5);
	assert.ok(Array.isArray(parsed.nodes));
	assert.equal(parsed.nodes.find((entry: {node: string}) => entry.node === 'moc-lnx-cp1').change, 'drifted');

	const text = join(dir, 'diff.txt');
	assert.equal(await diffCommand([oldFile, newFile, '--output', text]), 0);
	const output = readFileSync(text, 'utf8');
	assert.match(output, /New failures \(1\)\n {2}\+ low {6}host\.sysctl {2}node\/moc-lnx-cp1/);
	assert.match(output, /Fixed \(1\)\n {2}- medium {3}images\.tag-pinned {2}Deployment\/shop\/web:app manifests\/shop\/web\.yaml:12 .*\(now pass\)/);
	assert.match(output, /Unchanged failures \(5\)/);
	assert.match(output, /moc-lnx-cp1 +drifted: 1 new, 0 fixed/);

	assert.equal(await diffCommand([oldFile, newFile, '--fail-on-new', '--output', text]), 1);
	assert.equal(await diffCommand([oldFile, newFile, '--fail-on-new', '--fail-on', 'medium', '--output', text]), 0);
	assert.equal(await diffCommand([oldFile, oldFile, '--fail-on-new', '--output', text]), 0);
	await assert.rejects(diffCommand([oldFile]), (error) => isUsageError(error) && /two audit files/.test(error.message));
	await assert.rejects(diffCommand([oldFile, join(dir, 'missing.json')]), (error) => isUsageError(error) && /missing\.json: no such file/.test(error.message));
	await assert.rejects(diffCommand([oldFile, newFile, '--format', 'xml']), (error) => isUsageError(error) && /text or json/.test(error.message));
}));
