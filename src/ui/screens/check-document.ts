import {pssSummary} from '../../model/pss.js';
import type {Check} from '../../model/check.js';
import type {Finding} from '../../model/finding.js';
import {targetKey} from '../../model/target.js';
import {evidenceLines} from '../evidence-lines.js';
import {formatTime, hardWrap, truncate, wrap} from '../text.js';
import type {Tone} from '../theme.js';

export type DocLine = {readonly text: string; readonly tone?: Tone};

/**
 * The scrollable part of the check screen, as lines already fitted to the width: the selected
 * target's evidence first (what the operator came for), then why it matters, the remediation
 * and whether a fix exists.
 */
export function checkDocument(check: Check, finding: Finding | undefined, note: string | undefined, width: number): DocLine[] {
	const lines: DocLine[] = [];
	const heading = (text: string) => {
		if (lines.length) lines.push({text: ''});
		lines.push({text: truncate(text, width), tone: 'title'});
	};
	const paragraph = (text: string, tone?: Tone) => {
		for (const line of wrap(text, width - 2)) lines.push({text: `  ${line}`, ...(tone ? {tone} : {})});
	};
	if (finding) {
		heading(`Evidence · ${targetKey(finding.target)}`);
		paragraph(finding.message);
		if (finding.attestation) {
			const {answer, note: said, by, at} = finding.attestation;
			paragraph(`attested "${answer}" by ${by} at ${formatTime(at)}${said ? `: ${said}` : ''}`, 'manual');
		}
		if (finding.waiver) {
			paragraph(`waived by ${finding.waiver.approver} until ${finding.waiver.expires}: ${finding.waiver.justification}`, 'skip');
		} else if (finding.reason && finding.reason !== finding.message) {
			paragraph(finding.reason, finding.status === 'error' ? 'fail' : 'muted');
		}
		// Evidence is cut into rows, never truncated: the value at the end of a long path is the point.
		for (const line of evidenceLines(finding)) for (const row of hardWrap(`  ${line}`, width)) lines.push({text: row});
	} else {
		heading('Evidence');
		paragraph('No finding for this check yet.', 'muted');
	}
	if (check.manual && check.question) {
		heading('Question (answer with a)');
		paragraph(check.question);
	}
	if (check.pss) {
		heading('Pod Security Standard');
		paragraph(pssSummary(check.pss));
	}
	heading(`Why it matters · ${check.article ?? 'the article'}`);
	paragraph(check.rationale);
	// The finding's own: a Windows node's remediation and fix differ from a Linux node's under the same check.
	const playbook = finding?.playbook ?? check.playbook;
	heading('Remediation');
	paragraph(finding?.remediation ?? check.remediation);
	heading('Fix');
	paragraph(playbook ? `fix: ${playbook} (press f for the steps)` : 'no automated fix: follow the remediation above');
	if (check.references && Object.keys(check.references).length) {
		heading('References');
		paragraph(Object.entries(check.references).map(([name, value]) => `${name} ${value}`).join(' · '));
	}
	if (note) {
		heading('Your note');
		paragraph(note);
	}
	return lines;
}

/** Rows the check screen gives its target list and its detail pane, for a body of `height` rows. */
export function checkLayout(height: number, targets: number): {readonly listHeight: number; readonly docHeight: number} {
	const listHeight = Math.max(1, Math.min(Math.max(1, targets), Math.max(3, Math.floor((height - 5) / 3))));
	return {listHeight, docHeight: Math.max(1, height - 4 - listHeight)};
}

/** How far the detail pane can scroll for the selected target of `findings` in a body of that size. */
export function checkScrollMax(layout: {
	readonly width: number;
	readonly height: number;
	readonly row: {readonly check: Check};
	readonly findings: readonly Finding[];
	readonly cursor: number;
	readonly note: string | undefined;
}): number {
	const selected = layout.findings[Math.min(layout.cursor, layout.findings.length - 1)];
	const {docHeight} = checkLayout(layout.height, layout.findings.length);
	return Math.max(0, checkDocument(layout.row.check, selected, layout.note, layout.width).length - docHeight);
}
