import type {Finding} from '../model/finding.js';
import type {WaiverRef} from '../model/report.js';
import type {Attestation, Waiver} from '../model/settings.js';
import type {Status} from '../model/status.js';
import {targetKey, type Target} from '../model/target.js';
import {compileGlob, isBlank, isCalendarDate, type GlobMatcher} from '../model/waiver-rules.js';

export type {Attestation, Waiver} from '../model/settings.js';

/**
 * Everything an operator decides about an audit, wherever it was decided (`.aks-harden.yaml`, the
 * walkthrough, a saved session): one shape, one set of rules, used by every front end.
 */
export type Decisions = {
	readonly waivers: readonly Waiver[];
	readonly attestations: readonly Attestation[];
	/** Free notes by check id. */
	readonly notes: Readonly<Record<string, string>>;
};

export const noDecisions: Decisions = {waivers: [], attestations: [], notes: {}};

/** Every target of the check: a decision made on the section screen covers them all. */
export const allTargets = '*';

/**
 * The statuses a waiver may set aside (README, "Waivers"): a failure or a warning. A pass needs
 * none; an error or a skip was never judged, and an open question is answered by attesting it.
 */
export const waivableStatuses: ReadonlySet<Status> = new Set(['fail', 'warn']);

/**
 * The strings a decision's `target` pattern is matched against (any one matching is enough):
 *
 * | finding target                         | matched as                                              |
 * | -------------------------------------- | ------------------------------------------------------- |
 * | namespaced object, e.g. Deployment     | `shop/web`, and with a container also `shop/web:app`    |
 * | cluster-scoped object (ClusterRole…)   | `name`                                                  |
 * | namespace finding                      | the namespace, `shop`                                   |
 * | node finding                           | the node name, `moc-abc`                                |
 * | the cluster itself                     | `cluster`                                               |
 *
 * and, for every target, its full key as reports print it (`Deployment/shop/web:app`,
 * `ClusterRoleBinding/ops-admin`, `Namespace/shop`, `node/moc-abc`, `cluster`), so a waiver can
 * name the kind when a bare name would be ambiguous.
 *
 * So `shop/web` waives every container of `web` in `shop`; `shop/web:sidecar` only that container;
 * `shop/*` every object in `shop`; `moc-*` every node whose name starts with `moc-`.
 */
export function waiverSubjects(target: Target): string[] {
	const key = targetKey(target);
	if ('cluster' in target) return ['cluster'];
	if ('node' in target) return [target.node, key];
	if ('kind' in target) {
		const base = target.namespace ? `${target.namespace}/${target.name}` : target.name;
		const keyWithoutContainer = targetKey({kind: target.kind, ...(target.namespace ? {namespace: target.namespace} : {}), name: target.name});
		return target.container ? [base, `${base}:${target.container}`, keyWithoutContainer, key] : [base, key];
	}
	return [target.namespace, key];
}

/** True when the pattern (see compileGlob) matches any of the target's subjects. */
export function matchesTarget(pattern: string | GlobMatcher, target: Target): boolean {
	const matches = typeof pattern === 'string' ? compileGlob(pattern) : pattern;
	return waiverSubjects(target).some(matches);
}

/** The UTC calendar date, YYYY-MM-DD: the one clock every expiry is read against. */
export function isoDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/**
 * A waiver applies through its `expires` day inclusive (UTC): one expiring 2025-06-30 still applies
 * that day and is expired from 2025-07-01. One without a real date or a justification never applies,
 * however it got here.
 */
export function isWaiverActive(waiver: Waiver, day: string): boolean {
	return isCalendarDate(waiver.expires) && !isBlank(waiver.justification) && waiver.expires >= day;
}

/**
 * How specific a decision's pattern is for one finding: naming the finding's full target key beats
 * any pattern; otherwise the more literal characters a pattern has, the narrower it is (`*` has
 * none). Only called for patterns that match.
 */
function specificity(pattern: string, key: string): number {
	if (pattern === key) return Number.MAX_SAFE_INTEGER;
	return [...pattern].filter((char) => char !== '*' && char !== '?').length;
}

type Candidate<T> = {readonly item: T; readonly matches: GlobMatcher};

/** The most specific decision for the finding; on a tie the first in the list. */
function pick<T extends {readonly check: string; readonly target: string}>(list: readonly Candidate<T>[], finding: Finding): T | undefined {
	const key = targetKey(finding.target);
	const subjects = waiverSubjects(finding.target);
	let best: T | undefined;
	let bestRank = -1;
	for (const {item, matches} of list) {
		if (item.check !== finding.checkId) continue;
		if (item.target !== key && !subjects.some(matches)) continue;
		const rank = specificity(item.target, key);
		if (rank > bestRank) {
			best = item;
			bestRank = rank;
		}
	}
	return best;
}

const candidates = <T extends {readonly target: string}>(list: readonly T[]): Candidate<T>[] => list.map((item) => ({item, matches: compileGlob(item.target)}));

/** A waiver as reports list it: its five fields, nothing a front end may have added. */
export function waiverRef(waiver: Waiver): WaiverRef {
	return {check: waiver.check, target: waiver.target, justification: waiver.justification, approver: waiver.approver, expires: waiver.expires};
}

/** The attestation that speaks for this finding, if any (most specific wins). */
export function attestationFor(list: readonly Attestation[], finding: Finding): Attestation | undefined {
	return pick(candidates(list), finding);
}

/** The waiver that would apply to this finding, expired or not (most specific wins). */
export function waiverFor(list: readonly Waiver[], finding: Finding): Waiver | undefined {
	return pick(candidates(list), finding);
}

export type Decided = {
	readonly findings: Finding[];
	/** Past their expiry day: applied to nothing, the findings they covered count again. */
	readonly expired: WaiverRef[];
	/** Still valid but waived nothing: the problem is gone, the id or pattern is wrong, or a more specific waiver won. */
	readonly unused: WaiverRef[];
};

/**
 * Pure. The engine's findings as the operator's decisions leave them; the findings passed in are
 * never changed.
 *
 * - A `manual` finding with an attestation stays `manual` and carries it (answer, note, who, when),
 *   without the engine's "awaiting" reason.
 * - A `fail` or `warn` finding (see waivableStatuses) with an active waiver becomes `waived`, its
 *   reason the justification, carrying the waiver and the status it set aside.
 * - Precedence, for attestations and waivers alike: a decision naming the finding's full target key
 *   wins, then the pattern with the most literal characters; on a tie the first in the list.
 * - Dates are UTC calendar days (isWaiverActive); `today` is a Date or its UTC day, YYYY-MM-DD.
 */
export function decide(findings: readonly Finding[], decisions: Decisions, today: Date | string): Decided {
	const day = typeof today === 'string' ? today : isoDay(today);
	const expired: WaiverRef[] = [];
	const active: Candidate<Waiver>[] = [];
	for (const waiver of decisions.waivers) {
		if (isWaiverActive(waiver, day)) active.push({item: waiver, matches: compileGlob(waiver.target)});
		else expired.push(waiverRef(waiver));
	}
	const attestations = candidates(decisions.attestations);
	const used = new Set<Waiver>();
	const out = findings.map((finding): Finding => {
		if (finding.status === 'manual') {
			const attestation = attestations.length ? pick(attestations, finding) : undefined;
			if (!attestation) return finding;
			// Answered: the engine's "awaiting the operator's attestation" no longer holds.
			const {reason: _awaiting, ...answered} = finding;
			return {...answered, attestation: {answer: attestation.answer, note: attestation.note, by: attestation.by, at: attestation.at}};
		}
		if (!waivableStatuses.has(finding.status) || !active.length) return finding;
		const waiver = pick(active, finding);
		if (!waiver) return finding;
		used.add(waiver);
		const {justification, approver, expires} = waiver;
		return {...finding, status: 'waived', reason: justification, waiver: {justification, approver, expires, status: finding.status as 'fail' | 'warn'}};
	});
	return {findings: out, expired, unused: active.filter(({item}) => !used.has(item)).map(({item}) => waiverRef(item))};
}

const sameSubject = (a: {readonly check: string; readonly target: string}, b: {readonly check: string; readonly target: string}) =>
	a.check === b.check && a.target === b.target;

/** Add or replace the decision for one (check, target): the newer word replaces the older in place. */
export function upsertDecision<T extends {readonly check: string; readonly target: string}>(list: readonly T[], item: T): T[] {
	const index = list.findIndex((existing) => sameSubject(existing, item));
	if (index === -1) return [...list, item];
	return list.map((existing, i) => (i === index ? item : existing));
}

export function removeDecision<T extends {readonly check: string; readonly target: string}>(list: readonly T[], subject: {readonly check: string; readonly target: string}): T[] {
	return list.filter((existing) => !sameSubject(existing, subject));
}

/** Notes with blank ones dropped and text trimmed: what every report prints. */
export function cleanNotes(notes: Readonly<Record<string, string>>): Record<string, string> {
	return Object.fromEntries(Object.entries(notes).map(([check, text]) => [check, text.trim()] as const).filter(([, text]) => text.length > 0));
}
