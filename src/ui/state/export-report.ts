import type {Catalog} from '../../catalog/load.js';
import type {Finding} from '../../model/finding.js';
import type {NodeInfo, Report} from '../../model/report.js';
import {summarize} from '../../engine/summary.js';
import type {ConnectionInfo} from '../deps.js';
import type {AuditState} from './audit-state.js';

type ReportContext = {
	readonly catalog: Catalog;
	readonly connection: ConnectionInfo;
	readonly version: string | undefined;
	readonly now: Date;
};

/**
 * The report as the walkthrough stands: the engine's findings with the operator's attestations,
 * waivers and notes applied (each says who and when in its reason and evidence), in catalogue
 * order. Works mid-run too; then `finishedAt` is now.
 */
export function buildReport(state: AuditState, effective: Readonly<Record<string, readonly Finding[]>>, context: ReportContext): Report {
	const findings: Finding[] = [];
	for (const {check} of context.catalog.checks) {
		const note = state.notes[check.id];
		for (const finding of effective[check.id] ?? []) {
			findings.push(note ? {...finding, evidence: {...finding.evidence, note}} : finding);
		}
	}
	const nodes: NodeInfo[] = state.nodes.map(({info}) =>
		state.excludedNodes.includes(info.name) ? {...info, reachable: null, error: 'left out by the operator'} : info,
	);
	const nowIso = context.now.toISOString();
	return {
		schemaVersion: 1,
		tool: {name: 'aks-harden', version: state.report?.tool.version ?? context.version ?? 'unknown'},
		startedAt: state.startedAt ?? state.report?.startedAt ?? nowIso,
		finishedAt: state.phase === 'finished' ? (state.finishedAt ?? nowIso) : nowIso,
		cluster: {
			context: context.connection.context,
			server: context.connection.server,
			source: context.connection.isDemo ? 'demo' : (state.report?.cluster.source ?? 'cluster'),
		},
		nodes,
		findings,
		summary: summarize(findings),
	};
}
