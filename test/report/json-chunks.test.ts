import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Redactor} from '../../src/engine/redact.js';
import {jsonChunks, renderJson} from '../../src/report/json.js';
import {renderReport, renderReportChunks, reportFormats} from '../../src/report/render.js';
import {writeChunksAtomically} from '../../src/commands/write-output.js';
import type {Report} from '../../src/model/report.js';
import {canary, context, fixtureReport, plainCanary} from './fixture.js';

// The audit writes its report to a file in pieces; the file must be exactly what the one-string
// rendering gives, since the JSON report is a public contract.

test('JSON in pieces is byte for byte the JSON rendered whole', () => {
	const report = fixtureReport();
	const variants: Report[] = [
		report,
		fixtureReport({findings: [], nodes: []}),
		{...report, waivers: {expired: [], unused: []}},
		// Members left undefined are left out, as JSON.stringify leaves them out.
		{...report, waivers: undefined},
		// Non-Latin-1 text, a Date and an undefined value inside evidence.
		{...report, findings: report.findings.map((finding, index) => ({...finding, message: `${finding.message} … ⏎ ${index}`, evidence: {...finding.evidence, when: new Date(0), gone: undefined, list: [1, undefined, 'x']}}))},
	];
	for (const value of variants) assert.equal([...jsonChunks(value)].join(''), renderJson(value));
	// One piece per finding, not one piece for the whole report.
	assert.ok([...jsonChunks(report)].length > report.findings.length);
});

test('every format in pieces equals the format rendered whole, redacted the same way', () => {
	const redactor = new Redactor();
	redactor.add(canary);
	redactor.add(plainCanary);
	const report = fixtureReport();
	for (const format of reportFormats) {
		const pieces = [...renderReportChunks(report, format, context, {redactor})].join('');
		assert.equal(pieces, renderReport(report, format, context, {redactor}), format);
		for (const fragment of ['s3cr3t', '7f3a', 'PLAINCANARY']) assert.ok(!pieces.includes(fragment), `${format}: ${fragment}`);
		assert.equal([...renderReportChunks(report, format, context)].join(''), renderReport(report, format, context), `${format} without a redactor`);
	}
});

test('a report written in pieces replaces the file whole, keeping its mode; a failure leaves it untouched', () => {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-chunks-'));
	const file = join(dir, 'report.json');
	writeFileSync(file, 'old\n');
	chmodSync(file, 0o600);
	const report = fixtureReport();
	writeChunksAtomically(file, jsonChunks(report));
	assert.equal(readFileSync(file, 'utf8'), renderJson(report));
	assert.equal(statSync(file).mode & 0o777, 0o600);
	// More than one write batch: a large report goes out in several writes.
	const big = {...report, findings: Array.from({length: 6000}, (_, index) => ({...report.findings[0]!, message: `finding ${index} ${'x'.repeat(200)}`}))};
	writeChunksAtomically(file, jsonChunks(big));
	assert.equal(readFileSync(file, 'utf8'), renderJson(big));

	const failing = function* () {
		yield '{"half": ';
		throw new Error('encoding broke');
	};
	assert.throws(() => writeChunksAtomically(file, failing()), /encoding broke/);
	assert.equal(readFileSync(file, 'utf8'), renderJson(big), 'the old file is kept whole');
	assert.deepEqual(readdirSync(dir), ['report.json'], 'no temp file is left behind');
});
