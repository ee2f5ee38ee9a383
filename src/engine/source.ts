import type {NodeInfo} from '../model/report.js';
import type {NodeFacts} from './facts.js';

/** The engine reads the cluster through the transport interface of that name. */
export type {ClusterReader as ClusterSource} from '../transports/interfaces.js';

/** Reaches nodes and runs the probes a set of checks needs, one script per node. */
export interface NodeSource {
	gather(node: NodeInfo, probes: readonly string[], signal: AbortSignal): Promise<NodeFacts>;
}
