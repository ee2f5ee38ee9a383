import {Text} from 'ink';
import type {ReactNode} from 'react';
import {useTheme, type Tone} from '../theme.js';

type Props = {
	readonly tone?: Tone;
	readonly children?: ReactNode;
	/** Cut to the box width with an ellipsis instead of wrapping. */
	readonly isTruncated?: boolean;
};

/** Text in a tone of the theme: without colour it is plain text, not a single escape code. */
export function Styled({tone, children, isTruncated}: Props) {
	const theme = useTheme();
	return (
		<Text {...theme.style(tone)} {...(isTruncated ? {wrap: 'truncate-end' as const} : {})}>
			{children}
		</Text>
	);
}
