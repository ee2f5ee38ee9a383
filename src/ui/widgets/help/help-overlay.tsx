import {Box} from 'ink';
import {useEffect, useReducer} from 'react';
import type {KeyContext} from '../../keymap.js';
import {statusTones} from '../../theme.js';
import {padEnd} from '../../text.js';
import {DialogFrame, dialogInnerWidth} from '../dialog-frame.js';
import {Line} from '../line.js';
import {Styled} from '../styled.js';
import {helpLines, helpReducer, maxOffset, type HelpLine} from './help-state.js';
import {useHelp} from './use-help.js';

type Props = {
	/** Where `?` was pressed: its keys come first. */
	readonly context: KeyContext;
	readonly width: number;
	readonly height: number;
	readonly onClose: () => void;
};

function Row({line, inner}: {readonly line: HelpLine; readonly inner: number}) {
	switch (line.kind) {
		case 'heading':
			return (
				<Line>
					<Styled tone="title">{line.text}</Styled>
				</Line>
			);
		case 'key':
			return (
				<Line>
					<Styled tone="accent">{padEnd(line.keys, 8)}</Styled>
					{padEnd(line.label, 20)}
					<Styled tone="muted">{padEnd(line.where, Math.max(0, inner - 28))}</Styled>
				</Line>
			);
		case 'status':
			return (
				<Line>
					<Styled tone={statusTones[line.status]}>{padEnd(line.symbol, 8)}</Styled>
					{padEnd(line.word, 10)}
					<Styled tone="muted">{padEnd(line.meaning, Math.max(0, inner - 18))}</Styled>
				</Line>
			);
	}
}

/** The keys (from the keymap) and the status symbols, scrollable. */
export function HelpOverlay({context, width, height, onClose}: Props) {
	const lines = helpLines(context);
	const room = Math.max(1, height - 4);
	const [state, dispatch] = useReducer(helpReducer, {offset: 0, count: lines.length, room});
	useEffect(() => dispatch({type: 'resize', count: lines.length, room}), [lines.length, room]);
	useHelp({dispatch, onClose});
	const inner = dialogInnerWidth(width);
	const visible = lines.slice(state.offset, state.offset + room);
	return (
		<DialogFrame title="Help" width={width} height={height}>
			<Box flexDirection="column">
				{visible.map((line, index) => (
					<Row key={state.offset + index} line={line} inner={inner} />
				))}
			</Box>
			<Line>
				<Styled tone="muted">
					{maxOffset(state) ? `↑/↓ scroll (${state.offset + 1}–${state.offset + visible.length} of ${lines.length}) · ` : ''}esc, ? or q close
				</Styled>
			</Line>
		</DialogFrame>
	);
}
