import type {NodeSource} from '../engine/source.js';
import {shellNodeSource} from '../engine/gather-node.js';
import {demoNodeRecordings} from '../probes/demo-nodes.js';
import {recordedShell} from '../probes/recorded.js';

/**
 * Demo nodes answer the probe script from recorded output: the same gathering and parsers as a
 * live node's, over a shell that replays what the node printed.
 */
export function recordedNodeSource(): NodeSource {
	const recordings = new Map(demoNodeRecordings().map((node) => [node.name, node]));
	const shells = shellNodeSource(
		async (node) => {
			const recording = recordings.get(node.name);
			if (!recording) throw new Error('no recorded output for this node');
			return recordedShell(recording);
		},
		{runTimeoutMs: 60_000},
	);
	return {
		async gather(node, probes, signal) {
			// Windows nodes have no host probes yet: nothing to connect to, their checks are skipped.
			if (!recordings.has(node.name) && node.os === 'windows') return {node, probes: new Map()};
			return shells.gather(node, probes, signal);
		},
	};
}
