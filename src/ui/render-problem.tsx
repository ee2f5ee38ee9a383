import type {Instance} from 'ink';
import {ConnectionProblemScreen, type ConnectionProblem} from './screens/connection-problem-screen.js';

/**
 * The environment could not be reached: the first frame gives way to the reason and the next
 * step, and stays until the operator has read it (any key). The caller then exits 2.
 */
export async function showConnectionProblem(instance: Instance, problem: ConnectionProblem): Promise<void> {
	instance.rerender(<ConnectionProblemScreen problem={problem} />);
	await instance.waitUntilExit().catch(() => {});
}
