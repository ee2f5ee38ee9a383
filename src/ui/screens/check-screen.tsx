import {Box} from 'ink';
import type {Finding} from '../../model/finding.js';
import {sectionTitles} from '../../model/status.js';
import {targetKey} from '../../model/target.js';
import {displayStatus, type CheckRow} from '../state/derive.js';
import type {Filter} from '../state/view-state.js';
import {padEnd, textWidth, truncate, windowFor} from '../text.js';
import {severityTones} from '../theme.js';
import {Line} from '../widgets/line.js';
import {StatusSymbol} from '../widgets/status-symbol.js';
import {Styled} from '../widgets/styled.js';
import {checkDocument, checkLayout} from './check-document.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly row: CheckRow;
	readonly findings: readonly Finding[];
	readonly cursor: number;
	readonly scroll: number;
	readonly filter: Filter;
	readonly note: string | undefined;
};

/** A label followed by a horizontal rule to exactly the width. */
function rule(label: string, width: number): string {
	const cut = truncate(label, width);
	return cut + '─'.repeat(Math.max(0, width - textWidth(cut)));
}

/** One check: its targets (↑/↓) and, for the selected one, evidence, rationale, remediation and fix (PgDn/J). */
export function CheckScreen({width, height, row, findings, cursor, scroll, filter, note}: Props) {
	const {check} = row;
	const selected = findings[Math.min(cursor, findings.length - 1)];
	const {listHeight, docHeight} = checkLayout(height, findings.length);
	const {start, end} = windowFor(findings.length, cursor, listHeight);
	const doc = checkDocument(check, selected, note, width);
	const top = Math.max(0, Math.min(scroll, doc.length - docHeight));
	const visible = doc.slice(top, top + docHeight);
	const keyWidth = Math.max(12, Math.min(44, Math.floor(width * 0.45)));
	const status = row.status;
	const counts = row.findings.length ? `${row.findings.length} · ${row.affected} need${row.affected === 1 ? 's' : ''} attention` : row.isRunning ? 'running…' : 'none';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line>
				<StatusSymbol status={status} /> <Styled tone="title">{check.title}</Styled>
			</Line>
			<Line>
				<Styled tone="muted">{`${check.id} · `}</Styled>
				<Styled tone={severityTones[check.severity]}>{check.severity}</Styled>
				<Styled tone="muted">{` · ${sectionTitles[check.section]} · ${check.playbook ? `fix: ${check.playbook}` : 'no automated fix'}`}</Styled>
			</Line>
			<Line>
				<Styled tone="muted">{`Targets: ${counts} · showing ${filter === 'failing' ? 'failing only' : 'all'}`}</Styled>
			</Line>
			<Box flexDirection="column" height={listHeight} flexShrink={0}>
				{findings.length === 0 ? (
					<Line>
						<Styled tone="muted">{filter === 'failing' && row.findings.length ? '  nothing failing (t shows all)' : row.isRunning ? '  waiting for findings…' : '  no targets'}</Styled>
					</Line>
				) : null}
				{findings.slice(start, end).map((finding, offset) => {
					const isSelected = start + offset === cursor;
					const key = targetKey(finding.target);
					return (
						<Line key={`${key}#${start + offset}`}>
							<Styled tone={isSelected ? 'accent' : undefined}>{isSelected ? '› ' : '  '}</Styled>
							<StatusSymbol status={displayStatus(finding)} />{' '}
							<Styled tone={isSelected ? 'title' : undefined}>{padEnd(key, keyWidth)}</Styled> <Styled tone="muted">{finding.message}</Styled>
						</Line>
					);
				})}
			</Box>
			<Line>
				<Styled tone="muted">{rule(`── details${doc.length > docHeight ? ` ${top + 1}–${top + visible.length} of ${doc.length} · J/K or PgDn/PgUp scroll` : ''} `, width)}</Styled>
			</Line>
			<Box flexDirection="column" height={docHeight} flexShrink={0}>
				{visible.map((line, index) => (
					<Line key={top + index}>
						<Styled tone={line.tone}>{line.text || ' '}</Styled>
					</Line>
				))}
			</Box>
		</Box>
	);
}
