import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {sections, sectionTitles, statuses, type Status} from '../model/status.js';
import {score} from '../engine/summary.js';
import {describeTarget, evidenceLines} from './text.js';

type CheckInfo = {readonly title: string};

const attention: readonly Status[] = ['fail', 'error', 'warn', 'manual'];

function escape(text: string): string {
	return text.replace(/([\\`*_|<>])/g, '\\$1');
}

/**
 * The compliance checklist an auditor reads: one heading per article section, one box per check,
 * ticked when every target passed or was accepted/waived; the targets that need attention below it.
 */
export function renderMarkdown(report: Report, titles: ReadonlyMap<string, CheckInfo>): string {
	const out: string[] = [];
	out.push('# AKS hybrid container security checklist', '');
	out.push(`- Cluster: ${report.cluster.context ?? '(none)'} ${report.cluster.server ? `(${report.cluster.server})` : ''}`.trimEnd());
	out.push(`- Source: ${report.cluster.source}`);
	out.push(`- Audited: ${report.startedAt} – ${report.finishedAt} by ${report.tool.name} ${report.tool.version}`);
	if (report.nodes.length) {
		const unreachable = report.nodes.filter((node) => node.reachable === false).length;
		out.push(`- Nodes: ${report.nodes.length}${unreachable ? ` (${unreachable} unreachable)` : ''}`);
	}
	out.push(`- Score: ${report.summary.score} / 100`);
	out.push(`- Findings: ${statuses.map((status) => `${report.summary[status]} ${status}`).join(', ')}`, '');

	const byCheck = new Map<string, Finding[]>();
	for (const finding of report.findings) {
		const list = byCheck.get(finding.checkId) ?? [];
		list.push(finding);
		byCheck.set(finding.checkId, list);
	}
	for (const section of sections) {
		const checks = [...byCheck].filter(([, findings]) => findings[0]!.section === section);
		if (!checks.length) continue;
		const sectionFindings = checks.flatMap(([, findings]) => findings);
		out.push(`## ${sectionTitles[section]}`, '', `Score: ${score(sectionFindings)} / 100`, '');
		for (const [checkId, findings] of checks) {
			const counts = new Map<Status, number>();
			for (const finding of findings) counts.set(finding.status, (counts.get(finding.status) ?? 0) + 1);
			const open = findings.filter((finding) => attention.includes(finding.status));
			const done = open.length === 0 && findings.some((finding) => finding.status !== 'skip');
			const title = titles.get(checkId)?.title ?? checkId;
			const tally = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
			out.push(`- [${done ? 'x' : ' '}] **${escape(title)}** (\`${checkId}\`, ${findings[0]!.severity}): ${tally}`);
			for (const finding of open.slice(0, 50)) {
				out.push(`  - ${finding.status.toUpperCase()} \`${describeTarget(finding)}\`: ${escape(finding.message)}`);
				for (const line of evidenceLines(finding, 6)) out.push(`    - ${escape(line)}`);
			}
			if (open.length > 50) out.push(`  - … ${open.length - 50} more`);
			const firstOpen = open[0];
			if (firstOpen && firstOpen.status !== 'manual') out.push(`  - Remediation: ${escape(firstOpen.remediation)}`);
			const accepted = findings.filter((finding) => finding.status === 'accepted' || finding.status === 'waived');
			for (const finding of accepted.slice(0, 20)) out.push(`  - ${finding.status}: \`${describeTarget(finding)}\` (${escape(finding.reason ?? '')})`);
			if (accepted.length > 20) out.push(`  - … ${accepted.length - 20} more accepted or waived`);
		}
		out.push('');
	}
	return `${out.join('\n').trimEnd()}\n`;
}
