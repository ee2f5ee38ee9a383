import type {Catalog} from '../../catalog/load.js';
import type {Finding} from '../../model/finding.js';
import type {Status} from '../../model/status.js';
import {lastUndoableFix, type AuditState} from '../state/audit-state.js';
import {allTargets, isWaiverActive} from '../../engine/decisions.js';
import type {SectionRow} from '../state/derive.js';
import {formatTime, padEnd, padStart, truncate, wrap} from '../text.js';
import {statusSymbols, statusTones, type Tone} from '../theme.js';
import type {DocLine} from './check-document.js';

const order: readonly Status[] = ['fail', 'error', 'warn', 'manual', 'pass', 'waived', 'accepted', 'skip'];

type Input = {
	readonly catalog: Catalog;
	readonly state: AuditState;
	readonly findings: readonly Finding[];
	readonly sections: readonly SectionRow[];
	readonly score: number;
	/** When this walkthrough started: decisions before it came from a resumed session. */
	readonly sessionStartedAt: string;
	readonly today: string;
	readonly width: number;
};

const target = (value: string) => (value === allTargets ? 'all targets' : value);

/** The summary as lines: totals, sections, what this session decided, exports. */
export function summaryDocument({catalog, state, findings, sections, score, sessionStartedAt, today, width}: Input): DocLine[] {
	const lines: DocLine[] = [];
	const push = (text: string, tone?: Tone) => lines.push({text: truncate(text, width), ...(tone ? {tone} : {})});
	const counts = new Map<Status, number>();
	for (const finding of findings) counts.set(finding.status, (counts.get(finding.status) ?? 0) + 1);
	push(`Overall score ${score.toFixed(1)} · ${findings.length} findings`, 'title');
	const attested = findings.filter((finding) => finding.status === 'manual' && finding.attestation).length;
	const totals = order.map((status) => `${statusSymbols[status]} ${status} ${counts.get(status) ?? 0}${status === 'manual' && attested ? ` (${attested} attested)` : ''}`);
	push(`  ${totals.slice(0, 4).join('   ')}`);
	push(`  ${totals.slice(4).join('   ')}`);
	push('');
	push('Sections', 'title');
	for (const row of sections) {
		lines.push({
			text: truncate(`  ${statusSymbols[row.status]} ${padEnd(row.title, 40)}${padStart(`${row.checked}/${row.total}`, 6)}${padStart(row.checked ? row.score.toFixed(1) : '—', 7)}  ${row.summary}`, width),
			tone: statusTones[row.status],
		});
	}
	push('');
	const title = (checkId: string) => catalog.byId.get(checkId)?.check.title ?? checkId;
	const isThisSession = (at: string) => at >= sessionStartedAt;
	const changes: {readonly at: string; readonly head: string; readonly detail: string; readonly tone?: Tone}[] = [
		...state.attestations.map((a) => ({
			at: a.at,
			head: `? ${a.check} (${target(a.target)}): attested ${a.answer} by ${a.by}, ${formatTime(a.at)}`,
			detail: a.note,
			tone: 'manual' as const,
		})),
		// A waiver read from the decisions file without a time was made before this session.
		...state.waivers.map((w) => ({
			at: w.at ?? '',
			head: `${statusSymbols.waived} ${w.check} (${target(w.target)}): waived until ${w.expires}${isWaiverActive(w, today) ? '' : ' (EXPIRED)'} by ${w.approver}${w.at ? `, ${formatTime(w.at)}` : ''}`,
			detail: w.justification,
			tone: isWaiverActive(w, today) ? ('skip' as const) : ('warn' as const),
		})),
		...(state.fixes ?? []).map((f) => ({
			at: f.at,
			head: `${f.undoneAt ? '↶' : '✔'} ${f.checkId} (${target(f.target)}): fixed, ${f.outcome}, ${formatTime(f.at)}${f.undoneAt ? `; undone ${formatTime(f.undoneAt)}` : ''}`,
			detail: f.undoneAt ? '' : `${f === lastUndoableFix(state) ? 'u undoes it here; ' : ''}${f.logIds.map((id) => `undo: aks-harden undo ${id}`).join('; ')}`,
			tone: f.undoneAt ? ('muted' as const) : ('pass' as const),
		})),
	].sort((a, b) => a.at.localeCompare(b.at));
	const pushChange = (change: (typeof changes)[number]) => {
		wrap(change.head, width - 4).forEach((line, index) => push(`${index ? '    ' : '  '}${line}`, change.tone));
		for (const line of wrap(change.detail, width - 6)) push(`      ${line}`);
	};
	const fresh = changes.filter((change) => isThisSession(change.at));
	const earlier = changes.filter((change) => !isThisSession(change.at));
	push('This session', 'title');
	if (!fresh.length) push('  no attestations, waivers or fixes yet (a attests a question, w waives a finding, f fixes one)', 'muted');
	for (const change of fresh) pushChange(change);
	if (earlier.length) {
		push('Made earlier (a resumed session, or .aks-harden.yaml)', 'title');
		for (const change of earlier) pushChange(change);
	}
	const notes = Object.entries(state.notes);
	if (notes.length) {
		push('Notes', 'title');
		for (const [checkId, note] of notes) {
			push(`  ${title(checkId)}`);
			for (const line of wrap(note, width - 6)) push(`      ${line}`);
		}
	}
	push('');
	push('Exports', 'title');
	if (!state.exports.length) push('  none yet: e exports the report as JSON or Markdown', 'muted');
	for (const record of state.exports) push(`  ${record.format} → ${record.path} (${formatTime(record.at)})`, 'pass');
	if (state.unexportedChanges) push(`  ${state.unexportedChanges} decision(s) since the last export`, 'warn');
	return lines;
}
