import {Box} from 'ink';
import type {ReactNode} from 'react';
import {useTheme} from '../theme.js';
import {Line} from './line.js';
import {Styled} from './styled.js';

type Props = {
	readonly title: string;
	readonly width: number;
	readonly height: number;
	readonly tone?: 'danger';
	readonly children?: ReactNode;
};

/** A bordered box in place of the screen body: a dialog always says what it is about in its title. */
export function DialogFrame({title, width, height, tone, children}: Props) {
	const theme = useTheme();
	return (
		<Box
			flexDirection="column"
			width={width}
			height={height}
			borderStyle="round"
			paddingX={1}
			overflow="hidden"
			{...(theme.isColor ? {borderColor: tone === 'danger' ? 'red' : 'blue'} : {})}
		>
			<Line>
				<Styled tone={tone === 'danger' ? 'danger' : 'title'}>{title}</Styled>
			</Line>
			{children}
		</Box>
	);
}

/** Inner width of a DialogFrame: borders and padding take four columns. */
export function dialogInnerWidth(width: number): number {
	return Math.max(10, width - 4);
}
