import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse as parseYaml} from 'yaml';
import {z} from 'zod';
import {packageRoot} from '../package-root.js';
import {unitPattern} from './baselines.js';

/**
 * Units a Kubernetes node never needs (data/services/never-needed.yaml), judged on every node
 * whatever its image: the baseline of an image adds units to judge, it never excuses these.
 */
export const DenylistSchema = z
	.object({
		units: z
			.array(z.object({units: z.array(z.string().regex(/^[A-Za-z0-9@._:*?\\-]+$/, 'a unit name or glob')).min(1), what: z.string().min(1)}).strict())
			.min(1),
	})
	.strict();

export type DeniedUnit = {
	/** The glob as written (`avahi-daemon`, `telnet@*`). */
	readonly glob: string;
	/** The glob as an anchored regular expression, for CEL's `matches`. */
	readonly pattern: string;
	readonly what: string;
};

export const denylistFile = join(packageRoot, 'data', 'services', 'never-needed.yaml');

export function loadDenylist(file = denylistFile): DeniedUnit[] {
	const parsed = DenylistSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`${file}: ${issue?.path.join('.') || 'denylist'}: ${issue?.message ?? 'invalid'}`);
	}
	return parsed.data.units.flatMap((entry) => entry.units.map((glob) => ({glob, pattern: unitPattern(glob), what: entry.what})));
}

/** The entry that names a unit, if any. */
export function deniedEntry(unit: string, denylist: readonly DeniedUnit[]): DeniedUnit | undefined {
	return denylist.find((entry) => new RegExp(entry.pattern).test(unit));
}
