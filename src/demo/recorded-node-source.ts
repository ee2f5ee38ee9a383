import type {NodeSource} from '../engine/source.js';
import type {NodeFacts} from '../engine/facts.js';
import {demoNodeRecordings} from '../probes/demo-nodes.js';
import {recordedNodeFacts} from '../probes/recorded.js';
import {windowsDemoRecording} from './windows-node.js';

/** Demo nodes answer from recorded probe output, parsed by the same parsers as a live node's. */
export function recordedNodeSource(): NodeSource {
	const recordings = new Map([...demoNodeRecordings(), windowsDemoRecording()].map((node) => [node.name, node]));
	return {
		async gather(node, probes): Promise<NodeFacts> {
			const recording = recordings.get(node.name);
			if (!recording) return {node: {...node, reachable: false, error: 'no recorded output for this node'}, probes: new Map()};
			const wanted = Object.fromEntries(Object.entries(recording.probes).filter(([name]) => probes.includes(name)));
			const facts = recordedNodeFacts({...recording, probes: wanted});
			return {node: {...node, reachable: true, error: null}, probes: facts.probes};
		},
	};
}
