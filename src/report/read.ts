import {z} from 'zod';
import {fileProblem, UsageError} from '../model/errors.js';
import {NodeInfoSchema, type Report} from '../model/report.js';
import {Section, Severity, Status} from '../model/status.js';
import {maxJsonDepth, nestedDeeperThan, readTextFile, reportFileBytes} from '../transports/input-file.js';

const Target = z.union([
	z.looseObject({cluster: z.literal(true)}),
	z.looseObject({kind: z.string().min(1), namespace: z.string().optional(), name: z.string().min(1), container: z.string().optional()}),
	z.looseObject({node: z.string().min(1)}),
	z.looseObject({namespace: z.string().min(1)}),
]);

const FindingShape = z.looseObject({
	checkId: z.string().min(1),
	section: Section,
	severity: Severity,
	status: Status,
	target: Target,
	message: z.string(),
	evidence: z.record(z.string(), z.unknown()),
	remediation: z.string(),
	playbook: z.string().optional(),
	reason: z.string().optional(),
	location: z.looseObject({file: z.string(), line: z.number().int()}).optional(),
	attestation: z.looseObject({answer: z.enum(['yes', 'no', 'n/a']), note: z.string(), by: z.string(), at: z.string()}).optional(),
	waiver: z.looseObject({justification: z.string(), approver: z.string(), expires: z.string(), status: z.enum(['fail', 'warn']).optional()}).optional(),
});

const WaiverRefShape = z.looseObject({check: z.string(), target: z.string(), approver: z.string(), expires: z.string(), justification: z.string()});

const ReportShape = z.looseObject({
	schemaVersion: z.literal(1),
	tool: z.looseObject({name: z.literal('aks-harden'), version: z.string()}),
	startedAt: z.string(),
	finishedAt: z.string(),
	cluster: z.looseObject({context: z.string().nullable(), server: z.string().nullable(), source: z.enum(['cluster', 'manifests', 'demo', 'none'])}),
	nodes: z.array(NodeInfoSchema.loose()),
	findings: z.array(FindingShape),
	summary: z.looseObject({score: z.number()}),
	waivers: z.looseObject({expired: z.array(WaiverRefShape), unused: z.array(WaiverRefShape)}).optional(),
	notes: z.record(z.string(), z.string()).optional(),
});

const nextStep = 'pass a file written by `aks-harden audit --format json --output FILE`';

/**
 * Check that a parsed value is an audit this version can read (schemaVersion 1, the §7 fields);
 * the value itself is returned untouched, so fields added by later versions survive.
 */
export function parseAudit(value: unknown, file: string): Report {
	if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file}: not an aks-harden audit (expected a JSON object)`, nextStep);
	const version = (value as Record<string, unknown>)['schemaVersion'];
	if (version !== 1) {
		throw new UsageError(
			version === undefined ? `${file}: not an aks-harden audit (no schemaVersion)` : `${file}: schemaVersion ${JSON.stringify(version)} is not supported; this version reads 1`,
			nextStep,
		);
	}
	const result = ReportShape.safeParse(value);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
		throw new UsageError(`${file}: not a valid aks-harden audit: ${path || '(document)'}: ${issue.message}`, nextStep);
	}
	return value as Report;
}

/** Read a saved audit (`aks-harden audit --format json`): a bad file is a usage error naming it. */
export function readAuditFile(file: string): Report {
	let text: string;
	try {
		text = readTextFile(file, reportFileBytes);
	} catch (error) {
		throw new UsageError(`${file}: ${fileProblem(error)}`, nextStep);
	}
	let value: unknown;
	try {
		value = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (error) {
		throw new UsageError(`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`, nextStep);
	}
	if (nestedDeeperThan(value)) throw new UsageError(`${file}: nested more than ${maxJsonDepth} levels deep (limit); no aks-harden audit is`, nextStep);
	return parseAudit(value, file);
}
