import {render, type Instance} from 'ink';
import {StartingScreen, type StartingScreenProps} from './screens/starting-screen.js';

/**
 * The first frame, before anything heavy is loaded; the walkthrough later takes over the same
 * terminal through `runWalkthroughIn`. Rendered with the walkthrough's own options.
 */
export function renderStarting(props: StartingScreenProps, options: {readonly stdout?: NodeJS.WriteStream; readonly stdin?: NodeJS.ReadStream; readonly isAlternateScreen?: boolean} = {}): Instance {
	return render(<StartingScreen {...props} />, {
		...(options.stdout ? {stdout: options.stdout} : {}),
		...(options.stdin ? {stdin: options.stdin} : {}),
		alternateScreen: options.isAlternateScreen ?? true,
		// The caller has checked for a terminal; a CI variable in the operator's (or a test's)
		// environment must not turn the walkthrough into a print-at-exit report.
		interactive: true,
		exitOnCtrlC: false,
	});
}

