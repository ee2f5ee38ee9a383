import {nodeProbeNames, type Catalog, type CompiledCheck} from '../catalog/load.js';
import type {EngineListener} from '../model/events.js';
import type {Finding} from '../model/finding.js';
import type {NodeInfo, Report} from '../model/report.js';
import {evaluateCluster, evaluateNode} from './evaluate.js';
import type {AuditSettings, ClusterFacts} from './facts.js';
import {gatherCluster} from './gather.js';
import {collectSensitive, Redactor} from './redact.js';
import type {ClusterSource, NodeSource} from './source.js';
import {summarize} from './summary.js';

export type AuditInput = {
	readonly catalog: Catalog;
	readonly checks: readonly CompiledCheck[];
	readonly settings: AuditSettings;
	/** No source: cluster checks come out `skip` with `clusterUnavailable` as the reason. */
	readonly cluster?: ClusterSource;
	readonly clusterUnavailable?: string;
	readonly nodes?: {readonly list: readonly NodeInfo[]; readonly source: NodeSource; readonly concurrency: number};
	readonly version: string;
	readonly onEvent?: EngineListener;
	readonly signal?: AbortSignal;
	readonly now?: () => Date;
};

export type AuditResult = {readonly report: Report; readonly redactor: Redactor; readonly facts?: ClusterFacts};

/** Secret data is dropped the moment it arrives: names and keys survive, values never reach a check. */
function scrubSecrets(facts: ClusterFacts, redactor: Redactor): ClusterFacts {
	for (const list of facts.lists.values()) collectSensitive(list.items, redactor);
	const secrets = facts.lists.get('secrets');
	if (!secrets) return facts;
	const lists = new Map(facts.lists);
	lists.set('secrets', {
		...secrets,
		items: secrets.items.map((secret) => {
			const keys = (field: string) => Object.fromEntries(Object.keys((secret[field] ?? {}) as object).map((key) => [key, '']));
			return {...secret, data: keys('data'), ...(secret['stringData'] ? {stringData: keys('stringData')} : {})};
		}),
	});
	return {...facts, lists};
}

/**
 * connect → gather once → evaluate without I/O → findings. Cluster and node work overlap; every
 * finding is announced as it is made so the walkthrough can draw while nodes are still probing.
 */
export async function runAudit(input: AuditInput): Promise<AuditResult> {
	const now = input.now ?? (() => new Date());
	const emit: EngineListener = input.onEvent ?? (() => {});
	const startedAt = now().toISOString();
	const findings: Finding[] = [];
	const record = (finding: Finding) => {
		findings.push(finding);
		emit({type: 'finding', finding});
	};
	const redactor = new Redactor();
	emit({type: 'run-started', checkIds: input.checks.map(({check}) => check.id)});

	const clusterChecks = input.checks.filter(({check}) => check.scope !== 'node');
	const nodeChecks = input.checks.filter(({check}) => check.scope === 'node');
	const ctx = {exceptions: input.catalog.exceptions, settings: input.settings, catalog: input.catalog.checks};

	let facts: ClusterFacts | undefined;
	const clusterWork = (async () => {
		if (!clusterChecks.length) return;
		if (!input.cluster) {
			const unavailable = input.clusterUnavailable ?? 'no cluster to audit';
			evaluateCluster(clusterChecks, {lists: new Map(), extra: new Map(), unavailable}, ctx, record);
		} else {
			facts = scrubSecrets(await gatherCluster(clusterChecks, input.cluster, emit), redactor);
			evaluateCluster(clusterChecks, facts, ctx, record);
		}
		for (const {check} of clusterChecks) emit({type: 'check-finished', checkId: check.id, scope: 'cluster'});
	})();

	const nodeInfos = new Map<string, NodeInfo>((input.nodes?.list ?? []).map((node) => [node.name, node]));
	const nodeWork = (async () => {
		if (!input.nodes || !nodeChecks.length) return;
		const probes = [...new Set(nodeChecks.flatMap(nodeProbeNames))];
		const queue = [...input.nodes.list];
		const signal = input.signal ?? new AbortController().signal;
		const worker = async () => {
			for (let node = queue.shift(); node; node = queue.shift()) {
				emit({type: 'node-state', node, state: 'connecting'});
				const nodeFacts = await input.nodes!.source.gather(node, probes, signal);
				nodeInfos.set(node.name, nodeFacts.node);
				emit({type: 'node-state', node: nodeFacts.node, state: nodeFacts.node.reachable === false ? 'failed' : 'done', ...(nodeFacts.node.error ? {message: nodeFacts.node.error} : {})});
				evaluateNode(nodeChecks, nodeFacts, record);
			}
		};
		await Promise.all(Array.from({length: Math.max(1, Math.min(input.nodes.concurrency, queue.length))}, worker));
		for (const {check} of nodeChecks) emit({type: 'check-finished', checkId: check.id, scope: 'node'});
	})();

	await Promise.all([clusterWork, nodeWork]);
	const order = new Map(input.checks.map(({check}, index) => [check.id, index]));
	findings.sort((a, b) => order.get(a.checkId)! - order.get(b.checkId)!);
	const report: Report = {
		schemaVersion: 1,
		tool: {name: 'aks-harden', version: input.version},
		startedAt,
		finishedAt: now().toISOString(),
		cluster: {
			context: input.cluster?.context ?? null,
			server: input.cluster?.server ?? null,
			source: input.cluster?.kind ?? 'none',
		},
		nodes: [...nodeInfos.values()],
		findings,
		summary: summarize(findings),
	};
	emit({type: 'run-finished', report});
	return {report, redactor, ...(facts ? {facts} : {})};
}
