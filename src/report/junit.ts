import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {sectionTitles, statuses} from '../model/status.js';
import {targetKey} from '../model/target.js';
import {checkInfo, type ReportContext} from './context.js';
import {attestationText, checkNote, oneLine, sectionStats, waiverText} from './common.js';
import {describeTarget, evidenceLines} from './text.js';
import {xmlAttribute, xmlEscape} from './xml.js';

/** JUnit's timestamp is a zone-less UTC date-time to the second (the Ant schema forbids the rest). */
function junitTimestamp(iso: string): string {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? '1970-01-01T00:00:00' : date.toISOString().slice(0, 19);
}

function token(text: string, fallback: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat || fallback;
}

function details(finding: Finding, context: ReportContext, withRemediation: boolean): string {
	const info = checkInfo(context, finding);
	const lines = [
		`Check: ${finding.checkId}: ${info.title} (${finding.severity})`,
		`Target: ${describeTarget(finding)}`,
		finding.message,
	];
	const evidence = evidenceLines(finding, 20);
	if (evidence.length) lines.push('Evidence:', ...evidence.map((line) => `  ${line}`));
	// A manual finding's reason is its question and a waived one's is the justification: both are shown already.
	if (finding.reason && finding.reason !== finding.message && finding.status !== 'manual' && finding.status !== 'waived') lines.push(`Reason: ${finding.reason}`);
	if (withRemediation) {
		lines.push(`Remediation: ${finding.remediation || info.remediation}`);
		if (finding.playbook) lines.push(`Playbook: ${finding.playbook} (aks-harden fix)`);
	}
	return lines.join('\n');
}

function testcase(finding: Finding, context: ReportContext): string {
	const name = `${finding.checkId} ${targetKey(finding.target)}`;
	const open = `    <testcase name="${xmlAttribute(token(name, finding.checkId))}" classname="${xmlAttribute(`aks-harden.${finding.checkId}`)}" time="0"`;
	const child = (element: string, attributes: string, body: string) =>
		`${open}>\n      <${element}${attributes}>${xmlEscape(body)}</${element}>\n    </testcase>`;
	switch (finding.status) {
		case 'fail':
			return child('failure', ` type="${finding.severity}" message="${xmlAttribute(oneLine(finding.message))}"`, details(finding, context, true));
		case 'error':
			return child('error', ` type="error" message="${xmlAttribute(oneLine(finding.message))}"`, details(finding, context, false));
		case 'manual': {
			const info = checkInfo(context, finding);
			const body = [attestationText(finding), ...(info.question ? [`Question: ${info.question}`] : []), details(finding, context, false)].join('\n');
			return child('skipped', ` message="${xmlAttribute(oneLine(`manual: ${attestationText(finding)}`))}"`, body);
		}
		case 'waived':
			return child('skipped', ` message="${xmlAttribute(oneLine(waiverText(finding)))}"`, details(finding, context, true));
		case 'skip':
		case 'warn':
			return child('skipped', ` message="${xmlAttribute(oneLine(`${finding.status}: ${finding.reason ?? finding.message}`))}"`, details(finding, context, finding.status === 'warn'));
		case 'pass':
		case 'accepted':
			return `${open}/>`;
	}
}

/**
 * JUnit XML (the Ant schema CI servers read): a testsuite per article section, a testcase per
 * check × target. `fail` → <failure> with message, evidence and remediation; `error` → <error>;
 * `skip`, `manual` (attested or open), `warn` and `waived` → <skipped> with the status first in its
 * message; `pass` and `accepted` pass. A CI gate therefore counts exactly the `fail` findings.
 */
export function renderJunit(report: Report, context: ReportContext): string {
	const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
	const hostname = token(report.cluster.context ?? '', 'localhost');
	const timestamp = junitTimestamp(report.startedAt);
	sectionStats(report).forEach((stat, id) => {
		const findings = report.findings.filter((finding) => finding.section === stat.section);
		const skipped = stat.counts.skip + stat.counts.manual + stat.counts.warn + stat.counts.waived;
		out.push(
			`  <testsuite package="aks-harden" id="${id}" name="${xmlAttribute(`${sectionTitles[stat.section]} (${stat.section})`)}" timestamp="${timestamp}" hostname="${xmlAttribute(hostname)}" tests="${findings.length}" failures="${stat.counts.fail}" errors="${stat.counts.error}" skipped="${skipped}" time="0">`,
			'    <properties>',
			...[
				['section', stat.section],
				['score', String(stat.score)],
				['overall-score', String(report.summary.score)],
				['cluster', report.cluster.context ?? ''],
				['source', report.cluster.source],
				['tool', `${report.tool.name} ${report.tool.version}`],
				...statuses.map((status) => [`count.${status}`, String(stat.counts[status])]),
				// The operator's note, once per check rather than on each of its testcases.
				...[...new Set(findings.map((finding) => finding.checkId))].flatMap((checkId) => {
					const note = checkNote(report, checkId);
					return note ? [[`note.${checkId}`, note]] : [];
				}),
			].map(([name, value]) => `      <property name="${xmlAttribute(name!)}" value="${xmlAttribute(value!)}"/>`),
			'    </properties>',
			...findings.map((finding) => testcase(finding, context)),
			`    <system-out>${xmlEscape(`${sectionTitles[stat.section]}: score ${stat.score} / 100 over ${stat.checks} checks (${statuses.filter((status) => stat.counts[status]).map((status) => `${stat.counts[status]} ${status}`).join(', ')})`)}</system-out>`,
			'    <system-err></system-err>',
			'  </testsuite>',
		);
	});
	out.push('</testsuites>');
	return `${out.join('\n')}\n`;
}
