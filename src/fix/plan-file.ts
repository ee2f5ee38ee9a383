import {z} from 'zod';
import {fileProblem, UsageError} from '../model/errors.js';
import {canonicalJson, sha256} from './digest.js';
import {PlanSchema, type Plan} from './model.js';
import {maxJsonDepth, nestedDeeperThan, readTextFile, reportFileBytes} from '../transports/input-file.js';

/**
 * `fix --plan FILE` writes this; a reviewer reads it; `fix --apply FILE` applies exactly its
 * ready plans. Two kinds of digest make the file a confirmation. Those inside each change say
 * what the target looked like and must look like after: a target that moved since is refused
 * rather than changed. The integrity digests cover every field of every plan and change as
 * written (patch bodies, metadata, host file content, modes, validators): a plan edited after
 * it was written, by hand or by a script, is refused as a whole before anything is read or sent.
 * Dropping a whole plan from the file stays possible: it only ever does less.
 */
const IntegritySchema = z.object({
	/** Over the plan as written, its changes and their digests included, and the cluster it is for. */
	plan: z.string(),
	/** One per change, in order: lets the refusal name the change that was edited. */
	changes: z.array(z.string()),
});

export const PlanFileSchema = z.object({
	schemaVersion: z.literal(1),
	kind: z.literal('aks-harden-fix-plan'),
	createdAt: z.string(),
	tool: z.object({name: z.literal('aks-harden'), version: z.string()}),
	cluster: z.object({context: z.string().nullable(), server: z.string().nullable()}).nullable(),
	plans: z.array(PlanSchema.extend({integrity: IntegritySchema.optional()})),
});
export type PlanFile = z.infer<typeof PlanFileSchema>;

type Raw = Record<string, unknown>;

function changeDigest(change: unknown): string {
	return sha256(canonicalJson(change));
}

function planDigest(plan: Raw, cluster: PlanFile['cluster']): string {
	const {integrity: _integrity, ...rest} = plan;
	return sha256(canonicalJson({cluster, plan: rest}));
}

/** The integrity digests of one plan, over its JSON form (what the file holds, byte for byte once parsed). */
export function integrityOf(plan: Plan, cluster: PlanFile['cluster']): z.infer<typeof IntegritySchema> {
	const json = JSON.parse(JSON.stringify(plan)) as Raw;
	return {plan: planDigest(json, cluster), changes: (json['changes'] as unknown[]).map(changeDigest)};
}

export function planFile(plans: readonly Plan[], options: {version: string; cluster: PlanFile['cluster']; now?: Date}): PlanFile {
	return {
		schemaVersion: 1,
		kind: 'aks-harden-fix-plan',
		createdAt: (options.now ?? new Date()).toISOString(),
		tool: {name: 'aks-harden', version: options.version},
		cluster: options.cluster,
		plans: plans.map((plan) => ({...plan, integrity: integrityOf(plan, options.cluster)})),
	};
}

/**
 * Why a plan as found in the file is not the plan that was written, or undefined. Checked over the
 * raw JSON, before the schema drops fields it does not know: an added field is an edit too.
 */
function tampering(raw: Raw, cluster: PlanFile['cluster']): string | undefined {
	const integrity = IntegritySchema.safeParse(raw['integrity']);
	if (!integrity.success) return 'has no integrity digest (written by hand or by an older aks-harden)';
	const changes = Array.isArray(raw['changes']) ? (raw['changes'] as unknown[]) : [];
	const recorded = integrity.data.changes;
	for (const [index, change] of changes.entries()) {
		const summary = typeof (change as Raw | null)?.['summary'] === 'string' ? `"${String((change as Raw)['summary'])}"` : `#${index + 1}`;
		if (index >= recorded.length) return `has a change ${summary} that was not in it when it was planned`;
		if (changeDigest(change) !== recorded[index]) return `has its change ${summary} edited since it was planned (its patch, content or target no longer match its digest)`;
	}
	if (changes.length < recorded.length) return `lost ${recorded.length - changes.length} of its changes since it was planned`;
	if (planDigest(raw, cluster) !== integrity.data.plan) return 'was edited since it was planned (its status, findings, parameters or cluster no longer match its digest)';
	return undefined;
}

export function readPlanFile(path: string): PlanFile {
	let text: string;
	try {
		text = readTextFile(path, reportFileBytes);
	} catch (error) {
		throw new UsageError(`cannot read plan ${path}: ${fileProblem(error)}`, 'pass a plan file written by `aks-harden fix --plan FILE`');
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new UsageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'pass a file written by `aks-harden fix --plan`');
	}
	if (nestedDeeperThan(json)) throw new UsageError(`${path}: nested more than ${maxJsonDepth} levels deep (limit); no plan is`, 'pass a file written by `aks-harden fix --plan`');
	const result = PlanFileSchema.safeParse(json);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		throw new UsageError(`${path} is not an aks-harden fix plan: ${issue.path.join('.') || '(document)'}: ${issue.message}`, 'pass a file written by `aks-harden fix --plan`');
	}
	const raw = json as {plans: Raw[]};
	for (const [index, plan] of raw.plans.entries()) {
		const problem = tampering(plan, result.data.cluster);
		if (problem) {
			const title = typeof plan['title'] === 'string' ? `"${plan['title']}"` : `#${index + 1}`;
			throw new UsageError(`${path}: plan ${title} ${problem}: nothing was applied`, 'plan again with `aks-harden fix --plan FILE`, review it, and apply that file unedited');
		}
	}
	return result.data;
}
