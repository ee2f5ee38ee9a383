import type {Platform} from '../model/check.js';

export type ProbeParse = {readonly facts: unknown} | {readonly error: string};

/**
 * A named fact-gatherer: the shell it contributes to a node's one script, and the parser of what
 * that shell printed. Checks never contain shell; they read the parsed facts.
 */
export type Probe = {
	readonly name: string;
	readonly platforms: readonly Platform[];
	/** Whether the snippet needs root; under refused sudo the probe reports "sudo refused". */
	readonly needsSudo: boolean;
	/** The command an operator would type to see the same thing, shown as evidence. */
	readonly command: string;
	/** POSIX sh run on the node; its stdout is the probe's raw output. */
	readonly script: string;
	readonly parse: (output: string) => ProbeParse;
};
