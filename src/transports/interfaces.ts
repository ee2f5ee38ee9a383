// The three ways aks-harden reaches its targets, in one place. The engine, the fixes and the UI
// see only these; the Kubernetes client, the ssh2 adapter, manifest files, the demo and recorded
// nodes implement them, and the composition root (commands/environment.ts) picks which.
// Types only: importing this file loads nothing.
import type {ExtraResult, ListResult} from '../engine/facts.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import type {ClusterFactName, ResourceType} from '../model/resources.js';
import type {ObjectRef, PatchType} from '../fix/model.js';

/**
 * Where cluster objects come from: the live API (transports/kubernetes.ts) or manifest files
 * (transports/manifests.ts). Reads only.
 */
export interface ClusterReader {
	readonly kind: 'cluster' | 'manifests' | 'demo';
	readonly context: string | null;
	readonly server: string | null;
	/** Every object of the resource, all namespaces; a refusal is a value, not a throw. */
	list(resource: ResourceType): Promise<ListResult>;
	fact(name: ClusterFactName): Promise<ExtraResult>;
	/** Manifests mode: where each object was written. */
	locationOf?(object: KubeObject): SourceLocation | undefined;
}

/** What a write returned, with the API server's `Warning` headers (a dry-run's real answer). */
export type WriteResult = {readonly object: KubeObject; readonly warnings: readonly string[]};

export type DryRun = {readonly dryRun: boolean};

export type PodMetrics = {
	readonly metadata: {readonly name: string; readonly labels?: Readonly<Record<string, string>>};
	readonly containers: ReadonlyArray<{readonly name: string; readonly usage: Readonly<Record<string, string>>}>;
};

/**
 * The writes (and the reads around them) a fix makes on the live cluster. A refusal by the API
 * server throws a `KubeRejection` (model/errors.ts) with its reason and warnings.
 */
export interface ClusterWriter {
	readonly context: string;
	readonly server: string;
	get(ref: ObjectRef): Promise<KubeObject | undefined>;
	patch(ref: ObjectRef, type: PatchType, body: unknown, options: DryRun): Promise<WriteResult>;
	create(object: KubeObject, options: DryRun): Promise<WriteResult>;
	delete(ref: ObjectRef, options: DryRun): Promise<{readonly warnings: readonly string[]}>;
	/** Objects of a kind, across namespaces unless one is given; field and label selectors as the API takes them. */
	list(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'>, options?: {readonly fieldSelector?: string; readonly labelSelector?: string}): Promise<readonly KubeObject[]>;
	/**
	 * The Eviction API (policy/v1): the server deletes the pod only when no PodDisruptionBudget
	 * forbids it; `blocked` carries its 429 message otherwise.
	 */
	evict(namespace: string, name: string): Promise<{readonly evicted: true} | {readonly blocked: string}>;
	/** metrics.k8s.io pod usage in a namespace; undefined when metrics-server is not installed. */
	podMetrics(namespace: string): Promise<readonly PodMetrics[] | undefined>;
}

export type RunResult = {readonly stdout: string; readonly stderr: string; readonly code: number | null; readonly signal?: string};

/**
 * `sudo`: run the script as root (`sudo -n sh -s`); `timeoutMs`: the bound of the whole run;
 * `command`: what is exec'd with the script on its stdin instead of `sh -s` (Windows: PowerShell).
 */
export type RunOptions = {readonly sudo: boolean; readonly timeoutMs: number; readonly command?: string};

/**
 * One open shell on one node: run a POSIX sh script (given on stdin) and get its output. The
 * ssh2 adapter, the demo's nodes and recorded nodes implement it; probe gathering
 * (engine/gather-node.ts) and host fixes use nothing else. A run cut short (timeout, dropped
 * connection) rejects; an error may carry `partial.stdout`, what arrived before the cut.
 */
export interface NodeShell {
	run(script: string, options?: RunOptions): Promise<RunResult>;
	/** Ends the session; safe to call more than once. */
	close(): void;
}

/** Where a node is reached: its inventory name and address. */
export type NodeAddress = {readonly name: string; readonly address: string; readonly os?: 'linux' | 'windows'};

/** Opens a shell on a node; the caller closes it. */
export type OpenNodeShell = (node: NodeAddress) => Promise<NodeShell>;
