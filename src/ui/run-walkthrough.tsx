import {render, type Instance} from 'ink';
import type {WalkthroughDeps} from './deps.js';
import {App} from './app.js';
import {operatorName} from './operator.js';
import {planStartup, type Startup} from './state/startup.js';
import {createTheme, isColorWanted, ThemeContext} from './theme.js';

export type WalkthroughProps = {
	readonly deps: WalkthroughDeps;
	readonly startup: Startup;
	readonly operator: string;
	readonly isColor: boolean;
	readonly onExit?: (code: number) => void;
};

/** The whole walkthrough as one element: what runWalkthrough renders, and what UI tests render. */
export function Walkthrough({deps, startup, operator, isColor, onExit}: WalkthroughProps) {
	return (
		<ThemeContext.Provider value={createTheme(isColor)}>
			<App deps={deps} startup={startup} operator={operator} {...(onExit ? {onExit} : {})} />
		</ThemeContext.Provider>
	);
}

/** Everything decided before the first frame: the saved session, colour, who the operator is. */
export async function prepareWalkthrough(deps: WalkthroughDeps, env: NodeJS.ProcessEnv = process.env): Promise<Omit<WalkthroughProps, 'onExit'>> {
	const loaded = await deps.sessions.load();
	const startup = planStartup(loaded, {context: deps.connection.context, server: deps.connection.server}, deps.resume, deps.nodes, deps.decisions ? {path: deps.decisions.path, decisions: deps.decisions.initial} : undefined);
	let theme: 'auto' | 'mono' | undefined;
	try {
		theme = deps.prefs.get('theme');
		if (deps.connection.context) deps.prefs.set('lastContext', deps.connection.context);
	} catch {
		// An unwritable config folder costs the preference, not the walkthrough.
	}
	return {
		deps,
		startup,
		operator: deps.operator ?? operatorName(env),
		isColor: deps.isColor ?? isColorWanted(env, theme),
	};
}

/**
 * Run the interactive walkthrough until the operator quits; resolves to the exit code (0 on
 * quit, 130 on Ctrl+C). The session is on disk before it resolves.
 */
export async function runWalkthrough(deps: WalkthroughDeps): Promise<number> {
	// Raw from the start: a key typed before Ink's input hook is listening would otherwise be echoed
	// (scrolling the screen) and Enter would arrive as a line feed the keymap does not know. Ink owns
	// raw mode from its first frame on and turns it off when it unmounts.
	const stdin = deps.stdin ?? process.stdin;
	if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(true);
	const props = await prepareWalkthrough(deps);
	const instance = render(<Walkthrough {...props} />, {
		...(deps.stdout ? {stdout: deps.stdout} : {}),
		...(deps.stdin ? {stdin: deps.stdin} : {}),
		alternateScreen: deps.isAlternateScreen ?? true,
		// The CLI has checked for a terminal; a CI variable in the operator's (or a test's)
		// environment must not turn the walkthrough into a print-at-exit report.
		interactive: true,
		exitOnCtrlC: false,
	});
	const result = await instance.waitUntilExit();
	return typeof result === 'number' ? result : 0;
}

/** Run the walkthrough in a terminal `renderStarting` already holds; resolves to the exit code. */
export async function runWalkthroughIn(instance: Instance, deps: WalkthroughDeps): Promise<number> {
	const props = await prepareWalkthrough(deps);
	instance.rerender(<Walkthrough {...props} />);
	const result = await instance.waitUntilExit();
	return typeof result === 'number' ? result : 0;
}
