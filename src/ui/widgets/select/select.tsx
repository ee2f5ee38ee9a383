import {Box} from 'ink';
import {useTheme} from '../../theme.js';
import {Line} from '../line.js';
import {Styled} from '../styled.js';
import {useSelect} from './use-select.js';
import {useSelectState} from './use-select-state.js';

export type SelectOption<T> = {
	readonly label: string;
	readonly value: T;
	/** A key that picks this option directly, e.g. `y`. */
	readonly key?: string;
	readonly tone?: 'danger';
};

type Props<T> = {
	readonly options: readonly SelectOption<T>[];
	readonly onSubmit: (value: T) => void;
	readonly onCancel?: () => void;
	/** @default true */
	readonly isActive?: boolean;
	/** @default 0 */
	readonly initialIndex?: number;
};

/** A vertical list of choices for a dialog. */
export function Select<T>({options, onSubmit, onCancel, isActive = true, initialIndex = 0}: Props<T>) {
	const [state, dispatch] = useSelectState(options.length, initialIndex);
	const theme = useTheme();
	useSelect({options, state, dispatch, isActive, onSubmit, ...(onCancel ? {onCancel} : {})});
	return (
		<Box flexDirection="column">
			{options.map((option, index) => {
				const isFocused = index === state.focus;
				return (
					<Line key={option.label}>
						<Styled tone={isFocused ? 'accent' : undefined}>{isFocused ? '› ' : '  '}</Styled>
						<Styled tone={isFocused && theme.isColor ? 'title' : option.tone}>{option.label}</Styled>
						{option.key ? <Styled tone="muted">{`  (${option.key})`}</Styled> : null}
					</Line>
				);
			})}
		</Box>
	);
}
