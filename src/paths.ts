import {createHash} from 'node:crypto';
import {homedir} from 'node:os';
import {join} from 'node:path';

/**
 * The user's state folder, as each OS expects it: XDG on Linux, Application Support on macOS,
 * %LOCALAPPDATA% on Windows (operators run the tool in Windows Terminal too).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
	if (env['AKS_HARDEN_STATE_DIR']) return env['AKS_HARDEN_STATE_DIR'];
	if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'aks-harden');
	if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'aks-harden');
	return join(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'aks-harden');
}

/** One walkthrough session file per cluster (context + server), so a resume finds its own. */
export function sessionFileFor(context: string | null, server: string | null, env: NodeJS.ProcessEnv = process.env): string {
	const key = createHash('sha256').update(`${context ?? ''}\n${server ?? ''}`).digest('hex').slice(0, 16);
	const label = (context ?? 'no-context').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
	return join(stateDir(env), 'sessions', `${label}-${key}.json`);
}

/** Service baselines the operator captured, beside the packaged ones. */
export function operatorBaselineDir(env: NodeJS.ProcessEnv = process.env): string {
	return env['AKS_HARDEN_BASELINES'] || join(stateDir(env), 'baselines');
}

/**
 * `~` and `~/…` as the user's home folder. Paths in the inventory (a YAML file) and in
 * `--flag=~/…` never pass through a shell that would expand them.
 */
export function expandHome(path: string, home: string = homedir()): string {
	if (path === '~') return home;
	if (path.startsWith('~/') || (process.platform === 'win32' && path.startsWith('~\\'))) return join(home, path.slice(2));
	return path;
}
