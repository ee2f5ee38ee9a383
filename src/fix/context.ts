import type {Catalog} from '../catalog/load.js';
import type {AuditSettings} from '../engine/facts.js';
import type {ClusterSource} from '../engine/source.js';
import type {NodeInfo} from '../model/report.js';
import type {NodeShell} from '../transports/interfaces.js';
import type {ClusterWriter} from '../transports/interfaces.js';
import type {Playbooks} from './load.js';
import type {NodeRef} from './model.js';
import type {ParameterValues} from './parameters.js';

/**
 * How fixes reach their targets. Planning reads through it (the object as stored, the file as it
 * is on the node) and applying writes through it; tests and the walkthrough hand in their own.
 */
export type FixTransport = {
	readonly kube?: ClusterWriter;
	/** Lists for re-running a check after a change (the same source the audit reads). */
	readonly clusterSource?: ClusterSource;
	/** An SSH session to a node; the caller closes it. */
	readonly openNode?: (node: NodeRef) => Promise<NodeShell>;
	/** What the inventory knows of a node (OS, role) for re-checks; defaults to a Linux worker. */
	readonly nodeInfo?: (node: NodeRef) => NodeInfo;
};

/** Nodes as the audit found them, so a finding's node name leads to its address. */
export type KnownNodes = readonly NodeInfo[];

export type FixContext = {
	readonly catalog: Catalog;
	readonly playbooks: Playbooks;
	readonly settings: AuditSettings;
	readonly transport: FixTransport;
	/** Values the operator gave (`--set name=value`, or typed on the fix screen). */
	readonly parameters?: ParameterValues;
	readonly nodes?: KnownNodes;
	readonly now?: () => Date;
};

export function nodeInfoOf(context: FixContext, node: NodeRef): NodeInfo {
	const known = context.nodes?.find((candidate) => candidate.name === node.name);
	return context.transport.nodeInfo?.(node) ?? {name: node.name, address: node.address, os: known?.os ?? node.os ?? 'linux', role: known?.role ?? 'worker', reachable: true, error: null};
}

export function nodeRefOf(context: FixContext, name: string): NodeRef {
	const known = context.nodes?.find((candidate) => candidate.name === name);
	return {name, address: known?.address || name, ...(known?.os === 'windows' ? {os: 'windows' as const} : {})};
}
