import type {Finding} from '../model/finding.js';
import type {NodeInfo, Report} from '../model/report.js';
import {targetKey} from '../model/target.js';
import {cleanNotes, decide, noDecisions, type Decisions} from './decisions.js';
import {summarize} from './summary.js';

export type ReportInput = {
	readonly version: string;
	readonly startedAt: string;
	readonly finishedAt: string;
	readonly cluster: Report['cluster'];
	readonly nodes: readonly NodeInfo[];
	/** The engine's findings, before any decision. */
	readonly findings: readonly Finding[];
	/** Check ids in catalogue order: the order findings are reported in. */
	readonly checkOrder: readonly string[];
	readonly decisions?: Decisions;
	/** The day waivers are read against (UTC). */
	readonly today: Date;
};

/**
 * The one place a Report is made, for the headless audit, the walkthrough's export and anything
 * else: decisions applied (engine/decisions), findings in catalogue order and, within a check, by
 * target key (so the order never depends on which node answered first), counts and score, the
 * waivers that expired or waived nothing, and the notes once per check. Pure: the same input gives
 * the same JSON from every front end.
 */
export function buildReport(input: ReportInput): Report {
	const decisions = input.decisions ?? noDecisions;
	const decided = decide(input.findings, decisions, input.today);
	const order = new Map(input.checkOrder.map((id, index) => [id, index]));
	const rank = (finding: Finding) => order.get(finding.checkId) ?? order.size;
	const keyed = decided.findings.map((finding) => ({finding, key: targetKey(finding.target)}));
	keyed.sort((a, b) => rank(a.finding) - rank(b.finding) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	const findings = keyed.map(({finding}) => finding);
	const reported = new Set(findings.map((finding) => finding.checkId));
	const notes = Object.fromEntries(
		Object.entries(cleanNotes(decisions.notes))
			.filter(([check]) => reported.has(check))
			.sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
	);
	return {
		schemaVersion: 1,
		tool: {name: 'aks-harden', version: input.version},
		startedAt: input.startedAt,
		finishedAt: input.finishedAt,
		cluster: input.cluster,
		nodes: [...input.nodes],
		findings,
		summary: summarize(findings),
		...(decisions.waivers.length ? {waivers: {expired: decided.expired, unused: decided.unused}} : {}),
		...(Object.keys(notes).length ? {notes} : {}),
	};
}
