import {Box} from 'ink';
import {useState} from 'react';
import type {Check} from '../../model/check.js';
import {allTargets} from '../../engine/decisions.js';
import {isCalendarDate} from '../../model/waiver-rules.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';

type Props = {
	readonly check: Check;
	readonly target: string;
	readonly by: string;
	readonly today: string;
	readonly defaultExpiry: string;
	readonly width: number;
	readonly height: number;
	readonly onSubmit: (reason: string, expires: string) => void;
	readonly onCancel: () => void;
};

/** A real calendar date after today, written YYYY-MM-DD; else why not. */
export function expiryProblem(value: string, today: string): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'write the date as YYYY-MM-DD';
	if (!isCalendarDate(value)) return 'that is not a calendar date';
	if (value <= today) return 'the expiry must be after today';
	return undefined;
}

type Field = 'reason' | 'expires';

/** Waive a finding: a reason (required) and an expiry date; Tab or Enter moves on, Enter on the date saves. */
export function WaiveDialog({check, target, by, today, defaultExpiry, width, height, onSubmit, onCancel}: Props) {
	const [field, setField] = useState<Field>('reason');
	const [reason, setReason] = useState('');
	const [expires, setExpires] = useState(defaultExpiry);
	const [problem, setProblem] = useState<string | undefined>(undefined);
	const inner = dialogInnerWidth(width);
	const submit = () => {
		if (!reason.trim()) {
			setProblem('say why this is acceptable');
			setField('reason');
			return;
		}
		const issue = expiryProblem(expires.trim(), today);
		if (issue) {
			setProblem(issue);
			setField('expires');
			return;
		}
		onSubmit(reason.trim(), expires.trim());
	};
	const toggle = () => setField((value) => (value === 'reason' ? 'expires' : 'reason'));
	return (
		<DialogFrame title={`Waive: ${check.title}`} width={width} height={height}>
			<Line>
				<Styled tone="muted">{`${check.id} · ${target === allTargets ? 'every failing target of this check' : target}`}</Styled>
			</Line>
			<Line> </Line>
			<Line>
				<Styled tone={field === 'reason' ? 'accent' : 'muted'}>{field === 'reason' ? '› ' : '  '}</Styled>
				reason (why it is acceptable):
			</Line>
			<Box paddingLeft={2}>
				<TextInput
					width={inner - 2}
					isActive={field === 'reason'}
					placeholder="required"
					onChange={setReason}
					onSubmit={() => setField('expires')}
					onNextField={toggle}
					onCancel={onCancel}
				/>
			</Box>
			<Line>
				<Styled tone={field === 'expires' ? 'accent' : 'muted'}>{field === 'expires' ? '› ' : '  '}</Styled>
				expires (YYYY-MM-DD):
			</Line>
			<Box paddingLeft={2}>
				<TextInput
					width={inner - 2}
					initialValue={defaultExpiry}
					isActive={field === 'expires'}
					onChange={setExpires}
					onSubmit={submit}
					onNextField={toggle}
					onCancel={onCancel}
				/>
			</Box>
			{problem ? (
				<Line>
					<Styled tone="fail">{`✗ ${problem}`}</Styled>
				</Line>
			) : null}
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{`by ${by}, now · tab switches fields · ⏎ next / saves · esc cancels`}</Styled>
			</Line>
		</DialogFrame>
	);
}
