import type {AuditLog, LogEntry} from './audit-log.js';
import type {FixContext} from './context.js';
import type {Verified} from './recheck.js';

/** What applying a change tells its listener, step by step, so a screen can follow along. */
export type FixEvent =
	| {readonly type: 'change-started'; readonly changeId: string; readonly summary: string}
	| {readonly type: 'step'; readonly changeId: string; readonly step: StepName; readonly message: string}
	| {readonly type: 'change-finished'; readonly result: ChangeResult};

export type StepName =
	| 'read'
	| 'dry-run'
	| 'backup'
	| 'write'
	| 'rename'
	| 'validate'
	| 'restore'
	| 'apply'
	| 'reload'
	| 'verify'
	| 'record'
	// The node-safe rollout of a kubelet or containerd change.
	| 'preflight'
	| 'cordon'
	| 'drain'
	| 'restart'
	| 'ready'
	| 'uncordon';

export type Outcome =
	/** Changed, and recorded in the audit log. */
	| 'applied'
	/** Already in the wanted state: the plan was applied before. */
	| 'nothing-to-do'
	/** The target changed since the plan (digest mismatch), or the plan asks for something refused. */
	| 'refused'
	/** The server's dry-run said no: nothing was changed. */
	| 'rejected'
	/** Written, failed validation, and the backup was put back. */
	| 'rolled-back'
	| 'failed';

export type ChangeResult = {
	readonly changeId: string;
	readonly summary: string;
	readonly outcome: Outcome;
	readonly message: string;
	/** The audit log entry id: what `aks-harden undo ID` takes. */
	readonly logId?: string;
	readonly verified?: readonly Verified[];
	readonly warnings?: readonly string[];
	/**
	 * A rollout refused because this node is the last Ready one of its pool (or alone in it):
	 * applying again with the node's name among `confirmedNodes` goes ahead.
	 */
	readonly needsNodeName?: string;
};

/** Test hooks between the steps of a host change (to cut the connection between write and rename). */
export type StepHooks = {
	readonly afterWrite?: () => Promise<void> | void;
	readonly afterRename?: () => Promise<void> | void;
};

export type ApplyOptions = {
	readonly context: FixContext;
	/**
	 * How many targets the operator confirmed. It must equal the number of distinct targets the
	 * applied changes touch: on the fix screen the operator types it when there is more than one;
	 * a plan file given to `--apply` is itself the confirmation.
	 */
	readonly confirmedCount: number;
	/** Apply only these changes of the plan (one stage of a staged rollout). */
	readonly changeIds?: readonly string[];
	readonly log?: AuditLog;
	readonly cluster?: LogEntry['cluster'];
	readonly onEvent?: (event: FixEvent) => void;
	readonly hooks?: StepHooks;
	readonly operator?: string;
	/**
	 * Nodes the operator typed the name of: the rollout restarts the last Ready node of a pool
	 * (or a single-node pool) only then.
	 */
	readonly confirmedNodes?: readonly string[];
};
