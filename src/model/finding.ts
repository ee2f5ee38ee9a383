import type {Section, Severity, Status} from './status.js';
import type {Target} from './target.js';
import type {SourceLocation} from './kube.js';

/** Evidence is plain data: object paths and values, or a command and its output. Never secret values. */
export type Evidence = Readonly<Record<string, unknown>>;

export type Finding = {
	readonly checkId: string;
	readonly section: Section;
	readonly severity: Severity;
	readonly status: Status;
	readonly target: Target;
	readonly message: string;
	readonly evidence: Evidence;
	readonly remediation: string;
	readonly playbook?: string;
	/** Why a finding is accepted, waived, skipped or in error. */
	readonly reason?: string;
	readonly location?: SourceLocation;
	/** Manual checks: the operator's answer, recorded with who and when. */
	readonly attestation?: Attestation;
	/** Waived findings: the waiver that applied, and the status it set aside (the score still counts a waived failure). */
	readonly waiver?: {readonly justification: string; readonly approver: string; readonly expires: string; readonly status?: 'fail' | 'warn'};
};

export type Attestation = {
	readonly answer: 'yes' | 'no' | 'n/a';
	readonly note: string;
	readonly by: string;
	readonly at: string;
};
