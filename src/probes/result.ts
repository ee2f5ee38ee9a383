import type {ProbeResult} from '../engine/facts.js';
import {PROBE_TIMEOUT_SECONDS, type ProbeFrame} from '../engine/node-script.js';
import type {Probe} from './probe.js';
import {firstLine} from './shell.js';

export const SUDO_REFUSED = 'sudo refused';

/**
 * A probe's frame → its result, the same way for a live node and for recorded output: the parser
 * decides, and when it cannot, the probe's own stderr or exit status says why.
 */
export function probeResult(probe: Probe, frame: ProbeFrame): ProbeResult {
	if ('error' in frame) return {command: probe.command, error: frame.error};
	if (frame.exitCode === 124 || frame.exitCode === 137) {
		return {command: probe.command, error: `timed out on the node (stopped after ${PROBE_TIMEOUT_SECONDS} s)`};
	}
	let parsed;
	try {
		parsed = probe.parse(frame.output);
	} catch (error) {
		// A parser bug must not take the node's other probes down with it.
		return {command: probe.command, error: `cannot parse output: ${error instanceof Error ? error.message : String(error)}`};
	}
	if ('facts' in parsed) return {command: probe.command, facts: parsed.facts};
	const stderr = firstLine(frame.stderr);
	const error = stderr && !parsed.error.includes(stderr) ? `${parsed.error} (${stderr})` : parsed.error;
	return {command: probe.command, error};
}

export function sudoRefused(probe: Probe, why: string): ProbeResult {
	return {command: probe.command, error: `${SUDO_REFUSED}: ${why}`};
}
