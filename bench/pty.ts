// The real binary in a real pseudo-terminal (util-linux `script`), as an operator would run it.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {join} from 'node:path';

const bin = new URL('../bin/aks-harden.js', import.meta.url).pathname;

export type PtyRun = {
	readonly child: ChildProcessWithoutNullStreams;
	/** Resolves once the process group is gone: q (and y if it asks), then SIGKILL after 3 s. */
	readonly quit: () => Promise<void>;
};

/** `aks-harden ARGS` at COLSxROWS with its home and state in `home`, never the user's. */
export function launchInPty(home: string, args: readonly string[], size = {columns: 80, rows: 24}): PtyRun {
	const command = `stty cols ${size.columns} rows ${size.rows}; exec ${[process.execPath, bin, ...args].map((part) => JSON.stringify(part)).join(' ')}`;
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		env: {...process.env, HOME: home, TERM: 'xterm-256color', AKS_HARDEN_STATE_DIR: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config')},
		stdio: ['pipe', 'pipe', 'inherit'],
		detached: true,
	});
	let exited = false;
	child.on('exit', () => (exited = true));
	const quit = () =>
		new Promise<void>((resolve) => {
			if (exited) return resolve();
			child.on('exit', () => {
				clearTimeout(kill);
				resolve();
			});
			child.stdin.write('q');
			setTimeout(() => child.stdin.write('y'), 500).unref();
			const kill = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 3000);
		});
	return {child, quit};
}

/** What a terminal would show as text: colours and cursor moves dropped. */
export function plainText(chunk: string): string {
	// eslint-disable-next-line no-control-regex
	return chunk.replace(/\u001B\[[0-9;?]*[A-Za-z]|\u001B\][^\u0007]*\u0007|\u001B[=>78]/g, ' ');
}
