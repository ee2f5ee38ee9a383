import {Box} from 'ink';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import type {DocLine} from './check-document.js';

type Props = {readonly width: number; readonly height: number; readonly lines: readonly DocLine[]; readonly scroll: number};

/** Totals, sections, what changed in this session and the exports; scrolls with ↑/↓. */
export function SummaryScreen({width, height, lines, scroll}: Props) {
	const room = Math.max(1, height - 1);
	const top = Math.max(0, Math.min(scroll, lines.length - room));
	const visible = lines.slice(top, top + room);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line>
				<Styled tone="title">Summary</Styled>
				<Styled tone="muted">{lines.length > room ? ` · ${top + 1}–${top + visible.length} of ${lines.length} (↑/↓)` : ''}</Styled>
			</Line>
			{visible.map((line, index) => (
				<Line key={top + index}>
					<Styled tone={line.tone}>{line.text || ' '}</Styled>
				</Line>
			))}
		</Box>
	);
}
