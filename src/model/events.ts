import type {Finding} from './finding.js';
import type {NodeInfo, Report} from './report.js';

/** What the engine tells its subscribers (the walkthrough, the headless progress line). */
export type EngineEvent =
	| {readonly type: 'run-started'; readonly checkIds: readonly string[]}
	| {readonly type: 'gather-started'; readonly resource: string}
	| {readonly type: 'gather-finished'; readonly resource: string; readonly count: number; readonly error?: string}
	| {readonly type: 'node-state'; readonly node: NodeInfo; readonly state: 'connecting' | 'probing' | 'done' | 'failed'; readonly message?: string}
	| {readonly type: 'finding'; readonly finding: Finding}
	| {readonly type: 'check-finished'; readonly checkId: string; readonly scope: 'cluster' | 'node'}
	| {readonly type: 'run-finished'; readonly report: Report};

export type EngineListener = (event: EngineEvent) => void;
