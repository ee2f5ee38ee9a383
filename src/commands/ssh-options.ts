import {homedir} from 'node:os';
import {join} from 'node:path';
import type {NodeInfo} from '../model/report.js';
import {fileProblem, UsageError} from '../model/errors.js';
import {InventorySchema, type InventoryEntry} from '../model/inventory.js';
import {parseYamlFile, validate} from '../catalog/yaml-source.js';
import {expandHome} from '../paths.js';
import {parseProxyJump} from '../transports/ssh-config.js';
import type {SshOptions, SshTarget} from '../transports/ssh.js';
import {durationOption, positiveInt} from './options.js';
import type {ConnectionValues} from './environment.js';
import {readTextFile} from '../transports/input-file.js';

/** AKS hybrid's users: clouduser on Linux nodes, Administrator on Windows nodes. */
export function defaultUser(os: NodeInfo['os']): string {
	return os === 'windows' ? 'Administrator' : 'clouduser';
}

export function readInventory(path: string): InventoryEntry[] {
	let text: string;
	try {
		text = readTextFile(path);
	} catch (error) {
		throw new UsageError(`cannot read inventory ${path}: ${fileProblem(error)}`, 'check the --inventory path (a YAML file; see README "Nodes over SSH")');
	}
	return validate(parseYamlFile(path, text), InventorySchema, 'inventory').nodes.map((entry) => (entry.key ? {...entry, key: expandHome(entry.key)} : entry));
}

function jumpTarget(spec: string, user: string, keyPaths: readonly string[]): SshTarget | undefined {
	let hops;
	try {
		hops = parseProxyJump(spec);
	} catch (error) {
		throw new UsageError(`--jump: ${(error as Error).message}`, 'use [user@]host[:port]');
	}
	let previous: SshTarget | undefined;
	for (const hop of hops) {
		previous = {name: hop.host, address: hop.host, port: hop.port ?? 22, user: hop.user ?? user, keyPaths: [...keyPaths], ...(previous ? {jump: previous} : {})};
	}
	return previous;
}

export type SshSettings = {
	readonly ssh: Omit<SshOptions, 'onHostKey' | 'passphrase'>;
	readonly targetFor: (node: NodeInfo) => SshTarget;
	readonly inventory: readonly InventoryEntry[];
};

/** Everything the SSH flags say, resolved once: the same for headless runs and the walkthrough. */
export function sshSettings(values: ConnectionValues): SshSettings {
	const inventory = typeof values['inventory'] === 'string' ? readInventory(values['inventory']) : [];
	const byName = new Map(inventory.map((entry) => [entry.name, entry]));
	const explicitUser = typeof values['ssh-user'] === 'string' ? values['ssh-user'] : undefined;
	const keys = ((values['ssh-key'] as string[] | undefined) ?? []).map((key) => expandHome(key));
	const port = positiveInt('ssh-port', values['ssh-port'] as string | undefined, 22);
	const jump = typeof values['jump'] === 'string' ? values['jump'] : undefined;
	return {
		inventory,
		ssh: {
			knownHostsPath: typeof values['known-hosts'] === 'string' ? expandHome(values['known-hosts']) : join(homedir(), '.ssh', 'known_hosts'),
			acceptNewHostKeys: values['accept-new-host-keys'] === true,
			timeoutMs: durationOption(values['timeout'] as string | undefined, 60_000),
		},
		targetFor(node) {
			const entry = byName.get(node.name);
			const user = entry?.user ?? explicitUser ?? defaultUser(node.os);
			const keyPaths = entry?.key ? [entry.key, ...keys] : keys;
			const jumpSpec = entry?.jump ?? jump;
			const via = jumpSpec ? jumpTarget(jumpSpec, user, keyPaths) : undefined;
			return {name: node.name, address: entry?.address ?? node.address, port: entry?.port ?? port, user, keyPaths, ...(via ? {jump: via} : {})};
		},
	};
}

/** Nodes named only in the inventory file (no cluster to list them from). */
export function inventoryNodes(settings: SshSettings): NodeInfo[] {
	return settings.inventory.map((entry) => ({
		name: entry.name,
		address: entry.address ?? entry.name,
		os: entry.os ?? 'linux',
		role: entry.role ?? 'worker',
		reachable: null,
		error: null,
	}));
}
