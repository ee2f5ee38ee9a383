import type {Finding} from '../model/finding.js';
import type {WaiverRef} from '../model/report.js';
import type {Waiver} from '../model/settings.js';
import {targetKey, type Target} from '../model/target.js';
import {compileGlob, type GlobMatcher} from '../model/waiver-rules.js';

/**
 * The strings a waiver's `target` pattern is matched against (any one matching is enough):
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

export type WaiverOutcome = {
	readonly findings: Finding[];
	/** Past their expiry date: no longer applied, the findings they covered count again. */
	readonly expired: WaiverRef[];
	/** Still valid but waived nothing: the problem is gone, or the check id or pattern is wrong. */
	readonly unused: WaiverRef[];
};

function ref(waiver: Waiver): WaiverRef {
	return {check: waiver.check, target: waiver.target, approver: waiver.approver, expires: waiver.expires, justification: waiver.justification};
}

/** The UTC calendar date, YYYY-MM-DD. */
export function isoDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/**
 * Pure. A waiver applies to findings of exactly its `check` id whose target matches its pattern
 * (see waiverSubjects), through its `expires` day inclusive (UTC): a waiver expiring 2025-06-30 still
 * applies on that day and is expired from 2025-07-01. Only `fail` and `warn` findings become
 * `waived` (reason = the justification, `waiver` recorded); passes, errors, skips, manual and
 * accepted findings are never touched. When several waivers match a finding the first in the file
 * wins. Expired waivers are listed and applied to nothing; valid waivers that waived nothing are
 * listed as unused.
 */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], today: Date): WaiverOutcome {
	const day = isoDay(today);
	const expired: WaiverRef[] = [];
	const active: Array<{waiver: Waiver; matches: GlobMatcher; used: boolean}> = [];
	for (const waiver of waivers) {
		if (waiver.expires < day) expired.push(ref(waiver));
		else active.push({waiver, matches: compileGlob(waiver.target), used: false});
	}
	const out = findings.map((finding): Finding => {
		if (finding.status !== 'fail' && finding.status !== 'warn') return finding;
		const subjects = waiverSubjects(finding.target);
		const match = active.find(({waiver, matches}) => waiver.check === finding.checkId && subjects.some(matches));
		if (!match) return finding;
		match.used = true;
		const {justification, approver, expires} = match.waiver;
		return {...finding, status: 'waived', reason: justification, waiver: {justification, approver, expires}};
	});
	return {findings: out, expired, unused: active.filter(({used}) => !used).map(({waiver}) => ref(waiver))};
}
