import {Box} from 'ink';
import type {ReactNode} from 'react';
import type {Section} from '../../model/status.js';
import {sectionTitles} from '../../model/status.js';
import {score} from '../../engine/summary.js';
import type {CheckRow} from '../state/derive.js';
import type {Filter} from '../state/view-state.js';
import {padEnd, padStart, plural, windowFor} from '../text.js';
import {severityTones} from '../theme.js';
import {Line} from '../widgets/line.js';
import {StatusSymbol} from '../widgets/status-symbol.js';
import {StatusLegend} from '../widgets/status-legend.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly section: Section;
	readonly rows: readonly CheckRow[];
	readonly allRows: readonly CheckRow[];
	readonly cursor: number;
	readonly filter: Filter;
	readonly query: string;
	readonly notes: Readonly<Record<string, string>>;
	/** The search field, drawn under the list while `/` is open. */
	readonly searchBar?: ReactNode;
};

/** The statuses a check row can show, for the legend under the list. */
const sectionStatuses = ['fail', 'error', 'warn', 'manual', 'pass', 'skip', 'waived', 'running'] as const;

function targetsText(row: CheckRow): string {
	if (!row.findings.length) return row.isFinished ? '—' : '';
	return `${row.affected}/${row.findings.length}`;
}

function detailText(row: CheckRow, note: string | undefined): string {
	const parts = [row.check.id];
	if (row.check.manual) parts.push('a question for you');
	if (row.affected) parts.push(`${plural(row.affected, 'target')} ${row.affected === 1 ? 'needs' : 'need'} attention`);
	else if (row.findings.length) parts.push(`${plural(row.findings.length, 'target')} checked`);
	else if (row.isRunning) parts.push('running…');
	parts.push(row.check.playbook ? `fix: ${row.check.playbook}` : 'no automated fix');
	if (note) parts.push(`note: ${note}`);
	return parts.join(' · ');
}

/** One section's checks: status, severity and how many targets need attention; filter and search. */
export function SectionScreen({width, height, section, rows, allRows, cursor, filter, query, notes, searchBar}: Props) {
	const checked = allRows.filter((row) => row.isFinished).length;
	const sectionScore = score(allRows.flatMap((row) => row.findings));
	const listHeight = Math.max(1, height - 4 - (searchBar ? 1 : 0));
	const {start, end} = windowFor(rows.length, cursor, listHeight);
	// Symbol and cursor take 4 columns; the title keeps one blank column before the severity.
	const titleWidth = Math.max(10, width - 4 - 10 - 9);
	const selected = rows[Math.min(cursor, rows.length - 1)];
	const scope = [filter === 'failing' ? 'failing only' : 'all checks', query ? `matching “${query}”` : ''].filter(Boolean).join(', ');
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line>
				<Styled tone="title">{sectionTitles[section]}</Styled>
				<Styled tone="muted">{` · ${checked}/${allRows.length} checked · score ${sectionScore.toFixed(1)} · ${scope}`}</Styled>
			</Line>
			<Line>
				<Styled tone="muted">{`    ${padEnd('check', titleWidth)}${padEnd('severity', 10)}${padStart('targets', 9)}`}</Styled>
			</Line>
			{rows.length === 0 ? (
				<Line>
					<Styled tone="muted">{`  ${filter === 'failing' ? 'nothing failing here' : 'no checks'}${query ? ` match “${query}”` : ''}${filter === 'failing' ? ' (t shows all)' : ''}`}</Styled>
				</Line>
			) : null}
			{rows.slice(start, end).map((row, offset) => {
				const isSelected = start + offset === cursor;
				return (
					<Line key={row.check.id}>
						<Styled tone={isSelected ? 'accent' : undefined}>{isSelected ? '› ' : '  '}</Styled>
						<StatusSymbol status={row.status} />{' '}
						<Styled tone={isSelected ? 'title' : undefined}>{padEnd(row.check.title, titleWidth - 1)} </Styled>
						<Styled tone={severityTones[row.check.severity]}>{padEnd(row.check.severity, 10)}</Styled>
						{padStart(targetsText(row), 9)}
					</Line>
				);
			})}
			<Box flexGrow={1} />
			{rows.length + 5 + (searchBar ? 1 : 0) <= height ? <StatusLegend statuses={sectionStatuses} width={width} /> : null}
			{searchBar ? <Line>{searchBar}</Line> : null}
			<Line>
				<Styled tone="muted">{selected ? detailText(selected, notes[selected.check.id]) : ''}</Styled>
			</Line>
		</Box>
	);
}
