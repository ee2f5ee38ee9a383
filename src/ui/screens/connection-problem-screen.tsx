import {Box, Text, useApp, useInput} from 'ink';
import {printable} from '../../model/printable.js';

export type ConnectionProblem = {readonly message: string; readonly nextStep?: string};

/** Why the walkthrough cannot start on this environment, in full, and what to do about it. */
export function ConnectionProblemScreen({problem}: {readonly problem: ConnectionProblem}) {
	const {exit} = useApp();
	useInput(() => exit());
	return (
		<Box flexDirection="column">
			<Text bold>aks-harden: cannot connect</Text>
			<Text> </Text>
			<Text>{printable(problem.message)}</Text>
			{problem.nextStep ? (
				<>
					<Text> </Text>
					<Text>next: {printable(problem.nextStep)}</Text>
				</>
			) : null}
			<Text> </Text>
			<Text dimColor>The demo is shown only when there is no kubeconfig at all (or with --demo).</Text>
			<Text dimColor>any key quit</Text>
		</Box>
	);
}
