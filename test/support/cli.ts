import {execa} from 'execa';
import {fileURLToPath} from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/aks-harden.js', import.meta.url));

export type CliResult = {readonly code: number; readonly stdout: string; readonly stderr: string};

/** Run the built binary as an operator would (npm test builds first). Never throws on exit codes. */
export async function runCli(args: readonly string[], options: {env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number} = {}): Promise<CliResult> {
	const result = await execa(process.execPath, [binPath, ...args], {
		reject: false,
		env: {NO_COLOR: '1', ...options.env},
		...(options.cwd ? {cwd: options.cwd} : {}),
		timeout: options.timeoutMs ?? 60_000,
		stdin: 'ignore',
	});
	return {code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
}

/** The house rule for bad input: one message, no stack trace. */
export function hasNoStack(text: string): boolean {
	return !/\n\s+at .+:\d+:\d+/.test(text) && !/internal error/.test(text);
}
