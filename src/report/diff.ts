import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {findingKey, type ReportDiff} from '../engine/diff.js';
import {targetKey} from '../model/target.js';
import {oneLine} from './common.js';
import {printable} from '../model/printable.js';

type Labels = {readonly old: string; readonly new: string};

function meta(report: Report, label: string) {
	return {file: label, startedAt: report.startedAt, finishedAt: report.finishedAt, cluster: report.cluster, score: report.summary.score};
}

function delta(before: number, after: number): string {
	const change = Math.round((after - before) * 10) / 10;
	return change > 0 ? `+${change}` : String(change);
}

/** `{"new": [...], "fixed": [...], "unchanged": [...]}` plus `unknown`, per-node drift and the scores. */
export function renderDiffJson(diff: ReportDiff, before: Report, after: Report, labels: Labels): string {
	return `${JSON.stringify(
		{
			schemaVersion: 1,
			reports: {old: meta(before, labels.old), new: meta(after, labels.new)},
			score: {old: before.summary.score, new: after.summary.score, change: Number(delta(before.summary.score, after.summary.score))},
			new: diff.new,
			fixed: diff.fixed,
			unchanged: diff.unchanged,
			unknown: diff.unknown,
			nodes: diff.nodes,
		},
		null,
		2,
	)}\n`;
}

function line(mark: string, finding: Finding, now?: Finding): string {
	const after = now ? `  (now ${now.status}${now.status === 'waived' && now.waiver ? ` until ${now.waiver.expires}` : ''}${now.status === 'error' && now.reason ? `: ${oneLine(now.reason, 120)}` : ''})` : '';
	const where = finding.location ? ` ${finding.location.file}:${finding.location.line}` : '';
	return printable(`  ${mark} ${finding.severity.padEnd(8)} ${finding.checkId}  ${targetKey(finding.target)}${where}  ${oneLine(finding.message, 200)}${after}`);
}

/** For a terminal or a CI log: plain text, no colour. */
export function renderDiffText(diff: ReportDiff, before: Report, after: Report, labels: Labels): string {
	const current = new Map(after.findings.map((finding) => [findingKey(finding), finding]));
	const out: string[] = [];
	out.push(`old: ${labels.old}  (${before.startedAt}, score ${before.summary.score})`);
	out.push(`new: ${labels.new}  (${after.startedAt}, score ${after.summary.score})`);
	out.push(`score: ${before.summary.score} → ${after.summary.score} (${delta(before.summary.score, after.summary.score)})`);
	out.push(`failing: ${diff.new.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} unchanged, ${diff.unknown.length} not judged now`, '');
	const block = (title: string, mark: string, list: readonly Finding[], annotate: boolean) => {
		out.push(`${title} (${list.length})`);
		for (const finding of list) out.push(line(mark, finding, annotate ? current.get(findingKey(finding)) : undefined));
		if (!list.length) out.push('  none');
		out.push('');
	};
	block('New failures', '+', diff.new, false);
	block('Fixed', '-', diff.fixed, true);
	block('Unchanged failures', '=', diff.unchanged, false);
	if (diff.unknown.length) block('Failing before, not judged now (error, skipped, manual, not run or node unreachable)', '?', diff.unknown, true);
	const changed = diff.nodes.filter((node) => node.change !== 'unchanged');
	if (diff.nodes.length) {
		out.push(`Nodes (${diff.nodes.length}, ${changed.length} changed)`);
		for (const node of diff.nodes) {
			const counts = node.new || node.fixed ? `: ${node.new} new, ${node.fixed} fixed` : '';
			out.push(printable(`  ${node.node.padEnd(24)} ${node.change}${counts}${node.detail ? `  (${oneLine(node.detail, 160)})` : ''}`));
		}
		out.push('');
	}
	return `${out.join('\n').trimEnd()}\n`;
}
