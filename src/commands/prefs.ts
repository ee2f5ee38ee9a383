import Conf from 'conf';
import type {PrefValues, Prefs} from '../ui/deps.js';

/**
 * Settings kept between runs (last context, SSH user and key, theme) in the per-user config
 * folder `conf` picks for the platform (XDG on Linux, %APPDATA% on Windows).
 */
export function createPrefs(options: {readonly cwd?: string} = {}): Prefs {
	const store = new Conf<Partial<PrefValues>>({
		projectName: 'aks-harden',
		projectSuffix: '',
		...(options.cwd ? {cwd: options.cwd} : {}),
		schema: {
			lastContext: {type: 'string'},
			sshUser: {type: 'string'},
			sshKey: {type: 'string'},
			theme: {type: 'string', enum: ['auto', 'mono']},
		},
	});
	// conf's own key types are stricter than a generic key can satisfy; the schema still checks values.
	const untyped = store as unknown as {get(key: string): unknown; set(key: string, value: unknown): void};
	return {
		get: <K extends keyof PrefValues>(key: K) => untyped.get(key) as PrefValues[K] | undefined,
		set: (key, value) => untyped.set(key, value),
	};
}

/** In-memory prefs: for tests, and when the config folder cannot be written. */
export function memoryPrefs(initial: Partial<PrefValues> = {}): Prefs {
	const values: Partial<PrefValues> = {...initial};
	return {
		get: (key) => values[key],
		set: (key, value) => {
			values[key] = value;
		},
	};
}
