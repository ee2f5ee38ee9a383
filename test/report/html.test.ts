import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {renderReport} from '../../src/report/render.js';
import {missing} from '../support/prerequisites.js';
import {Chromium} from './chromium.js';
import {context, fixtureReport} from './fixture.js';

test('html: one self-contained file, no external reference, data escaped', () => {
	const html = renderReport(fixtureReport(), 'html', context);
	assert.match(html, /^<!DOCTYPE html>/);
	assert.doesNotMatch(html, /\b(src|href)\s*=/i, 'no src= or href= at all');
	assert.doesNotMatch(html, /url\(/i);
	assert.doesNotMatch(html, /@import/i);
	assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
	assert.equal(html.match(/<script>/g)?.length, 1);
	assert.doesNotMatch(html, /<script>alert/);
	assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
	assert.match(html, /<svg class="chart"/);
	assert.match(html, /@media print/);
	assert.match(html, /<details><summary>Evidence and remediation<\/summary>/);
	assert.match(html, /attested yes/);
	assert.match(html, /class="tag open">open</);
});

test('html: opens in headless Chromium without errors; chart, rows, sorting, filtering and print work', {timeout: 90_000, skip: missing('chromium')}, async () => {
	const report = fixtureReport();
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-html-'));
	const file = join(dir, 'report.html');
	writeFileSync(file, renderReport(report, 'html', context));
	const url = pathToFileURL(file).href;
	const browser = await Chromium.launch();
	try {
		const page = await browser.newPage();
		await browser.navigate(page, url);
		const dom = await browser.evaluate<{svg: number; bars: number; rows: number; details: number; cards: number; shown: string; statuses: string[]}>(
			page,
			`({
				svg: document.querySelectorAll('svg.chart').length,
				bars: document.querySelectorAll('svg.chart g.section-bar').length,
				rows: document.querySelectorAll('#findings tbody tr').length,
				details: document.querySelectorAll('#findings details').length,
				cards: document.querySelectorAll('.cards .card').length,
				shown: document.getElementById('shown').textContent,
				statuses: [...document.querySelectorAll('#findings tbody tr')].map((row) => row.dataset.status),
			})`,
		);
		assert.equal(dom.svg, 1);
		assert.equal(dom.bars, new Set(report.findings.map((finding) => finding.section)).size);
		assert.equal(dom.rows, report.findings.length);
		assert.equal(dom.details, report.findings.length);
		assert.ok(dom.cards >= 9);
		assert.equal(dom.shown, `${report.findings.length} of ${report.findings.length} findings shown`);
		assert.equal(dom.statuses[0], 'fail', 'what needs someone comes first');

		// Sort by target, twice (ascending then descending).
		const targets = await browser.evaluate<string[][]>(
			page,
			`(() => {
				const th = document.querySelector('th[data-sort="target"]');
				const read = () => [...document.querySelectorAll('#findings tbody tr')].map((row) => row.dataset.target);
				th.click(); const up = read();
				th.click(); const down = read();
				return [up, down, [th.getAttribute('aria-sort')]];
			})()`,
		);
		assert.deepEqual(targets[0], [...targets[0]!].sort());
		assert.deepEqual(targets[1], [...targets[0]!].reverse());
		assert.deepEqual(targets[2], ['descending']);

		// Filter by status, then by free text.
		const filtered = await browser.evaluate<{fail: number; text: number; shown: string; none: number}>(
			page,
			`(() => {
				const visible = () => [...document.querySelectorAll('#findings tbody tr')].filter((row) => !row.hidden);
				const status = document.getElementById('filter-status');
				status.value = 'fail'; status.dispatchEvent(new Event('change'));
				const fail = visible().length;
				status.value = ''; status.dispatchEvent(new Event('change'));
				const text = document.getElementById('filter-text');
				text.value = 'moc-lnx-w1 sshd'; text.dispatchEvent(new Event('input'));
				const byText = visible().length;
				const shown = document.getElementById('shown').textContent;
				text.value = 'no-such-thing-anywhere'; text.dispatchEvent(new Event('input'));
				const none = visible().length;
				text.value = ''; text.dispatchEvent(new Event('input'));
				return {fail, text: byText, shown, none};
			})()`,
		);
		assert.equal(filtered.fail, report.summary.fail);
		assert.equal(filtered.text, 1);
		assert.equal(filtered.shown, `1 of ${report.findings.length} findings shown`);
		assert.equal(filtered.none, 0);

		// Expand all evidence, then print: the controls go, the evidence shows.
		assert.equal(await browser.evaluate<number>(page, `document.getElementById('toggle-details').click(), document.querySelectorAll('#findings details[open]').length`), report.findings.length);
		await browser.evaluate(page, `document.getElementById('toggle-details').click(), 0`);
		await browser.send('Emulation.setEmulatedMedia', {media: 'print'}, page);
		const print = await browser.evaluate<{controls: string; evidence: number}>(page, `({controls: getComputedStyle(document.querySelector('.controls')).display, evidence: document.querySelector('#findings details dd').getBoundingClientRect().height})`);
		assert.equal(print.controls, 'none');
		assert.ok(print.evidence > 0, 'closed evidence still prints');
		const pdf = await browser.send('Page.printToPDF', {landscape: true, printBackground: true}, page);
		assert.ok(Buffer.from(String(pdf['data']), 'base64').subarray(0, 5).toString() === '%PDF-');

		assert.deepEqual(browser.errors(page), []);
		assert.deepEqual(browser.requests(page), [url], 'the page loads nothing but itself');

		// An audit with nothing in it still opens cleanly.
		const emptyFile = join(dir, 'empty.html');
		writeFileSync(emptyFile, renderReport(fixtureReport({findings: [], nodes: [], waivers: {expired: [], unused: []}}), 'html', context));
		const emptyPage = await browser.newPage();
		await browser.navigate(emptyPage, pathToFileURL(emptyFile).href);
		assert.equal(await browser.evaluate<string>(emptyPage, `document.getElementById('shown').textContent`), '0 of 0 findings shown');
		assert.deepEqual(browser.errors(emptyPage), []);
	} finally {
		await browser.close();
		rmSync(dir, {recursive: true, force: true});
	}
});
