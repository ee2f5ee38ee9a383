import type {Catalog} from '../../catalog/load.js';
import type {NodeInfo, Report} from '../../model/report.js';
import {buildReport} from '../../engine/report.js';
import type {ConnectionInfo} from '../deps.js';
import {decisionsOf, type AuditState} from './audit-state.js';

type ReportContext = {
	readonly catalog: Catalog;
	readonly connection: ConnectionInfo;
	readonly version: string | undefined;
	readonly now: Date;
};

/**
 * The report as the walkthrough stands: the engine's findings and the operator's decisions through
 * the same buildReport the headless audit uses, so both give the same statuses, counts and score.
 * Works mid-run too; then `finishedAt` is now.
 */
export function walkthroughReport(state: AuditState, context: ReportContext): Report {
	const nodes: NodeInfo[] = state.nodes.map(({info}) =>
		state.excludedNodes.includes(info.name) ? {...info, reachable: null, error: 'left out by the operator'} : info,
	);
	const nowIso = context.now.toISOString();
	return buildReport({
		version: state.report?.tool.version ?? context.version ?? 'unknown',
		startedAt: state.startedAt ?? state.report?.startedAt ?? nowIso,
		finishedAt: state.phase === 'finished' ? (state.finishedAt ?? nowIso) : nowIso,
		cluster: {
			context: context.connection.context,
			server: context.connection.server,
			source: context.connection.isDemo ? 'demo' : (state.report?.cluster.source ?? 'cluster'),
		},
		nodes,
		findings: Object.values(state.findings).flat(),
		checkOrder: context.catalog.checks.map(({check}) => check.id),
		decisions: decisionsOf(state),
		today: context.now,
	});
}
