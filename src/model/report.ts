import {z} from 'zod';
import type {Finding} from './finding.js';
import type {Waiver} from './settings.js';
import type {Status} from './status.js';

/** A node as reports and saved sessions carry it; one schema for every reader. */
export const NodeInfoSchema = z.object({
	name: z.string(),
	address: z.string(),
	os: z.enum(['linux', 'windows', 'unknown']),
	role: z.enum(['control-plane', 'worker']),
	reachable: z.boolean().nullable(),
	error: z.string().nullable(),
	/** How the host checks reached the node: over SSH, a probe pod through Kubernetes, or only the kubelet's configz. */
	access: z.enum(['ssh', 'kubernetes', 'configz']).optional(),
});

export type NodeInfo = Readonly<z.infer<typeof NodeInfoSchema>>;

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
	/** The operator's notes by check id, once per check (never copied onto findings). */
	readonly notes?: Readonly<Record<string, string>>;
};

/** A waiver as reports list it: exactly the fields of a waiver in `.aks-harden.yaml`. */
export type WaiverRef = Readonly<Waiver>;
