import type {Finding} from '../../model/finding.js';
import {targetKey} from '../../model/target.js';
import {isBlank, isCalendarDate} from '../../model/waiver-rules.js';
import {matchesTarget} from '../../engine/waivers.js';

/** Every target of the check: a decision made on the section screen covers them all. */
export const allTargets = '*';

export const attestAnswers = ['yes', 'no', 'n/a'] as const;
export type AttestAnswer = (typeof attestAnswers)[number];

/** The operator's word on a question no machine can check. */
export type Attestation = {
	readonly checkId: string;
	/** targetKey() of the finding, or `*`. */
	readonly target: string;
	readonly answer: AttestAnswer;
	readonly note: string;
	readonly by: string;
	/** ISO time. */
	readonly at: string;
};

/** A known deviation the operator accepts until a date. */
export type Waiver = {
	readonly checkId: string;
	readonly target: string;
	readonly reason: string;
	/** YYYY-MM-DD, inclusive: the waiver lapses the day after. */
	readonly expires: string;
	readonly by: string;
	readonly at: string;
};

const waivable = new Set(['fail', 'warn', 'manual', 'error']);

/** The same target matcher as file waivers: `*` is every target, a target key is that target. */
function appliesTo(decision: {readonly checkId: string; readonly target: string}, finding: Finding, key: string): boolean {
	return decision.checkId === finding.checkId && (decision.target === key || matchesTarget(decision.target, finding.target));
}

/** The most specific decision wins: one made for this target beats one made for the whole check. */
function pick<T extends {readonly checkId: string; readonly target: string}>(list: readonly T[], finding: Finding, key: string): T | undefined {
	let found: T | undefined;
	for (const item of list) {
		if (!appliesTo(item, finding, key)) continue;
		if (!found || (found.target === allTargets && item.target !== allTargets)) found = item;
		else if (found.target === item.target) found = item;
	}
	return found;
}

/** A waiver without a real expiry date or a reason is never active, however it got here. */
export function isWaiverActive(waiver: Waiver, today: string): boolean {
	return isCalendarDate(waiver.expires) && !isBlank(waiver.reason) && waiver.expires >= today;
}

export function localDate(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A finding as the operator's decisions leave it, in the report's terms: an attested question stays
 * `manual` and carries `attestation` (who, when, the answer, the note); a waived failure becomes
 * `waived` and carries `waiver`. An attestation answered "no" can itself be waived. The engine's
 * finding is never changed; this returns a new one.
 */
export function applyDecisions(
	finding: Finding,
	attestations: readonly Attestation[],
	waivers: readonly Waiver[],
	today: string,
): Finding {
	const key = targetKey(finding.target);
	let result = finding;
	if (finding.status === 'manual') {
		const attestation = pick(attestations, finding, key);
		if (attestation) {
			result = {...finding, attestation: {answer: attestation.answer, note: attestation.note, by: attestation.by, at: attestation.at}};
		}
	}
	const isOpen = result.status !== 'manual' || !result.attestation || result.attestation.answer === 'no';
	if (waivable.has(result.status) && isOpen) {
		const waiver = pick(
			waivers.filter((w) => isWaiverActive(w, today)),
			finding,
			key,
		);
		if (waiver) {
			result = {
				...result,
				status: 'waived',
				reason: `waived by ${waiver.by} until ${waiver.expires}: ${waiver.reason}`,
				waiver: {justification: waiver.reason, approver: waiver.by, expires: waiver.expires},
			};
		}
	}
	return result;
}

/** Attestations for one (check, target), most specific first; used to show what was said. */
export function attestationFor(list: readonly Attestation[], finding: Finding): Attestation | undefined {
	return pick(list, finding, targetKey(finding.target));
}

export function waiverFor(list: readonly Waiver[], finding: Finding): Waiver | undefined {
	return pick(list, finding, targetKey(finding.target));
}
