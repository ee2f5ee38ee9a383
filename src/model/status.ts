import {z} from 'zod';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;

export const statuses = ['pass', 'fail', 'warn', 'error', 'skip', 'manual', 'waived', 'accepted'] as const;
export const Status = z.enum(statuses);
export type Status = z.infer<typeof Status>;

export const sections = ['images', 'host', 'resources', 'secrets', 'isolation', 'monitoring', 'certificates'] as const;
export const Section = z.enum(sections);
export type Section = z.infer<typeof Section>;

/** The article's own headings, in its order; the walkthrough and reports use these. */
export const sectionTitles: Readonly<Record<Section, string>> = {
	images: 'Secure images',
	host: 'Harden host environment',
	resources: 'Limit container resources',
	secrets: 'Properly secure secrets',
	isolation: 'Practice isolation',
	monitoring: 'Deploy runtime security monitoring',
	certificates: 'Secure communication with certificates',
};

export function severityRank(severity: Severity): number {
	return severities.indexOf(severity);
}
