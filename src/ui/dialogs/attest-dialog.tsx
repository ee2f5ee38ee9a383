import {Box} from 'ink';
import {useState} from 'react';
import type {Check} from '../../model/check.js';
import type {AttestAnswer} from '../../model/settings.js';
import {allTargets} from '../../engine/decisions.js';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Select} from '../widgets/select/index.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';

type Props = {
	readonly check: Check;
	/** The question as the finding asks it (falls back to the check's). */
	readonly question: string;
	readonly target: string;
	readonly by: string;
	readonly previous?: {readonly answer: AttestAnswer; readonly note: string};
	readonly width: number;
	readonly height: number;
	readonly onSubmit: (answer: AttestAnswer, note: string) => void;
	readonly onCancel: () => void;
};

const answers: readonly {readonly label: string; readonly value: AttestAnswer; readonly key: string}[] = [
	{label: 'yes, this is in place', value: 'yes', key: 'y'},
	{label: 'no, it is not', value: 'no', key: 'n'},
	{label: 'not applicable here', value: 'n/a', key: 'x'},
];

/** The operator answers a question no machine can check: yes / no / n.a., then a note, signed and dated. */
export function AttestDialog({check, question, target, by, previous, width, height, onSubmit, onCancel}: Props) {
	const [answer, setAnswer] = useState<AttestAnswer | undefined>(undefined);
	const inner = dialogInnerWidth(width);
	const questionLines = wrap(question || check.question || check.title, inner).slice(0, Math.max(1, height - 11));
	return (
		<DialogFrame title={`Attest: ${check.title}`} width={width} height={height}>
			<Line>
				<Styled tone="muted">{`${check.id} · ${target === allTargets ? 'all targets' : target}`}</Styled>
			</Line>
			{questionLines.map((line, index) => (
				<Line key={index}>
					<Styled tone="manual">{line}</Styled>
				</Line>
			))}
			<Line> </Line>
			{answer === undefined ? (
				<Select
					options={answers}
					initialIndex={Math.max(0, answers.findIndex((option) => option.value === previous?.answer))}
					onSubmit={setAnswer}
					onCancel={onCancel}
				/>
			) : (
				<Box flexDirection="column">
					<Line>
						{'answer: '}
						<Styled tone="title">{answer}</Styled>
					</Line>
					<Line>note (how you know, where it is written down):</Line>
					<Box>
						<TextInput
							width={inner}
							initialValue={previous?.note ?? ''}
							placeholder="optional"
							onSubmit={(note) => onSubmit(answer, note.trim())}
							onCancel={() => setAnswer(undefined)}
						/>
					</Box>
				</Box>
			)}
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{`by ${by}, now · ${answer === undefined ? 'y / n / x or ⏎ picks · esc cancels' : '⏎ saves · esc goes back to the answer'}`}</Styled>
			</Line>
		</DialogFrame>
	);
}
