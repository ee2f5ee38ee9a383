import {Text} from 'ink';
import {useTheme} from '../../theme.js';
import {truncate} from '../../text.js';
import {useTextInput} from './use-text-input.js';
import {useTextInputState} from './use-text-input-state.js';

type Props = {
	/** @default '' */
	readonly initialValue?: string;
	readonly placeholder?: string;
	/** Show `•` for every character (passphrases). */
	readonly isMasked?: boolean;
	/** @default true */
	readonly isActive?: boolean;
	/** Room on screen; a longer value scrolls so the cursor stays visible. */
	readonly width: number;
	readonly onSubmit?: (value: string) => void;
	readonly onCancel?: () => void;
	readonly onNextField?: () => void;
	/** Every edit, for forms that validate as the operator types. */
	readonly onChange?: (value: string) => void;
};

/** A one-line text field. Without colour the cursor is drawn as `▏`, so no escape code is needed. */
export function TextInput({initialValue = '', placeholder, isMasked, isActive = true, width, onSubmit, onCancel, onNextField, onChange}: Props) {
	const [state, dispatch, latest] = useTextInputState(initialValue);
	const theme = useTheme();
	useTextInput({latest, dispatch, isActive, ...(onSubmit ? {onSubmit} : {}), ...(onCancel ? {onCancel} : {}), ...(onNextField ? {onNextField} : {}), ...(onChange ? {onChange} : {})});

	const chars = [...(isMasked ? '•'.repeat([...state.value].length) : state.value)];
	const room = Math.max(2, width - 1);
	const start = Math.max(0, state.cursor - room + 1);
	const visible = chars.slice(start, start + room);
	const cursorAt = state.cursor - start;
	if (!chars.length && placeholder && !isActive) return <Text {...theme.style('muted')}>{truncate(placeholder, width)}</Text>;
	const before = visible.slice(0, cursorAt).join('');
	const under = visible[cursorAt] ?? ' ';
	const after = visible.slice(cursorAt + 1).join('');
	if (!isActive) return <Text wrap="truncate-end">{visible.join('') || ' '}</Text>;
	if (!theme.isColor) {
		return (
			<Text wrap="truncate-end">
				{before}▏{visible.slice(cursorAt).join('')}
			</Text>
		);
	}
	return (
		<Text wrap="truncate-end">
			{before}
			<Text inverse>{under}</Text>
			{after}
			{!chars.length && placeholder ? <Text dimColor>{truncate(placeholder, Math.max(0, width - 2))}</Text> : null}
		</Text>
	);
}
