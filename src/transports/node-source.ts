// Linux nodes over SSH: one ssh2 connection per node for the run; what runs over it (which
// probes, sudo fallback, framing) is engine code over the NodeShell (engine/gather-node.ts).
import {shellNodeSource} from '../engine/gather-node.js';
import type {NodeSource} from '../engine/source.js';
import type {Probe} from '../probes/probe.js';
import type {NodeShell} from './interfaces.js';
import type {SshOptions, SshTarget} from './ssh.js';

export type ConnectNode = (target: SshTarget, options: SshOptions) => Promise<NodeShell>;

export type SshNodeSourceOptions = {
	/** Login user; AKS hybrid Linux nodes: clouduser. */
	readonly user?: string;
	readonly port?: number;
	readonly keyPaths?: readonly string[];
	readonly jump?: SshTarget;
	/** Host-key policy, agent, passphrase prompt, connect timeout… as the SSH transport takes them. */
	readonly ssh: SshOptions;
	/** Limit for the whole probe script on one node; default the SSH timeout (--timeout). */
	readonly runTimeoutMs?: number;
	/** The SSH transport's connectNode; tests pass a fake, production the real one (the default). */
	readonly connect?: ConnectNode;
	readonly probes?: ReadonlyMap<string, Probe>;
	readonly windowsProbes?: ReadonlyMap<string, Probe>;
	readonly marker?: () => string;
};

export function sshNodeSource(options: SshNodeSourceOptions): NodeSource {
	return shellNodeSource(
		async (node) => {
			const connect = options.connect ?? (await import('./ssh.js')).connectNode;
			return connect(
				{
					name: node.name,
					address: node.address,
					port: options.port ?? 22,
					user: options.user ?? (node.os === 'windows' ? 'Administrator' : 'clouduser'),
					...(options.keyPaths ? {keyPaths: options.keyPaths} : {}),
					...(options.jump ? {jump: options.jump} : {}),
				},
				options.ssh,
			);
		},
		{
			// --timeout bounds each node as a whole, so one slow or hung node never holds the run.
			runTimeoutMs: options.runTimeoutMs ?? options.ssh.timeoutMs,
			...(options.probes ? {probes: options.probes} : {}),
			...(options.marker ? {marker: options.marker} : {}),
		},
	);
}
