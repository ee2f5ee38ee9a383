import {Box, Text, useApp, useInput} from 'ink';

export type StartingScreenProps = {
	readonly title: string;
	readonly detail: string;
};

/**
 * The first frame: drawn before the catalogue, the Kubernetes client or the cluster are loaded,
 * so the operator sees the tool at once and can still leave while it connects.
 */
export function StartingScreen({title, detail}: StartingScreenProps) {
	const {exit} = useApp();
	useInput((input, key) => {
		if (input === 'q' || (key.ctrl && input === 'c')) exit(130);
	});
	return (
		<Box flexDirection="column">
			<Text bold>{title}</Text>
			<Text> </Text>
			<Text>{detail}</Text>
			<Text dimColor>q quit</Text>
		</Box>
	);
}
