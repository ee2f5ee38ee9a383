import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {sections, statuses, type Section, type Status} from '../model/status.js';
import {score} from '../engine/summary.js';

/** Anything with the Redactor's `apply`: the renderers never need more of it. */
export type TextRedactor = {apply(text: string): string};

/** Findings per check, in report order (the catalogue's order, as the engine sorts them). */
export function groupByCheck(findings: readonly Finding[]): Map<string, Finding[]> {
	const byCheck = new Map<string, Finding[]>();
	for (const finding of findings) {
		const list = byCheck.get(finding.checkId);
		if (list) list.push(finding);
		else byCheck.set(finding.checkId, [finding]);
	}
	return byCheck;
}

/** A manual finding nobody has answered yet, or answered "no": it still needs someone. */
export function isOpenManual(finding: Finding): boolean {
	return finding.status === 'manual' && (!finding.attestation || finding.attestation.answer === 'no');
}

/** One line for a manual finding, the same words in every format. */
export function attestationText(finding: Finding): string {
	const attestation = finding.attestation;
	if (!attestation) return 'open: not attested yet';
	const note = attestation.note.trim() ? `: ${attestation.note.trim()}` : '';
	return `attested "${attestation.answer}" by ${attestation.by} at ${attestation.at}${note}`;
}

export function waiverText(finding: Finding): string {
	const waiver = finding.waiver;
	if (!waiver) return `waived: ${finding.reason ?? ''}`.trim();
	return `waived by ${waiver.approver} until ${waiver.expires}: ${waiver.justification}`;
}

/** The check's line in a checklist: what it comes to over all its targets, and whether the box is ticked. */
export type CheckOutcome = {
	readonly label: 'fail' | 'error' | 'warn' | 'open' | 'attested-no' | 'attested' | 'pass' | 'waived' | 'accepted' | 'skip';
	readonly done: boolean;
	readonly counts: ReadonlyMap<Status, number>;
};

/**
 * Worst first: any fail, error or warning, or a manual question still open (or answered "no"), leaves
 * the box empty. A check with a waived finding reads WAIVED, never PASS, and is not ticked: a waiver
 * accepts a failure, it does not make it pass. A check is ticked when everything judged passed or
 * was accepted, or the operator attested "yes"/"n/a". A check that was only skipped is not ticked:
 * nothing was shown.
 */
export function checkOutcome(findings: readonly Finding[]): CheckOutcome {
	const counts = new Map<Status, number>();
	for (const finding of findings) counts.set(finding.status, (counts.get(finding.status) ?? 0) + 1);
	const has = (status: Status) => (counts.get(status) ?? 0) > 0;
	const manual = findings.filter((finding) => finding.status === 'manual');
	let label: CheckOutcome['label'];
	if (has('fail')) label = 'fail';
	else if (has('error')) label = 'error';
	else if (has('warn')) label = 'warn';
	else if (manual.some((finding) => !finding.attestation)) label = 'open';
	else if (manual.some((finding) => finding.attestation?.answer === 'no')) label = 'attested-no';
	else if (has('waived')) label = 'waived';
	else if (manual.length) label = 'attested';
	else if (has('pass')) label = 'pass';
	else if (has('accepted')) label = 'accepted';
	else label = 'skip';
	return {label, done: ['attested', 'pass', 'accepted'].includes(label), counts};
}

/** The operator's note on a check, if any: every format prints it once, with the check. */
export function checkNote(report: Report, checkId: string): string | undefined {
	const note = report.notes?.[checkId]?.trim();
	return note ? note : undefined;
}

export function tally(counts: ReadonlyMap<Status, number>): string {
	return statuses.filter((status) => counts.get(status)).map((status) => `${counts.get(status)} ${status}`).join(', ');
}

export type SectionStats = {
	readonly section: Section;
	readonly counts: Readonly<Record<Status, number>>;
	readonly total: number;
	readonly score: number;
	readonly checks: number;
};

/** Per article section: counts per status and the score (the one definition, engine/summary). */
export function sectionStats(report: Report): SectionStats[] {
	const out: SectionStats[] = [];
	for (const section of sections) {
		const findings = report.findings.filter((finding) => finding.section === section);
		if (!findings.length) continue;
		const counts = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
		for (const finding of findings) counts[finding.status]++;
		out.push({section, counts, total: findings.length, score: score(findings), checks: new Set(findings.map((finding) => finding.checkId)).size});
	}
	return out;
}

// Parts with nothing to scrub are returned as they are, not copied: a 10,000-pod report would
// otherwise be held twice in memory while it is encoded.
export function redactDeep(value: unknown, redactor: TextRedactor): unknown {
	if (typeof value === 'string') return redactor.apply(value);
	if (Array.isArray(value)) {
		let changed = false;
		const out = value.map((item) => {
			const next = redactDeep(item, redactor);
			if (next !== item) changed = true;
			return next;
		});
		return changed ? out : value;
	}
	if (value && typeof value === 'object') {
		let changed = false;
		const entries = Object.entries(value).map(([key, item]) => {
			const nextKey = redactor.apply(key);
			const next = redactDeep(item, redactor);
			if (nextKey !== key || next !== item) changed = true;
			return [nextKey, next] as const;
		});
		return changed ? Object.fromEntries(entries) : value;
	}
	return value;
}

/**
 * Scrub every string of the Report before it is encoded. Applying the redactor to the rendered text
 * alone misses a secret that contains a character the format escapes (`"` in JSON and CSV, `&` or
 * `<` in HTML and XML): the encoded form no longer equals the remembered value.
 */
export function redactReport(report: Report, redactor: TextRedactor): Report {
	return redactDeep(report, redactor) as Report;
}

/** Collapse a value to one line (for list items, table cells and attributes). */
export function oneLine(text: string, max = 500): string {
	const flat = text.replace(/\s*[\r\n]+\s*/g, ' ⏎ ').replace(/[\t\v\f]/g, ' ');
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
