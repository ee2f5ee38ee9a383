// Issue target: while the demo audit runs, a key press on the walkthrough reaches the terminal as
// a new frame within 100 ms (p95 of 50 presses). The binary runs in a pseudo-terminal at 80x24;
// each press moves the sections cursor (j, then k, …) and the clock stops when the line with the
// newly selected section is drawn. Only presses made while the header still says "checking"
// count; the walkthrough is launched again until 50 have been made during an audit.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {launchInPty, plainText} from './pty.js';

const presses = 50;
const targetMs = 100;
const first = 'Secure images';
const second = 'Harden host environment';

type Sample = {readonly ms: number; readonly isAuditRunning: boolean};

/** One launch: Enter starts the audit, then j/k alternate until the audit is done or enough presses count. */
function oneLaunch(home: string, wanted: number): Promise<Sample[]> {
	return new Promise((resolve, reject) => {
		const {child, quit} = launchInPty(home, ['--demo']);
		const samples: Sample[] = [];
		let screen = ''; // text since the last press (or since launch)
		let isRunning = true;
		let waiting: {readonly title: string; readonly at: number} | undefined;
		let phase: 'connect' | 'sections' | 'pressing' = 'connect';
		let index = 0;
		const timer = setTimeout(() => finish(new Error('the walkthrough stopped answering (20 s)')), 20_000);
		let done = false;
		function finish(error?: Error) {
			if (done) return;
			done = true;
			clearTimeout(timer);
			void quit().then(() => (error ? reject(error) : resolve(samples)));
		}
		function press() {
			const title = index % 2 === 0 ? second : first;
			index++;
			screen = '';
			waiting = {title, at: performance.now()};
			child.stdin.write(index % 2 === 1 ? 'j' : 'k');
		}
		child.stdout.on('data', (chunk: Buffer) => {
			const now = performance.now();
			const text = plainText(chunk.toString());
			screen += text;
			if (/done \d+\/\d+/.test(text)) isRunning = false;
			if (phase === 'connect' && screen.includes('Connection')) {
				phase = 'sections';
				screen = '';
				child.stdin.write('\r');
				return;
			}
			if (phase === 'sections' && screen.includes('Sections, in')) {
				phase = 'pressing';
				press();
				return;
			}
			if (phase !== 'pressing' || !waiting) return;
			if (!new RegExp(`›\\s+\\S\\s+${waiting.title}`).test(screen)) return;
			samples.push({ms: now - waiting.at, isAuditRunning: isRunning});
			if (process.env["BENCH_VERBOSE"]) console.log(`  press ${index}: ${(now - waiting.at).toFixed(0)} ms${isRunning ? "" : " (audit done)"}`);
			waiting = undefined;
			if (!isRunning || samples.filter((sample) => sample.isAuditRunning).length >= wanted) return finish();
			// A short pause, as between two key presses of a person, so presses do not queue up.
			setTimeout(press, 15);
		});
		child.on('error', (error) => finish(error));
	});
}

function percentile(values: readonly number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchKeyLatency(): Promise<void> {
	const home = mkdtempSync(join(tmpdir(), 'akh-bench-keys-'));
	try {
		const during: number[] = [];
		let launches = 0;
		while (during.length < presses && launches < 30) {
			launches++;
			// A fresh state folder each time, so no launch resumes the previous one's finished audit.
			rmSync(join(home, 'state'), {recursive: true, force: true});
			const samples = await oneLaunch(home, presses - during.length);
			during.push(...samples.filter((sample) => sample.isAuditRunning).map((sample) => sample.ms));
		}
		if (!during.length) throw new Error('no key press landed while the audit ran');
		const p95 = percentile(during, 95);
		console.log(
			`walkthrough key to frame while the demo audit runs (80x24 pty, ${during.length} presses over ${launches} launch(es)): p95 ${p95.toFixed(0)} ms, median ${percentile(during, 50).toFixed(0)} ms, max ${Math.max(...during).toFixed(0)} ms; target p95 <= ${targetMs} ms ${p95 <= targetMs && during.length >= presses ? 'OK' : 'OVER'}`,
		);
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
}
