import type {Check} from '../model/check.js';
import type {Pss} from '../model/pss.js';
import type {Finding} from '../model/finding.js';
import type {Section, Severity} from '../model/status.js';

/** What a renderer knows about a check beyond its findings: the catalogue's words. */
export type CheckInfo = {
	readonly title: string;
	readonly rationale: string;
	readonly remediation: string;
	readonly severity: Severity;
	readonly section: Section;
	/** Manual checks: the question the operator attests to. */
	readonly question?: string;
	/** e.g. {"cis-kubernetes": "5.2.2"} */
	readonly references?: Readonly<Record<string, string | number>>;
	/** The Pod Security Standard control the check implements. */
	readonly pss?: Pss;
};

/** Everything a renderer needs besides the Report: check id → catalogue text. */
export type ReportContext = {readonly checks: ReadonlyMap<string, CheckInfo>};

/** From the loaded catalogue (`loadCatalog().checks`), or any list of check definitions. */
export function reportContext(checks: Iterable<{readonly check: Check} | Check>): ReportContext {
	const map = new Map<string, CheckInfo>();
	for (const entry of checks) {
		const check: Check = 'check' in entry ? entry.check : entry;
		map.set(check.id, {
			title: check.title,
			rationale: check.rationale,
			remediation: check.remediation,
			severity: check.severity,
			section: check.section,
			...(check.question ? {question: check.question} : {}),
			...(check.references ? {references: check.references} : {}),
			...(check.pss ? {pss: check.pss} : {}),
		});
	}
	return {checks: map};
}

export const emptyContext: ReportContext = {checks: new Map()};

/**
 * A saved audit may name checks this catalogue no longer has (or a title-only map is passed, as the
 * audit command did before contexts existed): fall back to what the finding itself carries.
 */
export function checkInfo(context: ReportContext, finding: Finding): CheckInfo {
	const known = context.checks.get(finding.checkId);
	return {
		title: known?.title || finding.checkId,
		rationale: known?.rationale ?? '',
		remediation: known?.remediation || finding.remediation,
		// The finding records what was judged in that run; the catalogue may have moved on since.
		severity: finding.severity,
		section: finding.section,
		...(known?.question ? {question: known.question} : {}),
		...(known?.references ? {references: known.references} : {}),
		...(known?.pss ? {pss: known.pss} : {}),
	};
}

/** Accept the old title-only map too, so existing callers keep compiling. */
export function asContext(value: ReportContext | ReadonlyMap<string, {readonly title: string}>): ReportContext {
	if (!(value instanceof Map)) return value as ReportContext;
	const checks = new Map<string, CheckInfo>();
	for (const [id, info] of value as ReadonlyMap<string, Partial<CheckInfo> & {readonly title: string}>) {
		checks.set(id, {
			title: info.title,
			rationale: info.rationale ?? '',
			remediation: info.remediation ?? '',
			severity: info.severity ?? 'low',
			section: info.section ?? (id.split('.')[0] as Section),
			...(info.question ? {question: info.question} : {}),
		});
	}
	return {checks};
}
