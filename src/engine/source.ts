import type {ClusterFactName, ResourceType} from '../model/resources.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import type {ExtraResult, ListResult, NodeFacts} from './facts.js';
import type {NodeInfo} from '../model/report.js';

/**
 * Where cluster objects come from: the live API (transports/kubernetes.ts) or manifest files
 * (transports/manifests.ts). The engine sees only this.
 */
export interface ClusterSource {
	readonly kind: 'cluster' | 'manifests' | 'demo';
	readonly context: string | null;
	readonly server: string | null;
	/** Every object of the resource, all namespaces; a refusal is a value, not a throw. */
	list(resource: ResourceType): Promise<ListResult>;
	fact(name: ClusterFactName): Promise<ExtraResult>;
	/** Manifests mode: where each object was written. */
	locationOf?(object: KubeObject): SourceLocation | undefined;
}

/** Reaches nodes and runs the probes a set of checks needs, one script per node. */
export interface NodeSource {
	gather(node: NodeInfo, probes: readonly string[], signal: AbortSignal): Promise<NodeFacts>;
}
