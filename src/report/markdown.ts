import {pssSummary} from '../model/pss.js';
import type {Finding} from '../model/finding.js';
import type {Report, WaiverRef} from '../model/report.js';
import {sections, sectionTitles, statuses, type Status} from '../model/status.js';
import {asContext, checkInfo, type ReportContext} from './context.js';
import {checkNote, checkOutcome, groupByCheck, oneLine, sectionStats, tally, waiverText} from './common.js';
import {describeTarget, evidenceLines} from './text.js';
import {printable} from '../model/printable.js';

const attention: readonly Status[] = ['fail', 'error', 'warn'];
const openLimit = 50;
const settledLimit = 20;

// Markdown is read on terminals (cat, less, a pager in CI logs): control characters are shown escaped.
function escape(text: string): string {
	return printable(oneLine(text, 2000)).replace(/([\\`*_|<>[\]])/g, '\\$1');
}

/** Inline code that survives backticks inside the value. */
function code(text: string): string {
	const flat = printable(oneLine(text, 500));
	const fence = flat.includes('`') ? '``' : '`';
	return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
}

const outcomeLabels: Record<ReturnType<typeof checkOutcome>['label'], string> = {
	fail: 'FAIL',
	error: 'ERROR',
	warn: 'WARN',
	open: 'MANUAL, open',
	'attested-no': 'MANUAL, attested "no"',
	attested: 'MANUAL, attested',
	pass: 'PASS',
	waived: 'WAIVED',
	accepted: 'ACCEPTED',
	skip: 'SKIPPED',
};

function waiverLine(waiver: WaiverRef, verb: string): string {
	return `- ${code(waiver.check)} on ${code(waiver.target)}: ${escape(waiver.justification)} (approved by ${escape(waiver.approver)}, ${verb} ${waiver.expires})`;
}

/**
 * The compliance checklist an auditor reads: one heading per article section with its score, one box
 * per check (ticked when every target passed or was accepted, or a manual question was attested
 * "yes"/"n/a"; a waived check reads WAIVED and stays unticked), the operator's note once per check, the targets that need attention below it with evidence, remediation and
 * attestations, then the waivers that expired or matched nothing.
 */
export function renderMarkdown(report: Report, contextOrTitles: ReportContext | ReadonlyMap<string, {readonly title: string}>): string {
	const context = asContext(contextOrTitles);
	const out: string[] = [];
	out.push('# AKS hybrid container security checklist', '');
	out.push(`- Cluster: ${escape(report.cluster.context ?? '(none)')} ${report.cluster.server ? `(${escape(report.cluster.server)})` : ''}`.trimEnd());
	out.push(`- Source: ${report.cluster.source}`);
	out.push(`- Audited: ${report.startedAt} – ${report.finishedAt} by ${report.tool.name} ${report.tool.version}`);
	if (report.nodes.length) {
		const unreachable = report.nodes.filter((node) => node.reachable === false);
		const names = unreachable.map((node) => `${node.name}${node.error ? `: ${node.error}` : ''}`).join('; ');
		out.push(`- Nodes: ${report.nodes.length}${unreachable.length ? ` (${unreachable.length} unreachable: ${escape(names)})` : ''}`);
		// How each reached node was reached (SSH, a probe pod, or the kubelet's configz alone).
		const ways = new Map<string, number>();
		for (const node of report.nodes) if (node.reachable && node.access) ways.set(node.access, (ways.get(node.access) ?? 0) + 1);
		if ([...ways.keys()].some((way) => way !== 'ssh')) out.push(`- Nodes reached: ${[...ways].map(([way, count]) => `${count} ${way === 'kubernetes' ? 'through Kubernetes (probe pods)' : way === 'configz' ? 'through configz only (kubelet checks)' : 'over SSH'}`).join(', ')}`);
	}
	out.push(`- Score: ${report.summary.score} / 100`);
	out.push(`- Findings: ${statuses.map((status) => `${report.summary[status]} ${status}`).join(', ')}`, '');

	const stats = sectionStats(report);
	if (stats.length) {
		out.push(`| Section | Score | Checks | ${statuses.join(' | ')} |`);
		out.push(`| --- | ---: | ---: | ${statuses.map(() => '---:').join(' | ')} |`);
		for (const stat of stats) {
			out.push(`| ${sectionTitles[stat.section]} | ${stat.score} | ${stat.checks} | ${statuses.map((status) => stat.counts[status]).join(' | ')} |`);
		}
		out.push('');
	}

	const byCheck = groupByCheck(report.findings);
	for (const section of sections) {
		const checks = [...byCheck].filter(([, findings]) => findings[0]!.section === section);
		if (!checks.length) continue;
		const stat = stats.find((entry) => entry.section === section)!;
		const done = checks.filter(([, findings]) => checkOutcome(findings).done).length;
		const judged = stat.counts.pass + stat.counts.fail > 0 ? '' : ' (nothing passed or failed here to score)';
		out.push(`## ${sectionTitles[section]}`, '', `Score: ${stat.score} / 100${judged} · ${done} of ${checks.length} checks done`, '');
		for (const [checkId, findings] of checks) out.push(...checkLines(checkId, findings, context, checkNote(report, checkId)));
		out.push('');
	}

	const expired = report.waivers?.expired ?? [];
	const unused = report.waivers?.unused ?? [];
	if (expired.length || unused.length) {
		out.push('## Waivers', '');
		if (expired.length) {
			out.push('Expired, no longer applied (their findings count again):', '');
			for (const waiver of expired) out.push(waiverLine(waiver, 'expired'));
			out.push('');
		}
		if (unused.length) {
			out.push('Unused, matched no failing finding (remove them or fix the pattern):', '');
			for (const waiver of unused) out.push(waiverLine(waiver, 'expires'));
			out.push('');
		}
	}
	return `${out.join('\n').trimEnd()}\n`;
}

function checkLines(checkId: string, findings: readonly Finding[], context: ReportContext, note: string | undefined): string[] {
	const out: string[] = [];
	const info = checkInfo(context, findings[0]!);
	const outcome = checkOutcome(findings);
	out.push(`- [${outcome.done ? 'x' : ' '}] **${escape(info.title)}** (\`${checkId}\`, ${findings[0]!.severity}): ${outcomeLabels[outcome.label]}: ${tally(outcome.counts)}`);
	if (note) out.push(`  - Note: ${escape(note)}`);

	const open = findings.filter((finding) => attention.includes(finding.status));
	for (const finding of open.slice(0, openLimit)) {
		out.push(`  - ${finding.status.toUpperCase()} ${code(describeTarget(finding))}: ${escape(finding.message)}`);
		for (const line of evidenceLines(finding, 6)) out.push(`    - ${escape(line)}`);
	}
	if (open.length > openLimit) out.push(`  - … ${open.length - openLimit} more`);
	const firstFailing = open.find((finding) => finding.status !== 'error') ?? open[0];
	if (info.pss) out.push(`  - Pod Security Standard: ${escape(pssSummary(info.pss))}`);
	if (firstFailing) out.push(`  - Remediation: ${escape(firstFailing.remediation || info.remediation)}`);

	const manual = findings.filter((finding) => finding.status === 'manual');
	if (manual.length && info.question) out.push(`  - Question: ${escape(info.question)}`);
	for (const finding of manual.slice(0, openLimit)) {
		const attestation = finding.attestation;
		if (!attestation) out.push(`  - OPEN ${code(describeTarget(finding))}: not attested yet`);
		else {
			const note = attestation.note.trim() ? `: ${escape(attestation.note)}` : '';
			out.push(`  - ATTESTED ${code(describeTarget(finding))}: "${escape(attestation.answer)}" by ${escape(attestation.by)} at ${escape(attestation.at)}${note}`);
		}
	}
	if (manual.length > openLimit) out.push(`  - … ${manual.length - openLimit} more manual targets`);

	const settled = findings.filter((finding) => finding.status === 'accepted' || finding.status === 'waived');
	for (const finding of settled.slice(0, settledLimit)) {
		const why = finding.status === 'waived' ? waiverText(finding) : finding.reason ?? '';
		out.push(`  - ${finding.status}: ${code(describeTarget(finding))} (${escape(why)})`);
	}
	if (settled.length > settledLimit) out.push(`  - … ${settled.length - settledLimit} more accepted or waived`);

	const skipped = findings.filter((finding) => finding.status === 'skip');
	if (skipped.length && skipped.length === findings.length) out.push(`  - Skipped: ${escape(skipped[0]!.reason ?? skipped[0]!.message)}`);
	return out;
}
