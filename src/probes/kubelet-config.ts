import {parse as parseYaml} from 'yaml';
import type {Probe, ProbeParse} from './probe.js';
import {kubeletDropInsScript, kubeletLocateScript} from './kubelet-shell.js';
import {MISSING, SECTION, sections} from './shell.js';

/** The settings CIS 4.2.x judges, as the kubelet runs with them: flags first, then the file, then defaults. */
export type KubeletEffective = {
	readonly anonymousAuth: boolean;
	readonly authorizationMode: string;
	readonly clientCAFile: string;
	readonly readOnlyPort: number;
	readonly streamingConnectionIdleTimeout: string;
	readonly streamingConnectionIdleTimeoutSeconds: number;
	readonly makeIPTablesUtilChains: boolean;
	/** null when unset anywhere: CIS 4.2.10 only fails an explicit false. */
	readonly rotateCertificates: boolean | null;
	readonly protectKernelDefaults: boolean;
	/** null when unset (kubelet default -1: unlimited). */
	readonly podPidsLimit: number | null;
	readonly tlsCipherSuites: readonly string[];
	/** Events per second the kubelet may create (CIS 4.2.9); 0 means no limit, the default is 50. */
	readonly eventRecordQPS: number;
};

export type KubeletFacts = {
	readonly configPath: string;
	/** The main file merged with the drop-ins: what the kubelet runs with before its flags. */
	readonly config: Record<string, unknown> | null;
	/** `--config-dir` drop-ins (`*.conf`) in the order the kubelet merges them (lexical), with the dotted keys each sets. */
	readonly dropIns: ReadonlyArray<{readonly path: string; readonly keys: readonly string[]}>;
	readonly flags: Readonly<Record<string, string>>;
	/**
	 * Where the flags came from: the running process, or the systemd unit when kubelet is not
	 * running (on Windows, the service's command line); 'configz' when the whole configuration is
	 * the kubelet's live one, read through the API server.
	 */
	readonly flagsSource: 'process' | 'unit' | 'service' | 'none' | 'configz';
	readonly effective: KubeletEffective;
};

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

/**
 * A drop-in over what came before, as the kubelet merges them: nested objects field by field,
 * anything else (lists included) replaced whole.
 */
export function mergeKubeletConfig(base: Obj, over: Obj): Obj {
	const out: Obj = {...base};
	for (const [key, value] of Object.entries(over)) {
		const current = out[key];
		const bothObjects = [current, value].every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
		out[key] = bothObjects ? mergeKubeletConfig(current as Obj, value as Obj) : value;
	}
	return out;
}

/** `authentication.anonymous.enabled`-style keys of every leaf (a list is one leaf). */
function dottedKeys(value: Obj, prefix = ''): string[] {
	return Object.entries(value).flatMap(([key, item]) =>
		item !== null && typeof item === 'object' && !Array.isArray(item) ? dottedKeys(item as Obj, `${prefix}${key}.`) : [`${prefix}${key}`],
	);
}

function parseYamlMapping(body: string, path: string): {mapping: Obj} | {error: string} {
	try {
		const parsed: unknown = parseYaml(body);
		if (parsed !== null && parsed !== undefined && typeof parsed !== 'object') return {error: `cannot parse kubelet config ${path}: not a YAML mapping`};
		return {mapping: parsed ? obj(parsed) : {}};
	} catch (error) {
		const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
		return {error: `cannot parse kubelet config ${path}: ${message}`};
	}
}

/** kubelet flags as pflag reads them: --a=b, --a b, and bare boolean --a. */
export function parseFlags(args: readonly string[]): Record<string, string> {
	const flags: Record<string, string> = {};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (!arg.startsWith('--')) continue;
		const eq = arg.indexOf('=');
		if (eq > 0) {
			flags[arg.slice(2, eq)] = arg.slice(eq + 1);
			continue;
		}
		const next = args[i + 1];
		if (next !== undefined && !next.startsWith('-')) {
			flags[arg.slice(2)] = next;
			i++;
		} else {
			flags[arg.slice(2)] = 'true';
		}
	}
	return flags;
}

/** Go durations ("4h0m0s", "30m", "0s", "0") in whole seconds. */
export function durationSeconds(text: string): number {
	const trimmed = text.trim();
	if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
	const units: Record<string, number> = {h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, 'µs': 0.000001, ns: 1e-9};
	let total = 0;
	for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(match[1]) * units[match[2]!]!;
	return Math.floor(total);
}

/**
 * Expands `$VAR` / `${VAR}` in the unit's last ExecStart with its Environment= lines and
 * EnvironmentFile= contents, as systemd would, to get the flags of a kubelet that is not running.
 */
function unitArgs(unit: string, envFiles: ReadonlyMap<string, string>): string[] {
	const env = new Map<string, string>();
	let exec = '';
	const setEnv = (assignment: string) => {
		const eq = assignment.indexOf('=');
		if (eq > 0) env.set(assignment.slice(0, eq), assignment.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
	};
	for (const raw of unit.split('\n')) {
		const line = raw.trim();
		if (line.startsWith('Environment=')) {
			for (const part of line.slice('Environment='.length).match(/"[^"]*"|\S+/g) ?? []) setEnv(part.replace(/^"(.*)"$/, '$1'));
		} else if (line.startsWith('EnvironmentFile=')) {
			const file = line.slice('EnvironmentFile='.length).replace(/^-/, '');
			for (const envLine of (envFiles.get(file) ?? '').split('\n')) {
				const trimmed = envLine.trim();
				if (trimmed && !trimmed.startsWith('#')) setEnv(trimmed);
			}
		} else if (line.startsWith('ExecStart=')) {
			// A bare `ExecStart=` in a drop-in resets the list; the last non-empty one wins.
			const command = line.slice('ExecStart='.length).trim();
			if (command) exec = command;
		}
	}
	const expanded = exec.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => env.get((a ?? b)!) ?? '');
	return expanded.split(/\s+/).filter(Boolean).slice(1);
}

function boolFlag(value: string | undefined): boolean | undefined {
	if (value === undefined) return undefined;
	return value === 'true' || value === '1';
}

function intFlag(value: string | undefined): number | undefined {
	if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
	return Number(value);
}

function pick<T>(...values: (T | undefined)[]): T | undefined {
	return values.find((value) => value !== undefined);
}

function asBool(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
	return typeof value === 'number' ? value : undefined;
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/**
 * Effective values. With a config file the KubeletConfiguration (v1beta1) defaults apply —
 * anonymous auth off, Webhook authorization, read-only port 0; a kubelet started from flags
 * alone keeps the command-line defaults (anonymous on, AlwaysAllow, port 10255).
 */
export function effectiveKubelet(config: Obj | null, flags: Readonly<Record<string, string>>): KubeletEffective {
	const file = config ?? {};
	const hasFile = config !== null;
	const authn = obj(file['authentication']);
	const authz = obj(file['authorization']);
	// A zero duration in the file is "unset" to the kubelet's defaulting (kubeadm writes 0s for
	// every duration); only a flag can really set 0.
	const fileIdle = asString(file['streamingConnectionIdleTimeout']);
	const idle = flags['streaming-connection-idle-timeout'] ?? (fileIdle && durationSeconds(fileIdle) > 0 ? fileIdle : '4h0m0s');
	const ciphers = pick(flags['tls-cipher-suites']?.split(',').filter(Boolean), Array.isArray(file['tlsCipherSuites']) ? (file['tlsCipherSuites'] as unknown[]).map(String) : undefined) ?? [];
	const pids = pick(intFlag(flags['pod-max-pids']), asNumber(file['podPidsLimit']));
	return {
		anonymousAuth: pick(boolFlag(flags['anonymous-auth']), asBool(obj(authn['anonymous'])['enabled'])) ?? !hasFile,
		authorizationMode: pick(flags['authorization-mode'], asString(authz['mode'])) ?? (hasFile ? 'Webhook' : 'AlwaysAllow'),
		clientCAFile: pick(flags['client-ca-file'], asString(obj(authn['x509'])['clientCAFile'])) ?? '',
		readOnlyPort: pick(intFlag(flags['read-only-port']), asNumber(file['readOnlyPort'])) ?? (hasFile ? 0 : 10255),
		streamingConnectionIdleTimeout: idle,
		streamingConnectionIdleTimeoutSeconds: durationSeconds(idle),
		makeIPTablesUtilChains: pick(boolFlag(flags['make-iptables-util-chains']), asBool(file['makeIPTablesUtilChains'])) ?? true,
		rotateCertificates: pick(boolFlag(flags['rotate-certificates']), asBool(file['rotateCertificates'])) ?? null,
		protectKernelDefaults: pick(boolFlag(flags['protect-kernel-defaults']), asBool(file['protectKernelDefaults'])) ?? false,
		podPidsLimit: pids === undefined || pids < 0 ? null : pids,
		tlsCipherSuites: ciphers,
		eventRecordQPS: pick(intFlag(flags['event-qps']), asNumber(file['eventRecordQPS'])) ?? 50,
	};
}

/**
 * The kubelet's config file, its command line (one argument per line, from /proc) and, when it
 * is not running, the systemd unit and drop-ins that would start it.
 */
export function parseKubeletConfig(output: string): ProbeParse {
	const parts = sections(output);
	const cmdline = parts.find((part) => part.name === 'cmdline');
	const configPart = parts.find((part) => part.name === 'config');
	const unit = parts.find((part) => part.name === 'unit');
	const envFiles = new Map(parts.filter((part) => part.name === 'env').map((part) => [part.args[0] ?? '', part.body]));
	const configPath = configPart?.args[0] ?? '/var/lib/kubelet/config.yaml';
	let flags: Record<string, string> = {};
	let flagsSource: KubeletFacts['flagsSource'] = 'none';
	const processArgs = (cmdline?.body ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
	if (processArgs.length) {
		flags = parseFlags(processArgs.slice(1));
		flagsSource = 'process';
	} else if (unit?.body.includes('ExecStart=')) {
		flags = parseFlags(unitArgs(unit.body, envFiles));
		flagsSource = 'unit';
	}
	let config: Obj | null = null;
	const body = configPart?.body ?? '';
	const missingConfig = body.trim().startsWith(MISSING);
	if (configPart && !missingConfig) {
		const parsed = parseYamlMapping(body, configPath);
		if ('error' in parsed) return parsed;
		config = parsed.mapping;
	}
	const dropIns: Array<{path: string; keys: string[]}> = [];
	for (const part of parts.filter((candidate) => candidate.name === 'dropin')) {
		const path = part.args.join(' ');
		const parsed = parseYamlMapping(part.body, path);
		if ('error' in parsed) return parsed;
		dropIns.push({path, keys: dottedKeys(parsed.mapping)});
		config = mergeKubeletConfig(config ?? {}, parsed.mapping);
	}
	if (config === null && flagsSource === 'none') {
		return {error: `kubelet not found: no running kubelet, no kubelet unit and no ${configPath}`};
	}
	const facts: KubeletFacts = {configPath, config, dropIns, flags, flagsSource, effective: effectiveKubelet(config, flags)};
	return {facts};
}

export const kubeletConfigProbe: Probe = {
	name: 'kubelet-config',
	platforms: ['linux'],
	needsSudo: true,
	command: 'ps -o args= -C kubelet; sudo cat /var/lib/kubelet/config.yaml; systemctl cat kubelet',
	script: [
		kubeletLocateScript,
		`echo '${SECTION} cmdline'`,
		'[ -n "$args" ] && printf \'%s\\n\' "$args"',
		`echo "${SECTION} config $cfg"`,
		`if [ -r "$cfg" ]; then cat "$cfg"; else echo "${MISSING} $cfg"; fi`,
		`${kubeletDropInsScript} | while read -r f; do echo "${SECTION} dropin $f"; cat "$f"; echo; done`,
		`echo '${SECTION} unit'`,
		'printf \'%s\\n\' "$unit"',
		'for f in /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet; do',
		`  [ -f "$f" ] && { echo "${SECTION} env $f"; cat "$f"; }`,
		'done',
		'exit 0',
	].join('\n'),
	parse: parseKubeletConfig,
};
