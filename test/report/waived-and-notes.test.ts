// Waived findings and the operator's notes in each of the six formats: a waived check never reads
// as passed, and a note is printed once per check, not copied onto each of its targets.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {buildReport} from '../../src/engine/report.js';
import type {Decisions} from '../../src/engine/decisions.js';
import type {Finding} from '../../src/model/finding.js';
import {renderReport} from '../../src/report/render.js';
import {context, fixtureFindings, nodes} from './fixture.js';

const imagesNote = 'NOTE-IMAGES: the legacy db moves to a pinned tag in Q3';
const hostNote = 'NOTE-HOST: sshd drop-in is rolled out by the node image';

/** The fixture's findings as the engine made them: nothing waived yet. */
function engineFindings(): Finding[] {
	return fixtureFindings().map((finding) => {
		if (finding.status !== 'waived') return finding;
		const {waiver: _waiver, reason: _reason, ...rest} = finding;
		return {...rest, status: 'fail'};
	});
}

const decisions: Decisions = {
	waivers: [
		{check: 'images.tag-pinned', target: 'shop/web', justification: 'pinned by the release train', approver: 'security@contoso.example', expires: '2099-12-31'},
		{check: 'images.tag-pinned', target: 'legacy/*', justification: 'vendor image, pinned upstream in Q3', approver: 'security@contoso.example', expires: '2099-12-31'},
	],
	attestations: [],
	notes: {'images.tag-pinned': imagesNote, 'host.sshd-config': hostNote},
};

const report = buildReport({
	version: '0.1.0',
	startedAt: '2025-05-02T09:00:00.000Z',
	finishedAt: '2025-05-02T09:01:00.000Z',
	cluster: {context: 'moc-prod', server: 'https://10.0.0.10:6443', source: 'cluster'},
	nodes,
	findings: engineFindings(),
	checkOrder: [...new Set(fixtureFindings().map((finding) => finding.checkId))],
	decisions,
	today: new Date('2025-05-02T09:01:00Z'),
});

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

test('the report the formats get: images.tag-pinned is one pass and two waived, its score unchanged by waiving', () => {
	const tagPinned = report.findings.filter((finding) => finding.checkId === 'images.tag-pinned');
	assert.deepEqual(tagPinned.map((finding) => finding.status).sort(), ['pass', 'waived', 'waived']);
	assert.equal(report.summary.waived, 2);
	const unwaived = buildReport({...reportInputWithout(), decisions: {...decisions, waivers: []}});
	assert.equal(report.summary.score, unwaived.summary.score, 'waiving does not raise the score');
	assert.deepEqual(report.notes, {'images.tag-pinned': imagesNote, 'host.sshd-config': hostNote});
	for (const finding of report.findings) assert.equal(JSON.stringify(finding).includes('NOTE-'), false, `no note copied onto ${finding.checkId}`);
});

function reportInputWithout() {
	return {
		version: '0.1.0',
		startedAt: report.startedAt,
		finishedAt: report.finishedAt,
		cluster: report.cluster,
		nodes,
		findings: engineFindings(),
		checkOrder: [...new Set(fixtureFindings().map((finding) => finding.checkId))],
		today: new Date('2025-05-02T09:01:00Z'),
	};
}

test('markdown: the waived check reads WAIVED with an empty box, never PASS; each note once', () => {
	const text = renderReport(report, 'markdown', context);
	const line = text.split('\n').find((entry) => entry.includes('`images.tag-pinned`'))!;
	assert.match(line, /^- \[ \] .*: WAIVED: 1 pass, 2 waived$/);
	assert.doesNotMatch(line, /PASS/);
	assert.equal(occurrences(text, imagesNote), 1);
	assert.equal(occurrences(text, hostNote), 1);
	const noteAt = text.indexOf(imagesNote);
	assert.ok(noteAt > text.indexOf(line), 'the note sits with its check');
});

test('html: the waived check has its own mark and label, not the pass tick; each note once', () => {
	const text = renderReport(report, 'html', context);
	const item = /<li class="([a-z]+)"><span class="box" aria-hidden="true">(.)<\/span> <strong>[^<]*<\/strong> <code>images\.tag-pinned<\/code>.*?<\/li>/.exec(text);
	assert.ok(item, 'the checklist item');
	assert.equal(item[1], 'waived');
	assert.notEqual(item[2], '☑');
	assert.match(item[0], /class="outcome o-waived">waived</);
	assert.equal(occurrences(text, 'NOTE-IMAGES'), 1);
	assert.equal(occurrences(text, 'NOTE-HOST'), 1);
});

test('json: waived findings are waived, the notes are the report\'s, once each', () => {
	const text = renderReport(report, 'json', context);
	const parsed = JSON.parse(text) as typeof report;
	assert.equal(parsed.findings.filter((finding) => finding.status === 'waived').length, 2);
	assert.equal(parsed.findings.find((finding) => finding.status === 'waived')!.waiver!.status, 'fail');
	assert.equal(occurrences(text, imagesNote), 1);
	assert.equal(occurrences(text, hostNote), 1);
});

test('csv: waived rows say waived with the waiver; the note is on the check\'s first row only', () => {
	const text = renderReport(report, 'csv', context);
	const rows = text.trim().split('\r\n');
	const waivedRows = rows.filter((row) => row.startsWith('images.tag-pinned,') && row.includes(',waived,'));
	assert.equal(waivedRows.length, 2);
	assert.ok(waivedRows.every((row) => row.includes('security@contoso.example')));
	assert.equal(occurrences(text, imagesNote), 1);
	assert.equal(occurrences(text, hostNote), 1);
	const firstImages = rows.findIndex((row) => row.startsWith('images.tag-pinned,'));
	assert.ok(rows[firstImages]!.includes(imagesNote));
});

test('junit: a waived finding is skipped with "waived by", never a passing case; each note once, on the suite', () => {
	const text = renderReport(report, 'junit', context);
	const cases = [...text.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].filter((match) => match[0].includes('images.tag-pinned'));
	assert.equal(cases.length, 3);
	const waived = cases.filter((match) => /<skipped message="waived by security@contoso\.example/.test(match[0]));
	assert.equal(waived.length, 2, cases.map((match) => match[0]).join('\n'));
	assert.equal(occurrences(text, 'NOTE-IMAGES'), 1);
	assert.equal(occurrences(text, 'NOTE-HOST'), 1);
	assert.match(text, /<property name="note\.images\.tag-pinned" value="NOTE-IMAGES/);
});

test('sarif: waived results carry an accepted suppression; each note once, on its rule', () => {
	const text = renderReport(report, 'sarif', context);
	const sarif = JSON.parse(text) as {runs: [{tool: {driver: {rules: {id: string; properties: Record<string, unknown>}[]}}; results: {ruleId: string; suppressions?: {status: string}[]}[]}]};
	const [run] = sarif.runs;
	const waived = run.results.filter((result) => result.ruleId === 'images.tag-pinned');
	assert.equal(waived.length, 2, 'the pass is not a result; both waived ones are');
	assert.ok(waived.every((result) => result.suppressions?.[0]?.status === 'accepted'));
	assert.equal(run.tool.driver.rules.find((rule) => rule.id === 'images.tag-pinned')!.properties['note'], imagesNote);
	assert.equal(occurrences(text, imagesNote), 1);
	assert.equal(occurrences(text, hostNote), 1);
});
