import type {NodeSource} from '../engine/source.js';
import type {ConnectionValues} from './connect.js';

/** Builds the SSH node source from the command line; wired to the transport in transports/node-source.ts. */
export async function sshNodeSourceFromOptions(_values: ConnectionValues, _options: {readonly interactive: boolean}): Promise<NodeSource> {
	const {sshNodeSource} = await import('../transports/node-source.js');
	return sshNodeSource(_values as never);
}
