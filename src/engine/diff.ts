import type {Finding} from '../model/finding.js';
import type {NodeInfo, Report} from '../model/report.js';
import {severityRank, type Severity} from '../model/status.js';
import {targetKey} from '../model/target.js';

/** A finding's identity across runs: the check and the target (container included). */
export function findingKey(finding: Finding): string {
	return `${finding.checkId}\u0000${targetKey(finding.target)}`;
}

/**
 * Only `fail` is failing. `error` is not: a node that could not be reached turns all its checks into
 * errors, and counting those as failures (or their disappearance as fixes) would make an outage look
 * like a regression or a repair. A failure that is `error`, `skip` or `manual` in the new run, or
 * whose check did not run there, or whose node was not reached, is `unknown`, neither fixed nor new.
 */
export function isFailing(finding: Finding): boolean {
	return finding.status === 'fail';
}

export type NodeChange = 'added' | 'removed' | 'now-unreachable' | 'now-reachable' | 'drifted' | 'unchanged';

export type NodeDrift = {
	readonly node: string;
	readonly change: NodeChange;
	/** New and fixed failing findings on this node. */
	readonly new: number;
	readonly fixed: number;
	/** e.g. `os linux → windows`, `address 10.0.0.4 → 10.0.0.9`. */
	readonly detail?: string;
};

export type ReportDiff = {
	/** Failing now, not failing before (the current finding). */
	readonly new: Finding[];
	/** Failing before, and now passing, accepted, waived, warned or gone while the check ran (the old finding). */
	readonly fixed: Finding[];
	/** Failing in both (the current finding). */
	readonly unchanged: Finding[];
	/** Failing before, not judged now: error, skip, manual, check not run, node not reached (the old finding). */
	readonly unknown: Finding[];
	readonly nodes: NodeDrift[];
};

function nodeOf(finding: Finding): string | undefined {
	return 'node' in finding.target ? finding.target.node : undefined;
}

/** Pure: what changed between two audits of the same cluster, keyed by check id + target key. */
export function diffReports(before: Report, after: Report): ReportDiff {
	const oldFailing = new Map<string, Finding>();
	for (const finding of before.findings) if (isFailing(finding)) oldFailing.set(findingKey(finding), finding);
	const current = new Map<string, Finding>();
	for (const finding of after.findings) current.set(findingKey(finding), finding);
	const checksRun = new Set(after.findings.map((finding) => finding.checkId));
	const afterNodes = new Map(after.nodes.map((node) => [node.name, node]));

	const added: Finding[] = [];
	const unchanged: Finding[] = [];
	for (const finding of after.findings) {
		if (!isFailing(finding)) continue;
		if (oldFailing.has(findingKey(finding))) unchanged.push(finding);
		else added.push(finding);
	}

	const fixed: Finding[] = [];
	const unknown: Finding[] = [];
	for (const [key, finding] of oldFailing) {
		const now = current.get(key);
		if (now && isFailing(now)) continue;
		if (now) {
			if (['pass', 'accepted', 'waived', 'warn'].includes(now.status)) fixed.push(finding);
			else unknown.push(finding);
			continue;
		}
		const node = nodeOf(finding);
		const nodeJudged = node === undefined || afterNodes.get(node)?.reachable === true;
		if (checksRun.has(finding.checkId) && nodeJudged) fixed.push(finding);
		else unknown.push(finding);
	}

	return {new: added, fixed, unchanged, unknown, nodes: nodeDrift(before, after, added, fixed)};
}

function nodeDrift(before: Report, after: Report, added: readonly Finding[], fixed: readonly Finding[]): NodeDrift[] {
	const oldNodes = new Map<string, NodeInfo>(before.nodes.map((node) => [node.name, node]));
	const newNodes = new Map<string, NodeInfo>(after.nodes.map((node) => [node.name, node]));
	const names = new Set<string>([...oldNodes.keys(), ...newNodes.keys()]);
	for (const finding of [...before.findings, ...after.findings]) {
		const node = nodeOf(finding);
		if (node) names.add(node);
	}
	const count = (list: readonly Finding[], name: string) => list.filter((finding) => nodeOf(finding) === name).length;
	const seen = (report: Report, map: Map<string, NodeInfo>, name: string) => map.has(name) || report.findings.some((finding) => nodeOf(finding) === name);
	const out: NodeDrift[] = [];
	for (const name of [...names].sort()) {
		const was = oldNodes.get(name);
		const is = newNodes.get(name);
		const newCount = count(added, name);
		const fixedCount = count(fixed, name);
		const details: string[] = [];
		if (was && is) {
			if (was.os !== is.os) details.push(`os ${was.os} → ${is.os}`);
			if (was.address !== is.address) details.push(`address ${was.address} → ${is.address}`);
			if (was.role !== is.role) details.push(`role ${was.role} → ${is.role}`);
		}
		if (is?.error && is.reachable === false) details.push(is.error);
		let change: NodeChange;
		if (!seen(before, oldNodes, name)) change = 'added';
		else if (!seen(after, newNodes, name)) change = 'removed';
		else if (was?.reachable !== false && is?.reachable === false) change = 'now-unreachable';
		else if (was?.reachable === false && is?.reachable === true) change = 'now-reachable';
		else if (newCount || fixedCount || details.length) change = 'drifted';
		else change = 'unchanged';
		out.push({node: name, change, new: newCount, fixed: fixedCount, ...(details.length ? {detail: details.join('; ')} : {})});
	}
	return out;
}

/**
 * For `audit --baseline OLD --fail-on-new`: the failing findings of `current` that were not failing
 * in `baseline`, optionally only those at or above a severity.
 */
export function newFailures(baseline: Report, current: Report, minSeverity: Severity = 'low'): Finding[] {
	return diffReports(baseline, current).new.filter((finding) => severityRank(finding.severity) >= severityRank(minSeverity));
}
