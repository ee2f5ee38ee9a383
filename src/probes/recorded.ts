import type {NodeFacts, ProbeResult} from '../engine/facts.js';
import {probesForOs} from './index.js';
import {probeResult, sudoRefused} from './result.js';

export type RecordedNode = {
	readonly name: string;
	readonly os: 'linux' | 'windows';
	readonly role: 'control-plane' | 'worker';
	readonly sudo: 'ok' | 'refused';
	readonly address?: string;
	/** Raw probe output as the node printed it. */
	readonly probes: Readonly<Record<string, string>>;
};

/**
 * Facts from recorded probe output, through the same parsers a live node's output goes through:
 * golden cases and the demo's nodes exercise real parsing, not hand-written facts.
 */
export function recordedNodeFacts(node: RecordedNode): NodeFacts {
	const results = new Map<string, ProbeResult>();
	const probes = probesForOs(node.os);
	for (const [name, output] of Object.entries(node.probes)) {
		const probe = probes.get(name);
		if (!probe) {
			results.set(name, {command: name, error: `unknown probe ${name}`});
			continue;
		}
		if (probe.needsSudo && node.sudo === 'refused') {
			results.set(name, sudoRefused(probe, 'the node does not allow sudo over SSH (restricted SSH?)'));
			continue;
		}
		results.set(name, probeResult(probe, {output, stderr: '', exitCode: 0}));
	}
	return {
		node: {name: node.name, address: node.address ?? '', os: node.os, role: node.role, reachable: true, error: null},
		probes: results,
	};
}
