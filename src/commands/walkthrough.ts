import {UsageError} from '../model/errors.js';

export async function walkthroughCommand(args: readonly string[]): Promise<number> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UsageError('the walkthrough needs a terminal (stdout is not a TTY)', 'for scripts and CI run `aks-harden audit` (add --demo to try it)');
	}
	const {startWalkthrough} = await import('./walkthrough-start.js');
	return startWalkthrough(args);
}
