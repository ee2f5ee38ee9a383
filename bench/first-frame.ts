// Issue target: from launch to the walkthrough's first drawn frame on the demo environment in at
// most 400 ms (the cluster fetch may still be running). The binary runs in a real pseudo-terminal
// (util-linux `script`), and the clock stops when the first frame's text reaches the terminal.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {median} from './child.js';
import {launchInPty} from './pty.js';
const firstFrameText = 'container security walkthrough';

function launchOnce(home: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const {child, quit} = launchInPty(home, ['--demo']);
		let seen = '';
		let done = false;
		const timer = setTimeout(() => finish(new Error('no frame within 20 s')), 20_000);
		function finish(error?: Error, ms?: number) {
			if (done) return;
			done = true;
			clearTimeout(timer);
			void quit().then(() => (error ? reject(error) : resolve(ms!)));
		}
		child.stdout.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			if (seen.includes(firstFrameText)) finish(undefined, performance.now() - started);
		});
		child.on('error', (error) => finish(error));
	});
}

export async function benchFirstFrame(runs = 7): Promise<void> {
	const home = mkdtempSync(join(tmpdir(), 'akh-bench-frame-'));
	const times: number[] = [];
	try {
		await launchOnce(home); // warms the on-disk compile cache, as any second launch would have it
		for (let run = 0; run < runs; run++) times.push(await launchOnce(home));
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
	const ms = median(times);
	console.log(`walkthrough first frame (aks-harden --demo in a pty, 80x24), median of ${runs}: ${ms.toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}); target <= 400 ms ${ms <= 400 ? 'OK' : 'OVER'}`);
}
