import type {Finding} from '../model/finding.js';
import type {Summary} from '../model/report.js';
import {statuses, type Severity, type Status} from '../model/status.js';

/** Severity weights for the score: one critical failure costs as much as five low ones. */
export const severityWeights: Readonly<Record<Severity, number>> = {low: 1, medium: 2, high: 3, critical: 5};

/**
 * Score = 100 × weighted passes ÷ weighted (passes + failures). A waived failure is still a
 * failure here: a waiver accepts the risk, it does not remove it, so waiving never raises the
 * score. Warnings (waived or not), errors, skips, manual and accepted findings are counted apart
 * and neither raise nor lower it. Nothing judged → 100.
 */
export function score(findings: Iterable<Finding>): number {
	let passed = 0;
	let judged = 0;
	for (const finding of findings) {
		const weight = severityWeights[finding.severity];
		if (finding.status === 'pass') {
			passed += weight;
			judged += weight;
		} else if (finding.status === 'fail' || (finding.status === 'waived' && finding.waiver?.status === 'fail')) {
			judged += weight;
		}
	}
	return judged === 0 ? 100 : Math.round((1000 * passed) / judged) / 10;
}

export function summarize(findings: readonly Finding[]): Summary {
	const counts = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
	for (const finding of findings) counts[finding.status]++;
	return {...counts, score: score(findings)};
}
