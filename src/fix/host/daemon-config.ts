// Validators for the files a daemon restart makes kubelet or containerd read. A file that fails
// here is put back before anything restarts; one that passes can still be refused by the daemon
// (a client CA file that does not exist), which the rollout catches by waiting for Ready.
import {parse as parseToml} from 'smol-toml';
import {parse as parseYaml} from 'yaml';
import {z} from 'zod';

const duration = z.string().regex(/^(0|(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+)$/, 'a Go duration such as 4h0m0s');
const port = z.number().int().min(0).max(65535);

/** TLS suites the kubelet (Go's crypto/tls) knows by name; a misspelt one stops it at start. */
export const kubeletCipherSuites = [
	'TLS_AES_128_GCM_SHA256',
	'TLS_AES_256_GCM_SHA384',
	'TLS_CHACHA20_POLY1305_SHA256',
	'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
	'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
	'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
	'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
	'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
	'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
	'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
	'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
	'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
	'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
	'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
	'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
	'TLS_RSA_WITH_AES_128_CBC_SHA',
	'TLS_RSA_WITH_AES_128_GCM_SHA256',
	'TLS_RSA_WITH_AES_256_CBC_SHA',
	'TLS_RSA_WITH_AES_256_GCM_SHA384',
] as const;

/**
 * KubeletConfiguration (kubelet.config.k8s.io/v1beta1): the fields a CIS fix touches are typed
 * as the kubelet decodes them; the rest pass through, as the kubelet's own defaulting fills them.
 */
const KubeletConfigurationSchema = z
	.object({
		apiVersion: z.literal('kubelet.config.k8s.io/v1beta1'),
		kind: z.literal('KubeletConfiguration'),
		authentication: z
			.object({
				anonymous: z.object({enabled: z.boolean().optional()}).passthrough().optional(),
				webhook: z.object({enabled: z.boolean().optional(), cacheTTL: duration.optional()}).passthrough().optional(),
				x509: z.object({clientCAFile: z.string().optional()}).passthrough().optional(),
			})
			.passthrough()
			.optional(),
		authorization: z
			.object({mode: z.enum(['AlwaysAllow', 'Webhook']).optional(), webhook: z.object({cacheAuthorizedTTL: duration.optional(), cacheUnauthorizedTTL: duration.optional()}).passthrough().optional()})
			.passthrough()
			.optional(),
		port: port.optional(),
		readOnlyPort: port.optional(),
		healthzPort: port.optional(),
		healthzBindAddress: z.string().optional(),
		streamingConnectionIdleTimeout: duration.optional(),
		makeIPTablesUtilChains: z.boolean().optional(),
		rotateCertificates: z.boolean().optional(),
		protectKernelDefaults: z.boolean().optional(),
		tlsCipherSuites: z.array(z.enum(kubeletCipherSuites)).optional(),
		eventRecordQPS: z.number().int().min(0).optional(),
		eventBurst: z.number().int().min(0).optional(),
		podPidsLimit: z.number().int().optional(),
	})
	.passthrough();

function firstIssue(error: z.ZodError): string {
	const issue = error.issues[0]!;
	return `${issue.path.join('.') || 'the document'}: ${issue.message}`;
}

/** Why the kubelet would refuse this config file, or undefined when it parses as a KubeletConfiguration. */
export function kubeletConfigProblem(text: string): string | undefined {
	let doc: unknown;
	try {
		doc = parseYaml(text);
	} catch (error) {
		return `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
	}
	const result = KubeletConfigurationSchema.safeParse(doc);
	return result.success ? undefined : `not a valid KubeletConfiguration: ${firstIssue(result.error)}`;
}

/** Top-level keys of containerd's config.toml (versions 2 and 3); anything else is a typo containerd would ignore or refuse. */
const containerdTopLevel = new Set([
	'version',
	'root',
	'state',
	'temp',
	'plugin_dir',
	'disabled_plugins',
	'required_plugins',
	'oom_score',
	'imports',
	'grpc',
	'ttrpc',
	'debug',
	'metrics',
	'cgroup',
	'timeouts',
	'plugins',
	'proxy_plugins',
	'stream_processors',
]);

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table => value !== null && typeof value === 'object' && !Array.isArray(value);

/** TOML that parses, a version containerd reads, known top-level keys, and the keys a fix sets of the right type. */
export function containerdConfigProblem(text: string): string | undefined {
	let doc: Table;
	try {
		doc = parseToml(text) as Table;
	} catch (error) {
		return `not valid TOML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
	}
	const version = typeof doc['version'] === 'bigint' ? Number(doc['version']) : doc['version'];
	if (version !== undefined && version !== 2 && version !== 3) return `version = ${String(version)}: containerd reads versions 2 and 3`;
	const unknown = Object.keys(doc).filter((key) => !containerdTopLevel.has(key));
	if (unknown.length) return `unknown top-level key${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`;
	const plugins = isTable(doc['plugins']) ? doc['plugins'] : {};
	const cri = isTable(plugins['io.containerd.grpc.v1.cri']) ? plugins['io.containerd.grpc.v1.cri'] : {};
	const typed: Array<[string, unknown, 'string' | 'boolean']> = [
		['grpc.tcp_address', isTable(doc['grpc']) ? doc['grpc']['tcp_address'] : undefined, 'string'],
		['metrics.address', isTable(doc['metrics']) ? doc['metrics']['address'] : undefined, 'string'],
		['debug.address', isTable(doc['debug']) ? doc['debug']['address'] : undefined, 'string'],
		['plugins."io.containerd.grpc.v1.cri".disable_tcp_service', cri['disable_tcp_service'], 'boolean'],
		['plugins."io.containerd.grpc.v1.cri".stream_server_address', cri['stream_server_address'], 'string'],
	];
	for (const [key, value, type] of typed) {
		if (value !== undefined && typeof value !== type) return `${key} must be a ${type}`;
	}
	return undefined;
}
