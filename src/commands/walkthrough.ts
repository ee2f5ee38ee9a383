import {UsageError} from '../model/errors.js';

/**
 * `aks-harden` with no command. The first frame is drawn before the catalogue, the Kubernetes
 * client and the cluster are loaded (they take a second or more); the walkthrough then takes
 * over the same terminal.
 */
export async function walkthroughCommand(args: readonly string[]): Promise<number> {
	if (args.includes('--help') || args.includes('-h')) return (await import('./walkthrough-start.js')).startWalkthrough(args);
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		// A mistyped flag is the first thing to say, terminal or not.
		const [{parse}, {walkthroughOptions}] = await Promise.all([import('./options.js'), import('./walkthrough-start.js')]);
		parse(args, walkthroughOptions, 'walkthrough');
		throw new UsageError('the walkthrough needs a terminal (stdout is not a TTY)', 'for scripts and CI run `aks-harden audit` (add --demo to try it)');
	}
	const {renderStarting} = await import('../ui/render-starting.js');
	const isDemo = args.includes('--demo');
	const instance = renderStarting({
		title: 'aks-harden: container security walkthrough for AKS hybrid',
		detail: isDemo ? 'Starting the demo environment…' : 'Loading the checks and connecting to the cluster…',
	});
	const {startWalkthrough} = await import('./walkthrough-start.js');
	return startWalkthrough(args, instance);
}
