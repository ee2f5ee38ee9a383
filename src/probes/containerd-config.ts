import {parse as parseToml, TomlError} from 'smol-toml';
import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, missingMarkers, sections} from './shell.js';

export type RegistryEntry = {
	readonly host: string;
	readonly endpoint: readonly string[];
	readonly insecureSkipVerify: boolean;
	readonly source: 'mirrors' | 'configs' | 'hosts.toml';
	/** hosts.toml entries: the file they came from. */
	readonly file?: string;
};

export type ContainerdFacts = {
	readonly source: 'dump' | 'file';
	/** Config schema version: 1 (legacy plugin names), 2 (containerd 1.x), 3 (containerd 2.x). */
	readonly version: number;
	readonly cri: {
		readonly disableTcpService: boolean;
		readonly streamServerAddress: string;
		readonly enableUnprivilegedPorts: boolean;
		readonly enableUnprivilegedIcmp: boolean;
	};
	readonly grpcTcpAddress: string;
	/** Registry host directories (certs.d), '' when unset. */
	readonly configPath: string;
	readonly registries: readonly RegistryEntry[];
	/** `[metrics] address` and `[debug] address` ('' when unset: no TCP listener). */
	readonly metricsAddress: string;
	readonly debugAddress: string;
	/**
	 * Registries with credentials written in config.toml (`registry.configs."host".auth`): the
	 * host and which keys are set. The values themselves are never kept.
	 */
	readonly plaintextCredentials: ReadonlyArray<{readonly host: string; readonly keys: readonly string[]}>;
	/** When the dump failed and the file was read instead: why. */
	readonly dumpError?: string;
};

type Table = Record<string, unknown>;

function table(value: unknown): Table {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {};
}

function str(value: unknown, fallback = ''): string {
	return typeof value === 'string' ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
	return typeof value === 'boolean' ? value : fallback;
}

function tomlError(what: string, error: unknown): string {
	if (error instanceof TomlError) {
		const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
		return `cannot parse ${what}: ${reason} at line ${error.line}`;
	}
	return `cannot parse ${what}: ${error instanceof Error ? error.message : String(error)}`;
}

function registriesFromCri(registry: Table): RegistryEntry[] {
	const out: RegistryEntry[] = [];
	for (const [host, mirror] of Object.entries(table(registry['mirrors']))) {
		const endpoint = table(mirror)['endpoint'];
		out.push({host, endpoint: Array.isArray(endpoint) ? endpoint.map(String) : [], insecureSkipVerify: false, source: 'mirrors'});
	}
	for (const [host, config] of Object.entries(table(registry['configs']))) {
		const tls = table(table(config)['tls']);
		out.push({host, endpoint: [], insecureSkipVerify: bool(tls['insecure_skip_verify'], false), source: 'configs'});
	}
	return out;
}

/**
 * One certs.d/<host>/hosts.toml: `server` is the upstream, each `[host."…"]` a mirror tried first;
 * `skip_verify` at either level turns TLS verification off for that endpoint.
 */
function registryFromHostsToml(host: string, file: string, text: string): RegistryEntry | {error: string} {
	let doc: Table;
	try {
		doc = parseToml(text) as Table;
	} catch (error) {
		return {error: tomlError(file, error)};
	}
	const endpoint: string[] = [];
	let insecure = bool(doc['skip_verify'], false);
	if (typeof doc['server'] === 'string') endpoint.push(doc['server']);
	for (const [url, settings] of Object.entries(table(doc['host']))) {
		endpoint.push(url);
		if (bool(table(settings)['skip_verify'], false)) insecure = true;
	}
	return {host, endpoint: [...new Set(endpoint)], insecureSkipVerify: insecure, source: 'hosts.toml', file};
}

/**
 * containerd's effective config (`containerd config dump`, or config.toml when the binary is not
 * there) and its registry host files. Handles the v2 schema (`io.containerd.grpc.v1.cri`), the
 * legacy v1 names (`cri`) and containerd 2.x (`io.containerd.cri.v1.images` / `.runtime`).
 */
export function parseContainerdConfig(output: string): ProbeParse {
	const parts = sections(output);
	const main = parts.find((part) => part.name === 'dump' || part.name === 'file');
	if (!main) {
		const missing = missingMarkers(output);
		return {error: missing.includes('containerd') ? 'command not found: containerd (and no /etc/containerd/config.toml)' : 'no containerd configuration found'};
	}
	let doc: Table;
	try {
		doc = parseToml(main.body) as Table;
	} catch (error) {
		return {error: tomlError(main.name === 'dump' ? 'containerd config' : `containerd config ${main.args[0] ?? ''}`.trim(), error)};
	}
	const version = typeof doc['version'] === 'number' ? doc['version'] : typeof doc['version'] === 'bigint' ? Number(doc['version']) : 1;
	const plugins = table(doc['plugins']);
	const cri = table(plugins['io.containerd.grpc.v1.cri'] ?? plugins['cri']);
	// containerd 2.x split the CRI plugin: images (registry) and runtime (unprivileged ports/icmp).
	const images = table(plugins['io.containerd.cri.v1.images']);
	const runtime = table(plugins['io.containerd.cri.v1.runtime']);
	const registry = table(images['registry'] ?? cri['registry']);
	// Defaults apply when the file (not the dump) is read; 2.x enables unprivileged ports/icmp.
	const unprivilegedDefault = version >= 3;
	const registries = registriesFromCri(registry);
	for (const part of parts) {
		if (part.name !== 'hosts') continue;
		const [host = '', file = ''] = part.args;
		const entry = registryFromHostsToml(host, file, part.body);
		if ('error' in entry) return {error: entry.error};
		registries.push(entry);
	}
	const credentialKeys = ['username', 'password', 'auth', 'identitytoken'];
	const plaintextCredentials = Object.entries(table(registry['configs']))
		.map(([host, config]) => ({host, keys: credentialKeys.filter((key) => str(table(table(config)['auth'])[key]) !== '')}))
		.filter((entry) => entry.keys.length > 0);
	const dumpError = parts.find((part) => part.name === 'dump-error')?.body.trim();
	const facts: ContainerdFacts = {
		source: main.name === 'dump' ? 'dump' : 'file',
		version,
		cri: {
			disableTcpService: bool(cri['disable_tcp_service'], true),
			streamServerAddress: str(cri['stream_server_address'], '127.0.0.1'),
			enableUnprivilegedPorts: bool(runtime['enable_unprivileged_ports'] ?? cri['enable_unprivileged_ports'], unprivilegedDefault),
			enableUnprivilegedIcmp: bool(runtime['enable_unprivileged_icmp'] ?? cri['enable_unprivileged_icmp'], unprivilegedDefault),
		},
		grpcTcpAddress: str(table(doc['grpc'])['tcp_address']),
		configPath: str(registry['config_path']),
		registries,
		metricsAddress: str(table(doc['metrics'])['address']),
		debugAddress: str(table(doc['debug'])['address']),
		plaintextCredentials,
		...(dumpError ? {dumpError} : {}),
	};
	return {facts};
}

export const containerdConfigProbe: Probe = {
	name: 'containerd-config',
	platforms: ['linux'],
	needsSudo: true,
	command: 'sudo containerd config dump; sudo cat /etc/containerd/certs.d/*/hosts.toml',
	script: [
		"out=''; err=''",
		// stdout only: containerd logs warnings to stderr, and they are not TOML.
		'if command -v containerd >/dev/null 2>&1 && out=$(containerd config dump 2>/dev/null); then',
		`  echo '${SECTION} dump'`,
		'  printf \'%s\\n\' "$out"',
		'elif [ -r /etc/containerd/config.toml ]; then',
		`  echo '${SECTION} file /etc/containerd/config.toml'`,
		'  cat /etc/containerd/config.toml',
		'  command -v containerd >/dev/null 2>&1 && err=$(containerd config dump 2>&1 >/dev/null | tail -n 3)',
		`  [ -n "$err" ] && { echo '${SECTION} dump-error'; printf '%s\\n' "$err"; }`,
		'  out=$(cat /etc/containerd/config.toml)',
		'else',
		`  command -v containerd >/dev/null 2>&1 || echo '${MISSING} containerd'`,
		`  echo '${MISSING} /etc/containerd/config.toml'`,
		'  exit 0',
		'fi',
		// config_path may list several directories (a:b); certs.d is read even when unset, since
		// containerd 2.x defaults to it.
		'dirs=$(printf \'%s\\n\' "$out" | sed -n \'s/^[[:space:]]*config_path[[:space:]]*=[[:space:]]*"\\([^"]*\\)".*/\\1/p\' | tr \':\' \' \')',
		"seen=' '",
		'for d in $dirs /etc/containerd/certs.d; do',
		'  case "$seen" in *" $d "*) continue ;; esac',
		'  seen="$seen$d "',
		'  [ -d "$d" ] || continue',
		'  for f in "$d"/*/hosts.toml; do',
		'    [ -f "$f" ] || continue',
		'    h=${f%/hosts.toml}; h=${h##*/}',
		`    echo "${SECTION} hosts $h $f"`,
		'    cat "$f"',
		'  done',
		'done',
	].join('\n'),
	parse: parseContainerdConfig,
};
