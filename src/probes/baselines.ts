import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
import {parse as parseYaml} from 'yaml';
import {z} from 'zod';

/**
 * Service baselines are data (data/baselines/<image>.yaml), one per node image: the units a
 * freshly provisioned node of that image has enabled or running. They are captured from a real
 * node (`aks-harden baseline capture NODE`) rather than written by hand.
 */
export const BaselineSchema = z
	.object({
		image: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case image id, e.g. cbl-mariner-2'),
		title: z.string().optional(),
		source: z.string().optional(),
		capturedFrom: z.string().optional(),
		capturedAt: z.string().optional(),
		/** Unit names or globs (`systemd-*`, `getty@*`); a pattern without a suffix matches any unit type. */
		units: z.array(z.string().min(1)).min(1),
	})
	.strict();

export type Baseline = z.infer<typeof BaselineSchema> & {readonly file: string};

export const packagedBaselineDir = join(packageRoot, 'data', 'baselines');

/** A unit glob as an anchored regular expression CEL's `matches` can use. */
export function unitPattern(glob: string): string {
	const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
	// `kubelet` means kubelet.service or kubelet.socket; `ssh.service` means exactly that.
	return glob.includes('.') ? `^${body}$` : `^${body}(\\.[a-z]+)?$`;
}

export function unitMatches(unit: string, globs: readonly string[]): boolean {
	return globs.some((glob) => new RegExp(unitPattern(glob)).test(unit));
}

/** Reads every `*.yaml` in the folders; a later folder's image replaces an earlier one's. */
export function loadBaselines(dirs: readonly string[] = [packagedBaselineDir]): Map<string, Baseline> {
	const out = new Map<string, Baseline>();
	for (const dir of dirs) {
		if (!existsSync(dir)) continue;
		for (const name of readdirSync(dir).sort()) {
			if (!/\.ya?ml$/.test(name)) continue;
			const file = join(dir, name);
			const parsed = BaselineSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				throw new Error(`${file}: ${issue?.path.join('.') || 'baseline'}: ${issue?.message ?? 'invalid'}`);
			}
			out.set(parsed.data.image, {...parsed.data, file});
		}
	}
	return out;
}

/** /etc/os-release (ID, VERSION_ID) → the image id baselines are named by. */
export function imageId(osRelease: Readonly<Record<string, string>>): string {
	const id = (osRelease['ID'] ?? 'unknown').toLowerCase();
	const major = (osRelease['VERSION_ID'] ?? '').split('.')[0] ?? '';
	const family: Record<string, string> = {mariner: 'cbl-mariner', azurelinux: 'azure-linux'};
	const name = family[id] ?? id;
	return major ? `${name}-${major}` : name;
}

/** KEY=value and KEY="value" lines of os-release. */
export function parseOsRelease(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (match) out[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
	}
	return out;
}
