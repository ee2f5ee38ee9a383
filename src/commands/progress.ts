import type {WriteStream} from 'node:tty';
import type {EngineEvent} from '../model/events.js';
import type {Report} from '../model/report.js';
import {printable} from '../model/printable.js';

/**
 * Headless progress on stderr: a live line on a terminal, nothing in pipelines (CI logs stay
 * clean), and a one-line summary at the end either way.
 */
export function progressPrinter(stream: NodeJS.WriteStream | WriteStream) {
	const live = Boolean(stream.isTTY) && !process.env['CI'];
	let lists = 0;
	let nodesDone = 0;
	let findings = 0;
	const unreachable = (report: Report) => {
		for (const node of report.nodes) if (node.reachable === false) stream.write(`aks-harden: node ${printable(node.name)} unreachable: ${printable(node.error ?? 'no reason given')}\n`);
	};
	const draw = () => {
		if (live) stream.write(`\r\x1b[2Kgathered ${lists} lists, ${nodesDone} nodes probed, ${findings} findings…`);
	};
	return {
		onEvent(event: EngineEvent) {
			if (event.type === 'gather-finished') lists++;
			else if (event.type === 'node-state' && (event.state === 'done' || event.state === 'failed')) nodesDone++;
			else if (event.type === 'finding') findings++;
			else return;
			draw();
		},
		done(report: Report) {
			if (live) stream.write('\r\x1b[2K');
			const s = report.summary;
			const attested = report.findings.filter((finding) => finding.status === 'manual' && finding.attestation).length;
			stream.write(`aks-harden: ${s.fail} fail, ${s.warn} warn, ${s.error} error, ${s.pass} pass, ${s.waived} waived, ${s.accepted} accepted, ${s.manual} manual (${attested} attested), ${s.skip} skip; score ${s.score}\n`);
			unreachable(report);
		},
		/** The run failed closed: no summary or score (nothing was judged on the nodes), only why. */
		failed(report: Report) {
			if (live) stream.write('\r\x1b[2K');
			unreachable(report);
		},
	};
}
