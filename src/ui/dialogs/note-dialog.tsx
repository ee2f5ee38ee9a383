import {Box} from 'ink';
import type {Check} from '../../model/check.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';

type Props = {
	readonly check: Check;
	readonly note: string;
	readonly width: number;
	readonly height: number;
	readonly onSubmit: (note: string) => void;
	readonly onCancel: () => void;
};

/** A free note on a check; saved with the session and put into the exported report. Empty removes it. */
export function NoteDialog({check, note, width, height, onSubmit, onCancel}: Props) {
	return (
		<DialogFrame title={`Note: ${check.title}`} width={width} height={height}>
			<Line>
				<Styled tone="muted">{check.id}</Styled>
			</Line>
			<Line> </Line>
			<Box>
				<TextInput width={dialogInnerWidth(width)} initialValue={note} placeholder="your note" onSubmit={onSubmit} onCancel={onCancel} />
			</Box>
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">⏎ saves (empty removes the note) · esc cancels</Styled>
			</Line>
		</DialogFrame>
	);
}
