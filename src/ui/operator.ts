import {userInfo} from 'node:os';

/** Who attests and waives: the OS user, as Windows and POSIX both report it; never a uid. */
export function operatorName(env: NodeJS.ProcessEnv = process.env): string {
	try {
		const name = userInfo().username;
		if (name) return name;
	} catch {
		// No passwd entry (some containers): fall back to the environment.
	}
	return env['USER'] ?? env['USERNAME'] ?? 'operator';
}
