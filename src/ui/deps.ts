import type {Catalog} from '../catalog/load.js';
import type {Decisions} from '../engine/decisions.js';
import type {ReportFormat} from '../report/formats.js';
import type {ChangeResult, FixEvent} from '../fix/events.js';
import type {Plan} from '../fix/model.js';
import type {EngineListener} from '../model/events.js';
import type {Finding} from '../model/finding.js';
import type {NodeInfo, Report} from '../model/report.js';
import type {SessionFile} from './state/session.js';

/** What the walkthrough knows about where it is pointed, before any check runs. */
export type ConnectionInfo = {
	readonly context: string | null;
	readonly server: string | null;
	/** Detected flavour, e.g. "AKS hybrid (AKS Arc)" or "demo". */
	readonly flavour: string;
	readonly isDemo: boolean;
	/** One line shown under the connection, e.g. "no cluster reachable: showing the demo environment". */
	readonly note?: string;
};

export type AuditOptions = {
	/** Only these checks; absent means every check the CLI selected. Never an empty list. */
	readonly checkIds?: readonly string[];
	/** Node names the operator left out on the connect screen. */
	readonly excludeNodes?: readonly string[];
	/** Aborted when the walkthrough quits while the run is still going. */
	readonly signal?: AbortSignal;
};

/** Every report format the CLI writes can be exported from the walkthrough. */
export type ExportFormat = ReportFormat;

/**
 * The reviewable file the walkthrough keeps its waivers, attestations and notes in
 * (`.aks-harden.yaml`), so a headless audit reads the same decisions. The CLI does the file I/O.
 */
export type DecisionStore = {
	readonly path: string;
	/** What the file held when the walkthrough started. */
	readonly initial: Decisions;
	/** Write the walkthrough's decisions into the file, keeping everything else in it. */
	readonly save: (decisions: Decisions) => Promise<void>;
};

export type LoadedSession =
	| {readonly kind: 'none'}
	| {readonly kind: 'ok'; readonly session: SessionFile}
	| {readonly kind: 'unreadable'; readonly reason: string};

/** The saved session: read once at the start, written as the walkthrough goes (atomically). */
export type SessionStore = {
	/** Where it is kept, for messages. */
	readonly file: string;
	load(): Promise<LoadedSession>;
	save(session: SessionFile): Promise<void>;
};

/** User settings that outlive a session (backed by `conf`, see commands/prefs.ts). */
export type PrefValues = {
	readonly lastContext: string;
	readonly sshUser: string;
	readonly sshKey: string;
	/** `mono` draws without colour even when the terminal has it; NO_COLOR always wins. */
	readonly theme: 'auto' | 'mono';
};

export interface Prefs {
	get<K extends keyof PrefValues>(key: K): PrefValues[K] | undefined;
	set<K extends keyof PrefValues>(key: K, value: PrefValues[K]): void;
}

/** An SSH server presented a host key that is not in known_hosts. */
export type HostKeyRequest = {
	readonly node: string;
	readonly host: string;
	readonly port: number;
	readonly keyType: string;
	/** "SHA256:…" as `ssh-keygen -l` prints it. */
	readonly fingerprint: string;
};

export type HostKeyDecision = 'accept-once' | 'accept-and-remember' | 'refuse';

/** A private key is encrypted and the SSH layer needs its passphrase. */
export type PassphraseRequest = {
	readonly keyPath: string;
	/** The node the key is being tried on, when known. */
	readonly node?: string;
	/** 1 for the first ask; more after a wrong passphrase. */
	readonly attempt?: number;
};

/**
 * Questions the SSH layer asks the operator. The walkthrough shows each as a dialog over the
 * current screen; answers resolve the promise. A refused or skipped prompt resolves too
 * (`refuse`, `null`), never rejects, so a node simply fails with that reason.
 */
export type PromptHandlers = {
	readonly onHostKey: (request: HostKeyRequest) => Promise<HostKeyDecision>;
	/** `null`: the operator skipped this key. */
	readonly passphrase: (request: PassphraseRequest) => Promise<string | null>;
};

/**
 * Guided fixes as the walkthrough uses them: plan (reads only), count the targets the operator
 * must confirm, apply what was confirmed. Absent, `f` only shows the remediation.
 */
export type WalkthroughFixes = {
	readonly plan: (findings: readonly Finding[]) => Promise<readonly Plan[]>;
	/** Distinct targets the ready plans touch: more than one and the operator types the number. */
	readonly confirmationNeeded: (plans: readonly Plan[]) => number;
	/** Applies the ready plans; throws ConfirmationError when `confirmedCount` is not the count. */
	readonly apply: (plans: readonly Plan[], confirmedCount: number, onEvent: (event: FixEvent) => void, confirmedNodes?: readonly string[]) => Promise<readonly ChangeResult[]>;
	/** Reverts one recorded change (an audit log id), as `aks-harden undo ID` does. */
	readonly undo?: (logId: string) => Promise<{readonly outcome: string; readonly message: string}>;
};

/** Everything the walkthrough needs from the outside; the CLI builds the real ones. */
export type WalkthroughDeps = {
	readonly catalog: Catalog;
	readonly connection: ConnectionInfo;
	/** Nodes found in the inventory; may be empty (their states then arrive as events). */
	readonly nodes: readonly NodeInfo[];
	/**
	 * Run the audit (or, with `checkIds: [id]`, re-run one check) and emit engine events through
	 * `onEvent` while it runs. May be called again while a run is in flight (a re-run).
	 */
	readonly startAudit: (onEvent: EngineListener, options: AuditOptions) => Promise<{readonly report: Report}>;
	readonly fixes?: WalkthroughFixes;
	/** Write the report in a format to a path the operator picked (a default when absent); resolves to the path written. */
	readonly exportReport: (report: Report, format: ExportFormat, path?: string) => Promise<string>;
	/** Absent: decisions live in the session file only. */
	readonly decisions?: DecisionStore;
	/** JSON file the session is saved to as it goes (findings, attestations, waivers, notes). */
	/** Where the session is kept between runs (commands/session-store.ts: a file in the state folder). */
	readonly sessions: SessionStore;
	/** `--resume`: restore the saved session for this context without asking. */
	readonly resume: boolean;
	readonly prefs: Prefs;
	/**
	 * The walkthrough calls this once mounted with its dialog handlers, and calls the returned
	 * function when it unmounts. The SSH layer then calls `onHostKey` / `passphrase`.
	 */
	readonly registerPrompts?: (handlers: PromptHandlers) => () => void;
	/** Tool version for exported reports made before the run finished. */
	readonly version?: string;
	/** Who attests and waives; defaults to the OS user. */
	readonly operator?: string;
	/** Clock for attestations, waivers and the session file (tests pin it). */
	readonly now?: () => Date;
	/** Streams and terminal handling; tests and the CLI normally leave these alone. */
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
	/** Skip Ink's alternate screen (e.g. for debugging). Default: on. */
	readonly isAlternateScreen?: boolean;
	/** Override colour detection; default: off when NO_COLOR is set or prefs.theme is `mono`. */
	readonly isColor?: boolean;
};
