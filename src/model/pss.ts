import {z} from 'zod';
import {optionHelp, UsageError} from './errors.js';

/**
 * The Pod Security Standards as Pod Security Admission (k8s.io/pod-security-admission/policy)
 * versions them: every rule has a minimum Kubernetes minor version, and at version V the newest
 * rule with a minimum <= V applies. Versions are carried as the minor number (v1.30 → 30).
 */
export const pssLevels = ['baseline', 'restricted'] as const;
export type PssLevel = (typeof pssLevels)[number];

/**
 * The newest version PSA's policy code defines a rule for (the sysctl safe set grew at v1.37).
 * A cluster or a label naming a newer version is evaluated at this one, as PSA caps at its own
 * newest.
 */
export const newestPssMinor = 37;

export const pssLabelPrefix = 'pod-security.kubernetes.io/';
export const pssModes = ['enforce', 'audit', 'warn'] as const;

const versionPattern = /^v1\.(0|[1-9][0-9]*)$/;

/** Check metadata: which PSS level and PSA control a check implements. */
export const PssSchema = z
	.object({
		level: z.enum(pssLevels),
		/** PSA's check id (policy/check_*.go), e.g. `runAsNonRoot`, `capabilities_baseline`. */
		control: z.string().regex(/^[A-Za-z_]+$/),
		/** The first version the control exists at; below it the check reports `skip`. */
		since: z.string().regex(versionPattern, 'must be v1.N').default('v1.0'),
		/** Restricted checks only: the baseline controls PSA leaves out at restricted because this one replaces them. */
		overrides: z.array(z.string()).default([]),
	})
	.strict();
export type Pss = z.infer<typeof PssSchema>;

/** `v1.30` → 30; anything else → undefined (PSA reads an unparsable version label as latest). */
export function parsePssMinor(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const match = versionPattern.exec(value.trim());
	return match ? Number(match[1]) : undefined;
}

export const pssVersionName = (minor: number) => `v1.${minor}`;

/** One line for reports and screens: `PSS restricted · PSA runAsNonRoot · from v1.0`. */
export function pssSummary(pss: Pss): string {
	return `PSS ${pss.level} · PSA ${pss.control} · from ${pss.since}${pss.overrides.length ? ` · replaces ${pss.overrides.join(', ')} at restricted` : ''}`;
}

/** `--pss-version v1.X|latest`: undefined for latest (resolved per cluster later). */
export function pssVersionOption(value: string | undefined): number | 'latest' | undefined {
	if (value === undefined) return undefined;
	if (value === 'latest') return 'latest';
	const minor = parsePssMinor(value);
	if (minor === undefined) throw new UsageError(`--pss-version must be latest or v1.N (like v1.30), not "${value}"`, optionHelp());
	return Math.min(minor, newestPssMinor);
}

/** The minor version of a `/version` answer (`{"major":"1","minor":"30+"}` or gitVersion v1.30.9). */
export function serverMinor(version: unknown): number | undefined {
	if (!version || typeof version !== 'object') return undefined;
	const info = version as {minor?: unknown; gitVersion?: unknown};
	const fromMinor = typeof info.minor === 'string' ? /^(\d+)/.exec(info.minor)?.[1] : undefined;
	const fromGit = typeof info.gitVersion === 'string' ? /^v1\.(\d+)/.exec(info.gitVersion)?.[1] : undefined;
	const minor = fromMinor ?? fromGit;
	return minor === undefined ? undefined : Number(minor);
}

/** What "latest" means: the API server's own minor, capped at the newest PSA rule known here. */
export function latestPssMinor(server: number | undefined): number {
	return server === undefined ? newestPssMinor : Math.min(server, newestPssMinor);
}

/**
 * The version a namespace's label asks for (`pod-security.kubernetes.io/<mode>-version`), or
 * undefined when it means latest (unset, `latest` or unparsable, as PSA reads it). A version
 * newer than latest is capped: no API server judges by rules newer than its own.
 */
export function namespacePssMinor(labels: Readonly<Record<string, unknown>> | undefined, latest: number, mode: (typeof pssModes)[number] = 'enforce'): number | undefined {
	const raw = labels?.[`${pssLabelPrefix}${mode}-version`];
	const minor = typeof raw === 'string' ? parsePssMinor(raw) : undefined;
	return minor === undefined ? undefined : Math.min(minor, latest);
}
