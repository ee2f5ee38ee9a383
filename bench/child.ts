import {spawn} from 'node:child_process';

export type ChildRun = {readonly wallMs: number; readonly maxRssMb: number; readonly code: number | null; readonly stdout: string; readonly stderr: string};

/** Run a Node child with the peak-memory reporter preloaded; wall time is spawn to exit. */
export function runNodeChild(args: readonly string[], options: {readonly env?: NodeJS.ProcessEnv; readonly cwd?: string} = {}): Promise<ChildRun> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', new URL('./rss-on-exit.mjs', import.meta.url).pathname, ...args], {
			cwd: options.cwd,
			env: {...process.env, ...options.env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			const wallMs = performance.now() - started;
			const rss = /BENCH maxrss_kb=(\d+)/.exec(stderr);
			resolve({wallMs, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, code, stdout, stderr});
		});
	});
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}
