import {Box} from 'ink';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Select} from '../widgets/select/index.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly title: string;
	readonly lines: readonly string[];
	readonly yesLabel: string;
	readonly noLabel: string;
	readonly width: number;
	readonly height: number;
	readonly tone?: 'danger';
	readonly onAnswer: (isYes: boolean) => void;
};

/** A yes/no question: y and n answer at once, Enter takes the highlighted one, Esc means no. */
export function ConfirmDialog({title, lines, yesLabel, noLabel, width, height, tone, onAnswer}: Props) {
	const inner = dialogInnerWidth(width);
	const text = lines.flatMap((line) => (line ? wrap(line, inner) : ['']));
	return (
		<DialogFrame title={title} width={width} height={height} {...(tone ? {tone} : {})}>
			<Box flexDirection="column" flexShrink={1} overflow="hidden">
				{text.slice(0, Math.max(1, height - 6)).map((line, index) => (
					<Line key={index}>{line || ' '}</Line>
				))}
			</Box>
			<Line> </Line>
			<Select
				options={[
					{label: yesLabel, value: true, key: 'y'},
					{label: noLabel, value: false, key: 'n'},
				]}
				onSubmit={onAnswer}
				onCancel={() => onAnswer(false)}
			/>
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">y / n · ⏎ picks · esc: no</Styled>
			</Line>
		</DialogFrame>
	);
}
