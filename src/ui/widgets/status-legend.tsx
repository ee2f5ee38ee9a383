import {Text} from 'ink';
import type {DisplayStatus} from '../theme.js';
import {statusMeanings, statusSymbols, statusTones} from '../theme.js';
import {textWidth} from '../text.js';
import {Line} from './line.js';
import {Styled} from './styled.js';

/** `✗ fail  ‼ error  …` for the statuses given, as many as fit the width (`?` lists every one). */
export function StatusLegend({statuses, width}: {readonly statuses: readonly DisplayStatus[]; readonly width: number}) {
	const parts: DisplayStatus[] = [];
	let used = 0;
	for (const status of statuses) {
		const size = textWidth(`${statusSymbols[status]} ${statusMeanings[status].word}`) + (parts.length ? 2 : 0);
		if (used + size > width) break;
		parts.push(status);
		used += size;
	}
	return (
		<Line width={width}>
			{parts.map((status, index) => (
				<Text key={status}>
					{index ? '  ' : ''}
					<Styled tone={statusTones[status]}>{statusSymbols[status]}</Styled>
					<Styled tone="muted">{` ${statusMeanings[status].word}`}</Styled>
				</Text>
			))}
		</Line>
	);
}
