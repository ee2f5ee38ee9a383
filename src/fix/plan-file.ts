import {readFileSync} from 'node:fs';
import {z} from 'zod';
import {UsageError} from '../model/errors.js';
import {PlanSchema, type Plan} from './model.js';

/**
 * `fix --plan FILE` writes this; a reviewer reads it; `fix --apply FILE` applies exactly its
 * ready plans. Its digests are what make the file a confirmation: a target that moved since is
 * refused rather than changed.
 */
export const PlanFileSchema = z.object({
	schemaVersion: z.literal(1),
	kind: z.literal('aks-harden-fix-plan'),
	createdAt: z.string(),
	tool: z.object({name: z.literal('aks-harden'), version: z.string()}),
	cluster: z.object({context: z.string().nullable(), server: z.string().nullable()}).nullable(),
	plans: z.array(PlanSchema),
});
export type PlanFile = z.infer<typeof PlanFileSchema>;

export function planFile(plans: readonly Plan[], options: {version: string; cluster: PlanFile['cluster']; now?: Date}): PlanFile {
	return {
		schemaVersion: 1,
		kind: 'aks-harden-fix-plan',
		createdAt: (options.now ?? new Date()).toISOString(),
		tool: {name: 'aks-harden', version: options.version},
		cluster: options.cluster,
		plans: [...plans],
	};
}

export function readPlanFile(path: string): PlanFile {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read plan ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'write one first with `aks-harden fix --plan FILE`');
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new UsageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'pass a file written by `aks-harden fix --plan`');
	}
	const result = PlanFileSchema.safeParse(json);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		throw new UsageError(`${path} is not an aks-harden fix plan: ${issue.path.join('.') || '(document)'}: ${issue.message}`, 'pass a file written by `aks-harden fix --plan`');
	}
	return result.data;
}
