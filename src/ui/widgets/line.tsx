import {Box, Text} from 'ink';
import type {ReactNode} from 'react';

/** One screen row: never taller than one line, whatever its content. */
export function Line({children, width}: {readonly children?: ReactNode; readonly width?: number}) {
	return (
		<Box height={1} flexShrink={0} overflow="hidden" {...(width !== undefined ? {width} : {})}>
			<Text wrap="truncate-end">{children}</Text>
		</Box>
	);
}
