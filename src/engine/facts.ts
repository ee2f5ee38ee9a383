import type {KubeObject, SourceLocation} from '../model/kube.js';
import type {NodeInfo} from '../model/report.js';

export type ListResult = {readonly items: readonly KubeObject[]; readonly error?: string};
/** `notApplicable`: the source cannot have this fact at all (a file has no readyz); the check is skipped, not failed. */
export type ExtraResult = {readonly value?: unknown; readonly error?: string; readonly notApplicable?: string};

/** Everything read from the cluster (or from manifest files), gathered once before evaluation. */
export type ClusterFacts = {
	readonly lists: ReadonlyMap<string, ListResult>;
	readonly extra: ReadonlyMap<string, ExtraResult>;
	/** Manifests mode: the file and line each object came from. */
	readonly locations?: ReadonlyMap<KubeObject, SourceLocation>;
	/** Set when there is no cluster to read (nodes-only runs); cluster checks are skipped with it. */
	readonly unavailable?: string;
};

export type ProbeResult = {
	readonly command: string;
	readonly facts?: unknown;
	/** Why the probe could not produce facts: "sudo refused", "command not found: sshd", … */
	readonly error?: string;
};

/** What one node told us. `reachable: false` makes every node check `error` with the reason. */
export type NodeFacts = {
	readonly node: NodeInfo;
	readonly probes: ReadonlyMap<string, ProbeResult>;
};

/** Operator settings the checks read (allowed registries…), from .aks-harden.yaml. */
export type AuditSettings = {
	readonly allowedRegistries: readonly string[];
	/** `--pss-version`: judge every namespace as if it declared this version (a minor number) or latest. */
	readonly pssVersion?: number | 'latest';
};
