import type {Finding} from './finding.js';
import type {Status} from './status.js';

export type NodeInfo = {
	readonly name: string;
	readonly address: string;
	readonly os: 'linux' | 'windows' | 'unknown';
	readonly role: 'control-plane' | 'worker';
	readonly reachable: boolean | null;
	readonly error: string | null;
};

export type Summary = Readonly<Record<Status, number>> & {readonly score: number};

/** The JSON report (DESIGN §7): a public contract, so fields are only ever added. */
export type Report = {
	readonly schemaVersion: 1;
	readonly tool: {readonly name: 'aks-harden'; readonly version: string};
	readonly startedAt: string;
	readonly finishedAt: string;
	readonly cluster: {readonly context: string | null; readonly server: string | null; readonly source: 'cluster' | 'manifests' | 'demo' | 'none'};
	readonly nodes: readonly NodeInfo[];
	readonly findings: readonly Finding[];
	readonly summary: Summary;
	/** Waivers that no longer apply (expired) or matched nothing (unused), for the auditor. */
	readonly waivers?: {readonly expired: readonly WaiverRef[]; readonly unused: readonly WaiverRef[]};
};

export type WaiverRef = {readonly check: string; readonly target: string; readonly approver: string; readonly expires: string; readonly justification: string};
