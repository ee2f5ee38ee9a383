import type {EngineEvent} from '../../model/events.js';
import type {Finding} from '../../model/finding.js';
import type {NodeInfo, Report} from '../../model/report.js';
import type {ExportFormat} from '../deps.js';
import {removeDecision, upsertDecision, type Attestation, type Decisions, type Waiver} from '../../engine/decisions.js';

export type NodeState = 'waiting' | 'connecting' | 'probing' | 'done' | 'failed';

export type NodeEntry = {
	readonly info: NodeInfo;
	readonly state: NodeState;
	readonly message?: string;
};

export type GatherEntry = {
	readonly resource: string;
	readonly state: 'running' | 'done' | 'failed';
	readonly count?: number;
	readonly error?: string;
};

export type RunPhase = 'idle' | 'running' | 'finished' | 'failed';

export type ExportRecord = {readonly format: ExportFormat; readonly path: string; readonly at: string};

/** A fix applied from the walkthrough: the summary lists it under this session. */
export type FixRecord = {
	readonly checkId: string;
	readonly target: string;
	/** "2 applied, 1 failed": what the results came to. */
	readonly outcome: string;
	/** Audit log ids, for `aks-harden undo ID`. */
	readonly logIds: readonly string[];
	readonly at: string;
	/** When the summary's undo reverted it. */
	readonly undoneAt?: string;
};

/** The latest fix of the session that can still be undone (the summary's `u`). */
export function lastUndoableFix(state: Pick<AuditState, 'fixes'>): FixRecord | undefined {
	return [...(state.fixes ?? [])].reverse().find((fix) => !fix.undoneAt && fix.logIds.length > 0);
}

/**
 * Everything the audit has told us plus everything the operator decided. The session file is
 * this state, so a resumed walkthrough starts where the last one stopped.
 */
export type AuditState = {
	readonly phase: RunPhase;
	readonly error?: string;
	readonly startedAt?: string;
	readonly finishedAt?: string;
	/** Checks the audit runs (from run-started), kept across resumes. */
	readonly plannedChecks: readonly string[];
	readonly finishedChecks: readonly string[];
	/** Checks being re-run on their own (`r`). */
	readonly rerunning: readonly string[];
	/** The engine's findings by check id, as reported (decisions are applied when reading). */
	readonly findings: Readonly<Record<string, readonly Finding[]>>;
	readonly nodes: readonly NodeEntry[];
	readonly excludedNodes: readonly string[];
	readonly gathers: readonly GatherEntry[];
	readonly attestations: readonly Attestation[];
	readonly waivers: readonly Waiver[];
	/** Free notes by check id. */
	readonly notes: Readonly<Record<string, string>>;
	readonly exports: readonly ExportRecord[];
	/**
	 * Where the decisions live when they are kept in a reviewable file (`.aks-harden.yaml`): then
	 * that file is their one home and a restored session keeps the file's decisions, not its own.
	 */
	readonly decisionsFile?: string;
	/** Fixes applied in this walkthrough; not saved with the session (the audit log keeps them). */
	readonly fixes?: readonly FixRecord[];
	/** The last full run's report: its node list and tool version go into exports. */
	readonly report?: Report;
	/** Operator decisions made since the last export: quitting with these asks first. */
	readonly unexportedChanges: number;
	/** Bumped by every change worth saving; the session saver watches it. */
	readonly revision: number;
};

/** Which run an engine event came from: the whole audit, or one check re-run with `r`. */
export type RunTag = {readonly kind: 'audit'} | {readonly kind: 'rerun'; readonly checkId: string};

export type AuditAction =
	| {readonly type: 'engine'; readonly run: RunTag; readonly events: readonly EngineEvent[]}
	| {readonly type: 'audit-started'; readonly at: string}
	| {readonly type: 'audit-failed'; readonly error: string}
	/** Resume found nothing left to run. */
	| {readonly type: 'audit-finished'; readonly at: string}
	| {readonly type: 'rerun-started'; readonly checkId: string}
	| {readonly type: 'rerun-failed'; readonly checkId: string; readonly error: string}
	| {readonly type: 'toggle-node'; readonly name: string}
	| {readonly type: 'attest'; readonly attestation: Attestation}
	| {readonly type: 'waive'; readonly waiver: Waiver}
	| {readonly type: 'remove-waiver'; readonly check: string; readonly target: string}
	| {readonly type: 'note'; readonly checkId: string; readonly text: string}
	| {readonly type: 'exported'; readonly record: ExportRecord}
	| {readonly type: 'fixed'; readonly record: FixRecord}
	| {readonly type: 'fix-undone'; readonly at: string; readonly fixAt: string}
	| {readonly type: 'restore'; readonly state: AuditState};

/** A fresh walkthrough; with a decisions file, its waivers, attestations and notes are the starting point. */
export function initialAuditState(nodes: readonly NodeInfo[], file?: {readonly path: string; readonly decisions: Decisions}): AuditState {
	const fresh: AuditState = {
		phase: 'idle',
		plannedChecks: [],
		finishedChecks: [],
		rerunning: [],
		findings: {},
		nodes: nodes.map((info) => ({info, state: 'waiting'})),
		excludedNodes: [],
		gathers: [],
		attestations: [],
		waivers: [],
		notes: {},
		exports: [],
		unexportedChanges: 0,
		revision: 0,
	};
	return file ? withFileDecisions(fresh, file) : fresh;
}

export function decisionsOf(state: AuditState): Decisions {
	return {waivers: state.waivers, attestations: state.attestations, notes: state.notes};
}

/** The decisions file's waivers, attestations and notes replace whatever the state held. */
export function withFileDecisions(state: AuditState, file: {readonly path: string; readonly decisions: Decisions}): AuditState {
	const {waivers, attestations, notes} = file.decisions;
	return {...state, decisionsFile: file.path, waivers: [...waivers], attestations: [...attestations], notes: {...notes}};
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
const without = (a: readonly string[], b: readonly string[]) => {
	const drop = new Set(b);
	return a.filter((item) => !drop.has(item));
};

function upsertNode(nodes: readonly NodeEntry[], info: NodeInfo, state: NodeState, message?: string): NodeEntry[] {
	const entry: NodeEntry = {info, state, ...(message ? {message} : {})};
	const index = nodes.findIndex((node) => node.info.name === info.name);
	if (index === -1) return [...nodes, entry];
	return nodes.map((node, i) => (i === index ? entry : node));
}

function upsertGather(gathers: readonly GatherEntry[], entry: GatherEntry): GatherEntry[] {
	const index = gathers.findIndex((gather) => gather.resource === entry.resource);
	if (index === -1) return [...gathers, entry];
	return gathers.map((gather, i) => (i === index ? entry : gather));
}

/** Fold a batch of events into a new state: findings are copied once per check per batch, not once per event. */
function applyEvents(state: AuditState, run: RunTag, events: readonly EngineEvent[]): AuditState {
	let next = state;
	const added = new Map<string, Finding[]>();
	const flush = () => {
		if (!added.size) return;
		const findings = {...next.findings};
		for (const [checkId, list] of added) findings[checkId] = [...(findings[checkId] ?? []), ...list];
		added.clear();
		next = {...next, findings};
	};
	for (const event of events) {
		switch (event.type) {
			case 'run-started': {
				flush();
				// The checks of this run start over: their old findings go, whatever run made them.
				const findings = {...next.findings};
				for (const id of event.checkIds) delete findings[id];
				next = {
					...next,
					findings,
					finishedChecks: without(next.finishedChecks, event.checkIds),
					...(run.kind === 'audit' ? {plannedChecks: union(next.plannedChecks, event.checkIds), phase: 'running' as const} : {}),
				};
				break;
			}
			case 'gather-started':
				next = {...next, gathers: upsertGather(next.gathers, {resource: event.resource, state: 'running'})};
				break;
			case 'gather-finished':
				next = {
					...next,
					gathers: upsertGather(next.gathers, {
						resource: event.resource,
						state: event.error ? 'failed' : 'done',
						count: event.count,
						...(event.error ? {error: event.error} : {}),
					}),
				};
				break;
			case 'node-state':
				next = {...next, nodes: upsertNode(next.nodes, event.node, event.state, event.message)};
				break;
			case 'finding': {
				const list = added.get(event.finding.checkId) ?? [];
				list.push(event.finding);
				added.set(event.finding.checkId, list);
				break;
			}
			case 'check-finished':
				flush();
				next = {...next, finishedChecks: union(next.finishedChecks, [event.checkId])};
				break;
			case 'run-finished':
				flush();
				if (run.kind === 'audit') {
					next = {...next, phase: 'finished', finishedAt: event.report.finishedAt, report: event.report};
				} else {
					next = {...next, rerunning: without(next.rerunning, [run.checkId]), finishedChecks: union(next.finishedChecks, [run.checkId])};
				}
				break;
		}
	}
	flush();
	return next === state ? state : {...next, revision: state.revision + 1};
}

export function auditReducer(state: AuditState, action: AuditAction): AuditState {
	const saved = (next: Omit<AuditState, 'revision'>): AuditState => ({...next, revision: state.revision + 1});
	const decided = (next: Omit<AuditState, 'revision' | 'unexportedChanges'>): AuditState =>
		saved({...next, unexportedChanges: state.unexportedChanges + 1});
	switch (action.type) {
		case 'engine':
			return applyEvents(state, action.run, action.events);
		case 'audit-started':
			return saved({...state, phase: 'running', startedAt: state.startedAt ?? action.at, error: undefined});
		case 'audit-failed':
			return saved({...state, phase: 'failed', error: action.error});
		case 'audit-finished':
			return saved({...state, phase: 'finished', finishedAt: state.finishedAt ?? action.at});
		case 'rerun-started': {
			const findings = {...state.findings};
			delete findings[action.checkId];
			return saved({
				...state,
				findings,
				rerunning: union(state.rerunning, [action.checkId]),
				finishedChecks: without(state.finishedChecks, [action.checkId]),
			});
		}
		case 'rerun-failed':
			return saved({
				...state,
				rerunning: without(state.rerunning, [action.checkId]),
				finishedChecks: union(state.finishedChecks, [action.checkId]),
				error: `re-run of ${action.checkId} failed: ${action.error}`,
			});
		case 'toggle-node': {
			if (state.phase !== 'idle') return state;
			const isExcluded = state.excludedNodes.includes(action.name);
			return saved({
				...state,
				excludedNodes: isExcluded ? without(state.excludedNodes, [action.name]) : [...state.excludedNodes, action.name],
			});
		}
		case 'attest':
			return decided({
				...state,
				attestations: upsertDecision(state.attestations, action.attestation),
			});
		case 'waive':
			return decided({...state, waivers: upsertDecision(state.waivers, action.waiver)});
		case 'remove-waiver':
			return decided({...state, waivers: removeDecision(state.waivers, action)});
		case 'note': {
			const notes = {...state.notes};
			if (action.text.trim()) notes[action.checkId] = action.text.trim();
			else delete notes[action.checkId];
			return decided({...state, notes});
		}
		case 'exported':
			return saved({...state, exports: [...state.exports, action.record], unexportedChanges: 0});
		case 'fixed':
			return {...state, fixes: [...(state.fixes ?? []), action.record]};
		case 'fix-undone':
			return {...state, fixes: (state.fixes ?? []).map((fix) => (fix.at === action.fixAt ? {...fix, undoneAt: action.at} : fix))};
		case 'restore': {
			// With a decisions file, the file is where decisions live: the session's copies may be stale.
			const restored = state.decisionsFile ? withFileDecisions(action.state, {path: state.decisionsFile, decisions: decisionsOf(state)}) : action.state;
			return {...restored, ...(state.fixes ? {fixes: state.fixes} : {}), revision: state.revision + 1};
		}
	}
}

/** Checks still to run after a resume: planned but not finished. Undefined means "all of them". */
export function remainingChecks(state: AuditState): string[] | undefined {
	if (!state.plannedChecks.length) return undefined;
	return without(state.plannedChecks, state.finishedChecks);
}
