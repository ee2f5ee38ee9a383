import {Box} from 'ink';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import type {Check} from '../../model/check.js';
import {allTargets} from '../../engine/decisions.js';
import {isCalendarDate} from '../../model/waiver-rules.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';
import {initialWaiveForm, waiveFormReducer, type WaiveFormAction} from './waive-state.js';

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

/** Waive a finding: a reason (required) and an expiry date; Tab or Enter moves on, Enter on the date saves. */
export function WaiveDialog({check, target, by, today, defaultExpiry, width, height, onSubmit, onCancel}: Props) {
	const [form, dispatchForm, latest] = useSyncReducer(waiveFormReducer, () => initialWaiveForm(defaultExpiry));
	const {field, problem} = form;
	const inner = dialogInnerWidth(width);
	const dispatch = (action: WaiveFormAction) => {
		dispatchForm(action);
		const {saved} = latest.current;
		if (saved && action.type === 'submit') onSubmit(saved.reason, saved.expires);
	};
	const toggle = () => dispatch({type: 'next-field'});
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
					onChange={(value) => dispatch({type: 'edit', field: 'reason', value})}
					onSubmit={(value) => dispatch({type: 'submit', field: 'reason', value, today})}
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
					onChange={(value) => dispatch({type: 'edit', field: 'expires', value})}
					onSubmit={(value) => dispatch({type: 'submit', field: 'expires', value, today})}
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
