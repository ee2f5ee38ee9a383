import {Box, useInput} from 'ink';
import {useState} from 'react';
import {actionFor, contextTitles, keymap, keyName, keysText, screens, type Binding} from '../keymap.js';
import {padEnd} from '../text.js';
import {DialogFrame, dialogInnerWidth} from './dialog-frame.js';
import {Line} from './line.js';
import {Styled} from './styled.js';

function where(binding: Binding): string {
	if (screens.every((screen) => binding.contexts.includes(screen))) return 'every screen';
	return binding.contexts.map((context) => contextTitles[context].toLowerCase()).join(', ');
}

/** Every row of the keymap, scrollable; nothing here is written by hand. */
export function helpLines(): {readonly keys: string; readonly label: string; readonly where: string}[] {
	return keymap.map((binding) => ({keys: keysText(binding), label: binding.label + (binding.isDangerous ? ' (changes things)' : ''), where: where(binding)}));
}

type Props = {readonly width: number; readonly height: number; readonly onClose: () => void};

export function HelpOverlay({width, height, onClose}: Props) {
	const lines = helpLines();
	const room = Math.max(1, height - 4);
	const [offset, setOffset] = useState(0);
	const maxOffset = Math.max(0, lines.length - room);
	useInput((input, key) => {
		const name = keyName(input, key);
		const action = actionFor('dialog', input, key);
		if (action === 'cancel' || action === 'confirm' || name === '?' || name === 'q') onClose();
		else if (name === 'down' || name === 'j' || name === 'pagedown') setOffset((value) => Math.min(maxOffset, value + (name === 'pagedown' ? room : 1)));
		else if (name === 'up' || name === 'k' || name === 'pageup') setOffset((value) => Math.max(0, value - (name === 'pageup' ? room : 1)));
	});
	const inner = dialogInnerWidth(width);
	const visible = lines.slice(offset, offset + room);
	return (
		<DialogFrame title="Keys" width={width} height={height}>
			<Box flexDirection="column">
				{visible.map((line, index) => (
					<Line key={offset + index}>
						<Styled tone="accent">{padEnd(line.keys, 8)}</Styled>
						{padEnd(line.label, 20)}
						<Styled tone="muted">{padEnd(line.where, Math.max(0, inner - 28))}</Styled>
					</Line>
				))}
			</Box>
			<Line>
				<Styled tone="muted">
					{maxOffset ? `↑/↓ scroll (${offset + 1}–${offset + visible.length} of ${lines.length}) · ` : ''}esc, ? or q close
				</Styled>
			</Line>
		</DialogFrame>
	);
}
