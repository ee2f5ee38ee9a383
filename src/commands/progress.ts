import type {WriteStream} from 'node:tty';
import type {EngineEvent} from '../model/events.js';
import type {Report} from '../model/report.js';
import {printable} from '../model/printable.js';

export type ProgressOptions = {
	/** Nodes the run will probe, when known: "nodes 2/4". */
	readonly nodes?: number;
	readonly env?: NodeJS.ProcessEnv;
};

/**
 * Headless progress on stderr: on a terminal, one live line (checks done, nodes done, findings)
 * redrawn in place and wiped at the end; in a pipe or under CI nothing until the one-line summary,
 * so logs stay clean.
 */
export function progressPrinter(stream: NodeJS.WriteStream | WriteStream, options: ProgressOptions = {}) {
	const env = options.env ?? process.env;
	const live = Boolean(stream.isTTY) && !env['CI'];
	let checks = 0;
	const finished = new Set<string>();
	let nodesDone = 0;
	let nodesSeen = 0;
	let findings = 0;
	let isDrawn = false;
	const unreachable = (report: Report) => {
		for (const node of report.nodes) if (node.reachable === false) stream.write(`aks-harden: node ${printable(node.name)} unreachable: ${printable(node.error ?? 'no reason given')}\n`);
	};
	const draw = () => {
		if (!live) return;
		const nodes = Math.max(options.nodes ?? 0, nodesSeen);
		const parts = [`checks ${finished.size}/${checks}`, ...(nodes ? [`nodes ${nodesDone}/${nodes}`] : []), `${findings} finding${findings === 1 ? '' : 's'}`];
		stream.write(`\r\x1b[2Kaks-harden: ${parts.join(' · ')}…`);
		isDrawn = true;
	};
	const wipe = () => {
		if (isDrawn) stream.write('\r\x1b[2K');
		isDrawn = false;
	};
	return {
		onEvent(event: EngineEvent) {
			if (event.type === 'run-started') checks = new Set(event.checkIds).size;
			// A check that runs on nodes and in the cluster is done when its last part is.
			else if (event.type === 'check-finished') finished.add(event.checkId);
			else if (event.type === 'node-state' && event.state === 'connecting') nodesSeen++;
			else if (event.type === 'node-state' && (event.state === 'done' || event.state === 'failed')) nodesDone++;
			else if (event.type === 'finding') findings++;
			else return;
			draw();
		},
		/** Before anything else goes to the terminal (a prompt, an interruption): no half line left. */
		wipe,
		done(report: Report) {
			wipe();
			const s = report.summary;
			const attested = report.findings.filter((finding) => finding.status === 'manual' && finding.attestation).length;
			stream.write(`aks-harden: ${s.fail} fail, ${s.warn} warn, ${s.error} error, ${s.pass} pass, ${s.waived} waived, ${s.accepted} accepted, ${s.manual} manual (${attested} attested), ${s.skip} skip; score ${s.score}\n`);
			unreachable(report);
		},
		/** The run failed closed: no summary or score (nothing was judged on the nodes), only why. */
		failed(report: Report) {
			wipe();
			unreachable(report);
		},
	};
}
