import {nodeProbeNames, type Catalog, type CompiledCheck} from '../catalog/load.js';
import type {EngineListener} from '../model/events.js';
import type {Finding} from '../model/finding.js';
import type {NodeInfo, Report} from '../model/report.js';
import {clusterFindings, evaluateCluster, nodeFindings} from './evaluate.js';
import type {AuditSettings, ClusterFacts} from './facts.js';
import {gatherCluster} from './gather.js';
import {collectSensitive, Redactor} from './redact.js';
import type {ClusterSource, NodeSource} from './source.js';
import type {Decisions} from './decisions.js';
import {buildReport} from './report.js';

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
	/** Waivers, attestations and notes to apply to the report (the events carry the engine's findings). */
	readonly decisions?: Decisions;
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

/** Longest stretch of evaluation before other work on this thread (a key press, a frame) gets a turn. */
const sliceMs = 8;

/**
 * Evaluation is pure CPU work: on a shared thread it would hold every key press until the whole
 * cluster is judged (about a second on the demo, far longer on a large cluster), so it steps
 * aside between two targets once a slice is used up.
 */
async function evaluateYielding(findings: Iterable<Finding | undefined>, record: (finding: Finding) => void): Promise<void> {
	let sliceStart = performance.now();
	// `undefined` is a pause point without a finding (findings made out of order come later).
	for (const finding of findings) {
		if (finding) record(finding);
		if (performance.now() - sliceStart < sliceMs) continue;
		await new Promise((resolve) => setImmediate(resolve));
		sliceStart = performance.now();
	}
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
			await evaluateYielding(clusterFindings(clusterChecks, facts, ctx), record);
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
				await evaluateYielding(nodeFindings(nodeChecks, nodeFacts), record);
			}
		};
		await Promise.all(Array.from({length: Math.max(1, Math.min(input.nodes.concurrency, queue.length))}, worker));
		for (const {check} of nodeChecks) emit({type: 'check-finished', checkId: check.id, scope: 'node'});
	})();

	await Promise.all([clusterWork, nodeWork]);
	const report: Report = buildReport({
		version: input.version,
		startedAt,
		finishedAt: now().toISOString(),
		cluster: {
			context: input.cluster?.context ?? null,
			server: input.cluster?.server ?? null,
			source: input.cluster?.kind ?? 'none',
		},
		nodes: [...nodeInfos.values()],
		findings,
		checkOrder: input.checks.map(({check}) => check.id),
		...(input.decisions ? {decisions: input.decisions} : {}),
		today: now(),
	});
	emit({type: 'run-finished', report});
	return {report, redactor, ...(facts ? {facts} : {})};
}
