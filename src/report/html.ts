import {pssSummary} from '../model/pss.js';
import {createHash} from 'node:crypto';
import type {Finding} from '../model/finding.js';
import type {Report, WaiverRef} from '../model/report.js';
import {sections, sectionTitles, severityRank, statuses, type Status} from '../model/status.js';
import {targetKey} from '../model/target.js';
import {checkInfo, type ReportContext} from './context.js';
import {attestationText, checkNote, checkOutcome, groupByCheck, isOpenManual, sectionStats, tally, waiverText, type SectionStats} from './common.js';

/** Row order and sort order of statuses: what needs someone first. */
const statusOrder: readonly Status[] = ['fail', 'error', 'warn', 'manual', 'waived', 'accepted', 'skip', 'pass'];

const colours: Readonly<Record<Status, string>> = {
	fail: '#c62828',
	error: '#6a1b9a',
	warn: '#ef8f00',
	manual: '#1565c0',
	waived: '#00838f',
	accepted: '#78909c',
	skip: '#bdbdbd',
	pass: '#2e7d32',
};

export function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const h = escapeHtml;

function valueText(value: unknown): string {
	const compact = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	const text = compact.length <= 160 || typeof value === 'string' ? compact : JSON.stringify(value, null, 2);
	return text.length > 4000 ? `${text.slice(0, 3999)}…` : text;
}

function evidenceBlock(finding: Finding, context: ReportContext): string {
	const info = checkInfo(context, finding);
	const items: string[] = [];
	const add = (term: string, description: string) => items.push(`<dt>${h(term)}</dt><dd>${description}</dd>`);
	if (finding.location) add('Manifest', `<code>${h(finding.location.file)}:${finding.location.line}</code>`);
	for (const [key, value] of Object.entries(finding.evidence)) {
		if (key === 'commands' && value && typeof value === 'object' && !Array.isArray(value)) {
			const commands = Object.entries(value as Record<string, unknown>).map(([probe, command]) => `<pre class="command">$ ${h(valueText(command))}  <span class="probe">(${h(probe)})</span></pre>`);
			add('Commands run', commands.join(''));
			continue;
		}
		const text = valueText(value);
		add(key, text.includes('\n') ? `<pre>${h(text)}</pre>` : `<code>${h(text)}</code>`);
	}
	if (finding.reason && finding.reason !== finding.message && finding.status !== 'waived') add('Reason', h(finding.reason));
	if (finding.status === 'manual') {
		if (info.question) add('Question', h(info.question));
		add('Attestation', h(attestationText(finding)));
	}
	if (finding.status === 'waived') add('Waiver', h(waiverText(finding)));
	if (['fail', 'warn', 'error', 'waived', 'manual'].includes(finding.status)) add('Remediation', h(finding.remediation || info.remediation));
	if (finding.playbook) add('Playbook', `<code>${h(finding.playbook)}</code> <span class="muted">(aks-harden fix)</span>`);
	if (info.pss) add('Pod Security Standard', h(pssSummary(info.pss)));
	if (info.rationale) add('Why it matters', h(info.rationale));
	return `<details><summary>Evidence and remediation</summary><dl>${items.join('')}</dl></details>`;
}

function findingRow(finding: Finding, context: ReportContext): string {
	const info = checkInfo(context, finding);
	const key = targetKey(finding.target);
	const manualState = finding.status === 'manual' ? (finding.attestation ? ` <span class="tag">attested ${h(finding.attestation.answer)}</span>` : ' <span class="tag open">open</span>') : '';
	return [
		`<tr data-status="${finding.status}" data-status-rank="${statusOrder.indexOf(finding.status)}" data-severity="${finding.severity}" data-severity-rank="${severityRank(finding.severity)}" data-section="${finding.section}" data-check="${h(finding.checkId)}" data-target="${h(key)}">`,
		`<td><span class="badge s-${finding.status}">${finding.status}</span>${manualState}</td>`,
		`<td><span class="sev sev-${finding.severity}">${finding.severity}</span></td>`,
		`<td><code>${h(finding.checkId)}</code><div class="muted">${h(info.title)}</div></td>`,
		`<td>${h(sectionTitles[finding.section])}</td>`,
		`<td><code>${h(key)}</code>${finding.location ? `<div class="muted">${h(finding.location.file)}:${finding.location.line}</div>` : ''}</td>`,
		`<td>${h(finding.message)}${evidenceBlock(finding, context)}</td>`,
		'</tr>',
	].join('');
}

function chart(stats: readonly SectionStats[]): string {
	const labelWidth = 300;
	const barWidth = 400;
	const rowHeight = 30;
	const width = labelWidth + barWidth + 110;
	const height = stats.length * rowHeight + 10;
	const rows = stats.map((stat, index) => {
		const y = 5 + index * rowHeight;
		let x = labelWidth;
		const segments = statusOrder
			.filter((status) => stat.counts[status] > 0)
			.map((status) => {
				const w = (stat.counts[status] / stat.total) * barWidth;
				const rect = `<rect class="seg" x="${x.toFixed(2)}" y="${y + 4}" width="${w.toFixed(2)}" height="${rowHeight - 10}" fill="${colours[status]}"><title>${h(sectionTitles[stat.section])}: ${stat.counts[status]} ${status}</title></rect>`;
				x += w;
				return rect;
			});
		return [
			`<g class="section-bar" data-section="${stat.section}">`,
			`<text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${h(sectionTitles[stat.section])}</text>`,
			...segments,
			`<text x="${labelWidth + barWidth + 8}" y="${y + rowHeight / 2 + 4}" class="score">${stat.score} / 100${stat.counts.pass + stat.counts.fail ? '' : '*'}</text>`,
			'</g>',
		].join('');
	});
	const legend = statusOrder.map((status) => `<span class="legend-item"><span class="swatch" data-colour="${status}"></span>${status}</span>`).join('');
	const unscored = stats.some((stat) => stat.counts.pass + stat.counts.fail === 0) ? '<p class="muted">* nothing passed or failed in this section, so nothing lowers its score.</p>' : '';
	return `<svg class="chart" role="img" aria-label="Findings per section by status, with each section's score" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg><div class="legend">${legend}</div>${unscored}`;
}

function cards(report: Report): string {
	const openManual = report.findings.filter(isOpenManual).length;
	const attested = report.summary.manual - openManual;
	const unreachable = report.nodes.filter((node) => node.reachable === false).length;
	const card = (value: string, label: string, cls: string) => `<div class="card ${cls}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
	return [
		card(String(report.summary.score), 'score / 100', 'score'),
		...statusOrder.map((status) =>
			card(String(report.summary[status]), status === 'manual' ? `manual (${openManual} open, ${attested} attested)` : status, `c-${status}`),
		),
		card(String(report.nodes.length), `nodes${unreachable ? ` (${unreachable} unreachable)` : ''}`, 'nodes'),
	].join('');
}

function checklist(report: Report, context: ReportContext): string {
	const byCheck = groupByCheck(report.findings);
	const out: string[] = [];
	for (const section of sections) {
		const checks = [...byCheck].filter(([, findings]) => findings[0]!.section === section);
		if (!checks.length) continue;
		out.push(`<h3>${h(sectionTitles[section])}</h3><ul class="checklist">`);
		for (const [checkId, findings] of checks) {
			const outcome = checkOutcome(findings);
			const info = checkInfo(context, findings[0]!);
			const note = checkNote(report, checkId);
			// A waived check gets its own mark: neither the pass tick nor an open box.
			const [cls, box] = outcome.done ? ['done', '☑'] : outcome.label === 'waived' ? ['waived', '⊘'] : ['todo', '☐'];
			out.push(
				`<li class="${cls}"><span class="box" aria-hidden="true">${box}</span> <strong>${h(info.title)}</strong> <code>${h(checkId)}</code> <span class="sev sev-${findings[0]!.severity}">${findings[0]!.severity}</span> <span class="outcome o-${outcome.label}">${h(outcome.label.replace('-', ' '))}</span> <span class="muted">${h(tally(outcome.counts))}</span>${note ? `<div class="note">Note: ${h(note)}</div>` : ''}</li>`,
			);
		}
		out.push('</ul>');
	}
	return out.join('');
}

function waiverList(title: string, waivers: readonly WaiverRef[], verb: string): string {
	if (!waivers.length) return '';
	const items = waivers.map((waiver) => `<li><code>${h(waiver.check)}</code> on <code>${h(waiver.target)}</code>: ${h(waiver.justification)} <span class="muted">(approved by ${h(waiver.approver)}, ${verb} ${h(waiver.expires)})</span></li>`);
	return `<h3>${h(title)}</h3><ul>${items.join('')}</ul>`;
}

const style = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0 auto;max-width:1280px;padding:24px;line-height:1.45}
h1{margin:0 0 4px;font-size:1.6em}h2{margin-top:32px;border-bottom:1px solid var(--line);padding-bottom:4px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:6px 8px;border-radius:4px;margin:2px 0}
.muted,.probe{color:var(--muted);font-size:.9em}.meta{color:var(--muted);margin:0}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:20px 0}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:10px 14px;min-width:110px;background:var(--soft)}
.card .value{font-size:1.7em;font-weight:600}.card .label{color:var(--muted);font-size:.85em}
.card.score{border-left-color:#0969da}.card.nodes{border-left-color:#57606a}
${statusOrder.map((status) => `.c-${status}{border-left-color:${colours[status]}}.s-${status}{background:${colours[status]}}.swatch[data-colour="${status}"]{background:${colours[status]}}`).join('\n')}
.badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:.82em;font-weight:600;white-space:nowrap}
.s-skip{color:#1f2328}
.tag{border:1px solid var(--line);border-radius:10px;padding:0 6px;font-size:.78em;white-space:nowrap}.tag.open{border-color:#1565c0;color:#1565c0}
.sev{font-size:.82em;font-weight:600;text-transform:uppercase}.sev-critical{color:#8b0000}.sev-high{color:#c62828}.sev-medium{color:#b26a00}.sev-low{color:var(--muted)}
.chart text{font-size:13px;fill:#1f2328}.chart .score{font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:.85em;margin:6px 0 0}.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.checklist{list-style:none;padding-left:0}.checklist li{padding:3px 0}.box{font-size:1.1em}.todo .box{color:#c62828}.done .box{color:#2e7d32}.waived .box{color:#00838f}.note{margin:2px 0 0 1.6em;font-style:italic}
.outcome{font-size:.82em;border:1px solid var(--line);border-radius:10px;padding:0 6px}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 12px}
.controls input,.controls select,.controls button{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px;background:var(--bg)}
.controls input{min-width:260px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);position:sticky;top:0}#findings{table-layout:fixed}#findings td{overflow-wrap:anywhere}
#findings th:nth-child(1){width:7%}#findings th:nth-child(2){width:7%}#findings th:nth-child(3){width:15%}#findings th:nth-child(4){width:9%}#findings th:nth-child(5){width:15%}th[data-sort]{cursor:pointer;user-select:none;white-space:nowrap}
th[data-sort]::after{content:" ↕";color:var(--muted)}th[aria-sort=ascending]::after{content:" ↑"}th[aria-sort=descending]::after{content:" ↓"}
details{margin-top:4px}summary{cursor:pointer;color:#0969da;font-size:.9em}
dl{display:grid;grid-template-columns:fit-content(40%) 1fr;gap:2px 12px;margin:6px 0}dt{font-weight:600;color:var(--muted);overflow-wrap:anywhere}dd{margin:0;min-width:0;overflow-wrap:anywhere}
.nodes td,.nodes th{font-size:.92em}
@media print{
  @page{size:A4 landscape;margin:12mm}
  :root{font-size:10pt}body{max-width:none;padding:0}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .controls,summary{display:none}
  details::details-content{content-visibility:visible;display:block}
  th{position:static}thead{display:table-header-group}tr,.card,.checklist li{break-inside:avoid}
  h2{break-after:avoid}a{color:inherit;text-decoration:none}
}
`;

/** Sorting, filtering and print expansion; reads the DOM only, so no report data lives in the script. */
const script = `
(function () {
  'use strict';
  var table = document.getElementById('findings');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var status = document.getElementById('filter-status');
  var severity = document.getElementById('filter-severity');
  var section = document.getElementById('filter-section');
  var count = document.getElementById('shown');
  var haystack = rows.map(function (row) { return row.textContent.toLowerCase(); });
  function apply() {
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = (!status.value || row.dataset.status === status.value) &&
        (!severity.value || row.dataset.severity === severity.value) &&
        (!section.value || row.dataset.section === section.value) &&
        words.every(function (word) { return haystack[i].indexOf(word) !== -1; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' findings shown';
  }
  [text, status, severity, section].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  var keys = {
    status: function (row) { return Number(row.dataset.statusRank); },
    severity: function (row) { return -Number(row.dataset.severityRank); },
    check: function (row) { return row.dataset.check; },
    section: function (row) { return row.dataset.section; },
    target: function (row) { return row.dataset.target; }
  };
  var headers = Array.prototype.slice.call(table.tHead.querySelectorAll('th[data-sort]'));
  function sortBy(th) {
    var key = keys[th.dataset.sort];
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var order = rows.map(function (row, i) { return {row: row, key: key(row), i: i}; });
    order.sort(function (a, b) {
      var c = a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i;
      return ascending ? c : -c;
    });
    order.forEach(function (entry) { body.appendChild(entry.row); });
  }
  headers.forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener('click', function () { sortBy(th); });
    th.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(th); } });
  });
  var toggle = document.getElementById('toggle-details');
  toggle.addEventListener('click', function () {
    var open = toggle.dataset.open !== 'true';
    document.querySelectorAll('#findings details').forEach(function (d) { d.open = open; });
    toggle.dataset.open = String(open);
    toggle.textContent = open ? 'Collapse all evidence' : 'Expand all evidence';
  });
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { closed.forEach(function (d) { d.open = false; }); closed = []; });
  apply();
})();
`;

const scriptHash = createHash('sha256').update(script).digest('base64');

/**
 * One self-contained HTML file: summary cards, a per-section chart (inline SVG), the checklist, a
 * sortable, filterable findings table with collapsible evidence, nodes and waivers. No external
 * asset is referenced and the Content-Security-Policy forbids any; the only script is the one
 * inline block, allowed by its hash. Print CSS expands evidence and hides the controls.
 */
export function renderHtml(report: Report, context: ReportContext): string {
	const stats = sectionStats(report);
	const findings = [...report.findings].sort(
		(a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status) || severityRank(b.severity) - severityRank(a.severity),
	);
	const presentSections = stats.map((stat) => stat.section);
	const option = (value: string, label: string) => `<option value="${h(value)}">${h(label)}</option>`;
	const title = `aks-harden report: ${report.cluster.context ?? report.cluster.source}`;
	const nodes = report.nodes.length
		? `<h2>Nodes</h2><table class="nodes"><thead><tr><th>Name</th><th>Address</th><th>OS</th><th>Role</th><th>Reachable</th><th>Error</th></tr></thead><tbody>${report.nodes
				.map((node) => `<tr><td>${h(node.name)}</td><td>${h(node.address)}</td><td>${h(node.os)}</td><td>${h(node.role)}</td><td>${node.reachable === null ? 'not tried' : node.reachable ? `yes${node.access ? ` (${h(node.access)})` : ''}` : 'no'}</td><td>${h(node.error ?? '')}</td></tr>`)
				.join('')}</tbody></table>`
		: '';
	const expired = report.waivers?.expired ?? [];
	const unused = report.waivers?.unused ?? [];
	const waivers =
		expired.length || unused.length
			? `<h2>Waivers</h2>${waiverList('Expired, no longer applied', expired, 'expired')}${waiverList('Unused, matched no failing finding', unused, 'expires')}`
			: '';
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="${h(`${report.tool.name} ${report.tool.version}`)}">
<title>${h(title)}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>AKS hybrid container security report</h1>
<p class="meta">Cluster <strong>${h(report.cluster.context ?? '(none)')}</strong>${report.cluster.server ? ` (${h(report.cluster.server)})` : ''} · source ${h(report.cluster.source)} · audited ${h(report.startedAt)} – ${h(report.finishedAt)} · ${h(report.tool.name)} ${h(report.tool.version)}</p>
</header>
<main>
<section class="cards" aria-label="Summary">${cards(report)}</section>
<section aria-labelledby="by-section"><h2 id="by-section">By section</h2>${stats.length ? chart(stats) : '<p>No findings.</p>'}</section>
<section aria-labelledby="checklist"><h2 id="checklist">Checklist</h2>${checklist(report, context)}</section>
<section aria-labelledby="findings-title"><h2 id="findings-title">Findings</h2>
<div class="controls">
<input id="filter-text" type="search" placeholder="Filter: check, target, message, evidence…" aria-label="Filter findings">
<select id="filter-status" aria-label="Status">${option('', 'All statuses')}${statusOrder.filter((status) => report.summary[status]).map((status) => option(status, `${status} (${report.summary[status]})`)).join('')}</select>
<select id="filter-severity" aria-label="Severity">${option('', 'All severities')}${['critical', 'high', 'medium', 'low'].map((severity) => option(severity, severity)).join('')}</select>
<select id="filter-section" aria-label="Section">${option('', 'All sections')}${presentSections.map((section) => option(section, sectionTitles[section])).join('')}</select>
<button id="toggle-details" type="button">Expand all evidence</button>
<span id="shown" class="muted">${findings.length} of ${findings.length} findings shown</span>
</div>
<table id="findings">
<thead><tr><th data-sort="status">Status</th><th data-sort="severity">Severity</th><th data-sort="check">Check</th><th data-sort="section">Section</th><th data-sort="target">Target</th><th>Finding</th></tr></thead>
<tbody>
${findings.map((finding) => findingRow(finding, context)).join('\n')}
</tbody>
</table>
</section>
${nodes}
${waivers}
</main>
<footer><p class="muted">Statuses: ${statuses.map((status) => `${report.summary[status]} ${status}`).join(', ')}. The score counts passes and failures weighted by severity; other statuses neither raise nor lower it.</p></footer>
<script>${script}</script>
</body>
</html>
`;
}
