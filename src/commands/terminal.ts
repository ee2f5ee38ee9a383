import {printable, printableLines} from '../model/printable.js';

export {printable};

/**
 * Text for stdout that is not a machine format (plans, diffs, results): lines are kept, every
 * other control character a cluster, manifest or node put into it is shown escaped.
 */
export function writeOut(text: string): void {
	process.stdout.write(printableLines(text));
}

/** A stderr line whose parts come from outside: each part is already one line (printable()). */
export function writeErr(text: string): void {
	process.stderr.write(printableLines(text));
}

/** A manifest path the reader left out, and why: said on stderr, never dropped in silence. */
export function reportSkipped(skipped: {readonly path: string; readonly reason: string}): void {
	process.stderr.write(`aks-harden: skipped ${printable(skipped.path)}: ${printable(skipped.reason)}\n`);
}
