import {Box} from 'ink';
import type {Status} from '../../model/status.js';
import type {AuditState} from '../state/audit-state.js';
import type {SectionRow} from '../state/derive.js';
import {padEnd, padStart, windowFor} from '../text.js';
import {statusSymbols, statusTones} from '../theme.js';
import {Line} from '../widgets/line.js';
import {StatusSymbol} from '../widgets/status-symbol.js';
import {StatusLegend} from '../widgets/status-legend.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly rows: readonly SectionRow[];
	readonly cursor: number;
	readonly score: number;
	readonly state: AuditState;
};

/** The statuses counted per section, in the order an operator cares about. */
export const countedStatuses: readonly Status[] = ['fail', 'error', 'warn', 'manual', 'pass'];

function NodeLine({state, width}: {readonly state: AuditState; readonly width: number}) {
	if (!state.nodes.length) return null;
	const parts = state.nodes.map((node) => {
		const isExcluded = state.excludedNodes.includes(node.info.name);
		const symbol = isExcluded ? statusSymbols.waived : {waiting: '·', connecting: '…', probing: '…', done: '✓', failed: '✗'}[node.state];
		return `${symbol} ${node.info.name}`;
	});
	return (
		<Line width={width}>
			<Styled tone="muted">{`nodes: ${parts.join('  ')}`}</Styled>
		</Line>
	);
}

/** The article's seven sections, in its order, each with progress, counts, score and a one-line summary. */
export function SectionsScreen({width, height, rows, cursor, score, state}: Props) {
	const countWidth = 4;
	const fixed = 4 + 8 + countWidth * countedStatuses.length + 7;
	const titleWidth = Math.max(10, width - fixed);
	const listHeight = Math.max(2, height - 4 - (state.nodes.length ? 1 : 0));
	const perRow = 2;
	const {start, end} = windowFor(rows.length, cursor, Math.max(1, Math.floor(listHeight / perRow)));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line>
				<Styled tone="title">{padEnd('Sections, in the article’s order', titleWidth + 4)}</Styled>
				<Styled tone="muted">{padStart('checked', 8)}</Styled>
				{countedStatuses.map((status) => (
					<Styled key={status} tone={statusTones[status]}>
						{padStart(statusSymbols[status], countWidth)}
					</Styled>
				))}
				<Styled tone="muted">{padStart('score', 7)}</Styled>
			</Line>
			<StatusLegend statuses={[...countedStatuses, 'waived']} width={width} />
			{rows.slice(start, end).map((row, offset) => {
				const index = start + offset;
				const isSelected = index === cursor;
				return (
					<Box key={row.section} flexDirection="column" flexShrink={0}>
						<Line>
							<Styled tone={isSelected ? 'accent' : undefined}>{isSelected ? '› ' : '  '}</Styled>
							<StatusSymbol status={row.status} />{' '}
							<Styled tone={isSelected ? 'title' : undefined}>{padEnd(row.title, titleWidth)}</Styled>
							{padStart(`${row.checked}/${row.total}`, 8)}
							{countedStatuses.map((status) => (
								<Styled key={status} tone={row.counts[status] ? statusTones[status] : 'muted'}>
									{padStart(String(row.counts[status]), countWidth)}
								</Styled>
							))}
							{padStart(row.checked ? row.score.toFixed(1) : '—', 7)}
						</Line>
						<Line>
							<Styled tone="muted">{`     ${row.summary}`}</Styled>
						</Line>
					</Box>
				);
			})}
			<Box flexGrow={1} />
			<NodeLine state={state} width={width} />
			<Line>
				<Styled tone="title">{`Overall score ${score.toFixed(1)}`}</Styled>
				<Styled tone="muted"> (weighted passes ÷ passes and failures)</Styled>
			</Line>
		</Box>
	);
}
