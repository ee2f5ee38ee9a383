import {z} from 'zod';
import type {Finding} from '../../model/finding.js';
import {NodeInfoSchema, type Report} from '../../model/report.js';
import {Section, Severity, Status} from '../../model/status.js';
import {AttestationSchema, WaiverSchema} from '../../model/settings.js';
import {reportFormats} from '../../report/formats.js';
import {initialAuditState, type AuditState, type NodeEntry} from './audit-state.js';

/**
 * The session file: what the walkthrough saves as it goes, so an interrupted audit resumes with its
 * findings, attestations, waivers and notes. It is ours alone (not a public contract), but it is
 * read back after upgrades, so parsing is strict about what matters and lenient about the rest.
 */
const FindingSchema = z.looseObject({
	checkId: z.string(),
	section: Section,
	severity: Severity,
	status: Status,
	target: z.record(z.string(), z.unknown()),
	message: z.string(),
	evidence: z.record(z.string(), z.unknown()),
	remediation: z.string(),
});


/**
 * Decisions in a session have the one shape of `.aks-harden.yaml`. Sessions saved by earlier
 * versions named the fields differently (`checkId`, `reason`, `by`): they are read as the same.
 */
const older = (value: unknown): unknown => {
	if (!value || typeof value !== 'object' || !('checkId' in value)) return value;
	const {checkId, reason, by, ...rest} = value as Record<string, unknown>;
	return 'answer' in rest ? {check: checkId, by, ...rest} : {check: checkId, justification: reason, approver: by, ...rest};
};
const SessionAttestation = z.preprocess(older, AttestationSchema);
const SessionWaiver = z.preprocess(older, WaiverSchema);

export const SessionSchema = z.object({
	kind: z.literal('aks-harden-session'),
	version: z.literal(1),
	context: z.string().nullable(),
	server: z.string().nullable(),
	savedAt: z.string(),
	phase: z.enum(['idle', 'running', 'finished', 'failed']),
	startedAt: z.string().optional(),
	finishedAt: z.string().optional(),
	plannedChecks: z.array(z.string()),
	finishedChecks: z.array(z.string()),
	findings: z.array(FindingSchema),
	nodes: z.array(z.object({info: NodeInfoSchema, state: z.enum(['waiting', 'connecting', 'probing', 'done', 'failed']), message: z.string().optional()})),
	excludedNodes: z.array(z.string()),
	attestations: z.array(SessionAttestation),
	waivers: z.array(SessionWaiver),
	notes: z.record(z.string(), z.string()),
	exports: z.array(z.object({format: z.enum(reportFormats), path: z.string(), at: z.string()})),
	unexportedChanges: z.number().int().nonnegative(),
	/**
	 * Checks a guided fix changed in that walkthrough. What their re-run showed is not trusted on
	 * resume: the change may not have lasted (the demo starts afresh every time; a cluster may be
	 * reconciled back), so they come back unchecked and are checked again.
	 */
	fixedChecks: z.array(z.string()).optional(),
	/** The last full run's report without its findings (they are above). */
	report: z.looseObject({tool: z.looseObject({version: z.string()})}).optional(),
});

export type SessionFile = z.infer<typeof SessionSchema>;

export type SessionIdentity = {readonly context: string | null; readonly server: string | null};

export function toSession(state: AuditState, identity: SessionIdentity, savedAt: string): SessionFile {
	return {
		kind: 'aks-harden-session',
		version: 1,
		context: identity.context,
		server: identity.server,
		savedAt,
		phase: state.phase,
		...(state.startedAt ? {startedAt: state.startedAt} : {}),
		...(state.finishedAt ? {finishedAt: state.finishedAt} : {}),
		plannedChecks: [...state.plannedChecks],
		finishedChecks: [...state.finishedChecks],
		findings: Object.values(state.findings).flat() as unknown as SessionFile['findings'],
		nodes: state.nodes.map((node) => ({...node, info: {...node.info}})),
		excludedNodes: [...state.excludedNodes],
		attestations: [...state.attestations],
		waivers: [...state.waivers],
		notes: {...state.notes},
		exports: [...state.exports],
		unexportedChanges: state.unexportedChanges,
		...(state.fixes?.length ? {fixedChecks: [...new Set(state.fixes.map((fix) => fix.checkId))]} : {}),
		...(state.report ? {report: {...state.report, findings: []} as unknown as SessionFile['report']} : {}),
	};
}

/**
 * Back to walkthrough state. A run that was going when the session was saved was interrupted: it
 * comes back idle, so the operator restarts it and only the unfinished checks run again. Checks a
 * fix changed come back unchecked too (see fixedChecks), never as the pass their re-run showed.
 */
export function fromSession(session: SessionFile): AuditState {
	const fixed = new Set(session.fixedChecks ?? []);
	const findings: Record<string, Finding[]> = {};
	for (const finding of session.findings as unknown as Finding[]) if (!fixed.has(finding.checkId)) (findings[finding.checkId] ??= []).push(finding);
	const nodes: NodeEntry[] = session.nodes.map((node) => ({
		...node,
		state: node.state === 'connecting' || node.state === 'probing' ? 'waiting' : node.state,
	})) as NodeEntry[];
	return {
		...initialAuditState([]),
		// A finished run with fixed checks has those left to check again.
		phase: session.phase === 'running' || (session.phase === 'finished' && fixed.size) ? 'idle' : session.phase,
		...(session.startedAt ? {startedAt: session.startedAt} : {}),
		...(session.finishedAt ? {finishedAt: session.finishedAt} : {}),
		plannedChecks: session.plannedChecks,
		finishedChecks: session.finishedChecks.filter((id) => !fixed.has(id)),
		findings,
		nodes,
		excludedNodes: session.excludedNodes,
		attestations: session.attestations,
		waivers: session.waivers,
		notes: session.notes,
		exports: session.exports,
		unexportedChanges: session.unexportedChanges,
		...(session.report ? {report: session.report as unknown as Report} : {}),
	};
}

/** Whether a saved session holds anything worth offering to resume. */
export function hasWork(session: SessionFile): boolean {
	return session.findings.length > 0 || session.attestations.length > 0 || session.waivers.length > 0 || Object.keys(session.notes).length > 0;
}

/** Same kubeconfig context; the server address alone decides only when neither has a context (the demo's port changes per run). */
export function isSameCluster(session: SessionFile, identity: SessionIdentity): boolean {
	if (session.context !== null || identity.context !== null) return session.context === identity.context;
	return session.server === identity.server;
}
