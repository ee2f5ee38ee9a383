import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {sectionTitles} from '../model/status.js';
import {targetKey} from '../model/target.js';
import {checkInfo, type ReportContext} from './context.js';
import {checkNote} from './common.js';
import {printable, printableLines} from '../model/printable.js';

export const csvColumns = [
	'check',
	'title',
	'section',
	'section_title',
	'severity',
	'status',
	'target',
	'kind',
	'namespace',
	'name',
	'container',
	'node',
	'file',
	'line',
	'message',
	'reason',
	'evidence',
	'remediation',
	'playbook',
	'attestation',
	'attested_answer',
	'attested_by',
	'attested_at',
	'attested_note',
	'waiver_approver',
	'waiver_expires',
	'waiver_justification',
	'note',
] as const;

const multilineColumns: ReadonlySet<string> = new Set(['message', 'reason', 'remediation', 'attested_note', 'waiver_justification', 'note']);

/**
 * One cell: a spreadsheet would run a cell that starts with = + - @ (or a tab or carriage return,
 * which some strip first) as a formula, so such a cell gets a leading apostrophe; then RFC 4180
 * quoting when the cell holds a comma, a quote or a line break.
 */
export function csvCell(value: string | number | undefined | null, options: {readonly multiline?: boolean} = {}): string {
	const raw = value === undefined || value === null ? '' : String(value);
	// Cells are read in terminals and editors too: control characters are shown escaped, and only
	// the free-text columns keep their line breaks.
	// The formula guard looks at the value as written, before a tab or CR becomes `\t` or `\r`.
	const guarded = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
	const text = options.multiline ? printableLines(guarded) : printable(guarded);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(finding: Finding, context: ReportContext, note: string | undefined): Record<(typeof csvColumns)[number], string | number | undefined> {
	const target = finding.target;
	const info = checkInfo(context, finding);
	const attestation = finding.attestation;
	return {
		check: finding.checkId,
		title: info.title,
		section: finding.section,
		section_title: sectionTitles[finding.section],
		severity: finding.severity,
		status: finding.status,
		target: targetKey(target),
		kind: 'kind' in target ? target.kind : 'namespace' in target ? 'Namespace' : 'node' in target ? 'Node' : 'Cluster',
		namespace: 'namespace' in target ? target.namespace : undefined,
		name: 'kind' in target ? target.name : 'node' in target ? target.node : 'namespace' in target ? target.namespace : undefined,
		container: 'kind' in target ? target.container : undefined,
		node: 'node' in target ? target.node : undefined,
		file: finding.location?.file,
		line: finding.location?.line,
		message: finding.message,
		reason: finding.reason,
		evidence: Object.keys(finding.evidence).length ? JSON.stringify(finding.evidence) : '',
		remediation: finding.remediation,
		playbook: finding.playbook,
		attestation: finding.status === 'manual' ? (attestation ? 'attested' : 'open') : undefined,
		attested_answer: attestation?.answer,
		attested_by: attestation?.by,
		attested_at: attestation?.at,
		attested_note: attestation?.note,
		waiver_approver: finding.waiver?.approver,
		waiver_expires: finding.waiver?.expires,
		waiver_justification: finding.waiver?.justification,
		note,
	};
}

/**
 * A header and one row per finding, RFC 4180 (CRLF line ends, quoted where needed), UTF-8. The
 * operator's note on a check is in the `note` column of the check's first row only, once per check.
 */
export function renderCsv(report: Report, context: ReportContext): string {
	const lines = [csvColumns.join(',')];
	const noted = new Set<string>();
	for (const finding of report.findings) {
		const isFirst = !noted.has(finding.checkId);
		noted.add(finding.checkId);
		const values = row(finding, context, isFirst ? checkNote(report, finding.checkId) : undefined);
		lines.push(csvColumns.map((column) => csvCell(values[column], {multiline: multilineColumns.has(column)})).join(','));
	}
	return `${lines.join('\r\n')}\r\n`;
}
