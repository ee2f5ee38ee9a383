// Opening the node a host change or plan works on, said the same way everywhere: the session,
// or one line on why there is none (no SSH options, or the node cannot be reached).
import type {NodeShell} from '../../transports/interfaces.js';
import type {FixContext} from '../context.js';
import type {NodeRef} from '../model.js';

export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export async function openNodeSession(node: NodeRef, context: FixContext): Promise<NodeShell | string> {
	const open = context.transport.openNode;
	if (!open) return 'no SSH connection to nodes (pass the SSH options)';
	try {
		return await open(node);
	} catch (error) {
		return `cannot reach ${node.name}: ${messageOf(error)}`;
	}
}
