import type {NodeFacts} from '../engine/facts.js';
import {gatherOverShell} from '../engine/gather-node.js';
import {frameNodeOutput, readNodeScript} from '../engine/node-script.js';
import type {NodeInfo} from '../model/report.js';
import type {NodeShell} from '../transports/interfaces.js';

export type RecordedNode = {
	readonly name: string;
	readonly os: 'linux' | 'windows';
	readonly role: 'control-plane' | 'worker';
	readonly sudo: 'ok' | 'refused';
	readonly address?: string;
	/** Raw probe output as the node printed it. */
	readonly probes: Readonly<Record<string, string>>;
};

/** A recorded node asked for sudo it refuses answers as AKS hybrid's restricted SSH does. */
const sudoRefusal = 'sudo: a password is required\n';

/**
 * A recorded node as a shell: it answers the probe script with the output the node printed,
 * framed as a live node frames it. Probes it has no recording for get no frame at all.
 */
export function recordedShell(node: RecordedNode): NodeShell {
	return {
		async run(script, options) {
			if (options?.sudo && node.sudo === 'refused') return {stdout: '', stderr: sudoRefusal, code: 1};
			const asked = readNodeScript(script);
			if (!asked) return {stdout: '', stderr: 'sh: not a probe script\n', code: 2};
			const frames = asked.probes.flatMap((name) => (name in node.probes ? [{name, output: node.probes[name]!, stderr: '', exitCode: 0}] : []));
			return {stdout: frameNodeOutput(asked.marker, frames), stderr: '', code: 0};
		},
		close() {},
	};
}

export function recordedNodeInfo(node: RecordedNode): NodeInfo {
	return {name: node.name, address: node.address ?? '', os: node.os, role: node.role, reachable: true, error: null};
}

/**
 * Facts from recorded probe output, through the same gathering (script, framing, sudo fallback)
 * and parsers as a live node's: golden cases and the demo's nodes exercise the real path, not
 * hand-written facts.
 */
export function recordedNodeFacts(node: RecordedNode, probeNames: readonly string[] = Object.keys(node.probes)): Promise<NodeFacts> {
	return gatherOverShell(recordedShell(node), recordedNodeInfo(node), probeNames, {runTimeoutMs: 60_000});
}
