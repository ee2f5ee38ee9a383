import {Box} from 'ink';
import type {PassphraseRequest} from '../deps.js';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';

type Props = {
	readonly request: PassphraseRequest;
	readonly waiting: number;
	readonly width: number;
	readonly height: number;
	readonly onAnswer: (passphrase: string | null) => void;
};

/** The passphrase of an encrypted key, masked as it is typed; Esc skips the key. */
export function PassphraseDialog({request, waiting, width, height, onAnswer}: Props) {
	const inner = dialogInnerWidth(width);
	return (
		<DialogFrame title="Key passphrase" width={width} height={height}>
			{wrap(`Enter the passphrase for ${request.keyPath}${request.node ? ` (connecting to ${request.node})` : ''}.`, inner).map((line, index) => (
				<Line key={index}>{line}</Line>
			))}
			{request.attempt && request.attempt > 1 ? (
				<Line>
					<Styled tone="fail">✗ that passphrase did not open the key; try again</Styled>
				</Line>
			) : null}
			<Line> </Line>
			<Box>
				<TextInput width={inner} isMasked onSubmit={(value) => onAnswer(value)} onCancel={() => onAnswer(null)} />
			</Box>
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{`⏎ unlocks · esc skips this key${waiting > 1 ? ` · ${waiting - 1} more question(s) waiting` : ''}`}</Styled>
			</Line>
		</DialogFrame>
	);
}
