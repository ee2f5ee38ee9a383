import {randomBytes} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {createServer} from 'node:https';
import type {Socket} from 'node:net';
import type {TLSSocket} from 'node:tls';
import type {KubeObject} from '../model/kube.js';
import {kubeconfigYaml, writeKubeconfig, type KubeconfigOptions} from './kubeconfig.js';
import {bucketName, ObjectStore} from './object-store.js';
import {createDemoPki, type ClientCertOptions, type KeyPairPem} from './pki.js';
import {podSecurityAdmissionFor} from './pod-security.js';
import {handleResource, type HandlerContext, type Reply, type Target, type User} from './resource-handlers.js';
import {groupVersionOf, resourcesFor, type ApiResource} from './resource-table.js';
import {ApiError, errors} from './status.js';
import type {WriteHook} from './write-hook.js';
import {execUpgradeHandler, runPinnedPods, type NodeExec} from './pod-exec.js';

export {ObjectStore} from './object-store.js';
export type {ExecProcess, NodeExec} from './pod-exec.js';
export type {WriteHook, WriteRequest, WriteVerdict} from './write-hook.js';
export {chainHooks} from './write-hook.js';
export {podSecurityAdmissionFor} from './pod-security.js';

/** Denies `verb` (all verbs when absent) on `resource` (plural, `plural.group` or `*`) to a user or group. */
export type ForbiddenRule = {
	readonly user?: string;
	readonly group?: string;
	readonly resource: string;
	readonly verb?: string | readonly string[];
	readonly namespace?: string;
};

export type ApiServerOptions = {
	readonly objects?: readonly KubeObject[];
	/** Bearer token → user name. Without it one random token is made for a user named `demo-admin`. */
	readonly tokens?: Readonly<Record<string, string>>;
	readonly forbidden?: readonly ForbiddenRule[];
	/** The gitVersion `/version` reports. */
	readonly version?: string;
	/** Body of `/readyz?verbose`; a `[-]` line makes readiness fail. */
	readonly readyz?: string;
	readonly livez?: string;
	/** 0 (the default) picks a free port. */
	readonly port?: number;
	/** Ask clients for certificates (never require them). Default true. */
	readonly clientCa?: boolean;
	/** Admission for writes; defaults to Pod Security Admission. Pass null for none. */
	readonly onWrite?: WriteHook | null;
	/** Make pods follow workload changes as controllers would. Default true. */
	readonly simulateControllers?: boolean;
	/**
	 * What stands for the nodes' kubelets: pods pinned to a node it answers for run at once, and
	 * their pods/exec runs through it. Without it, pods stay Pending and exec is refused.
	 */
	readonly nodeExec?: NodeExec;
	/** Which nodes `nodeExec` answers for. */
	readonly execNodes?: (node: string) => boolean;
	/** The kubelet's live configuration, `/api/v1/nodes/NAME/proxy/configz`; undefined: the kubelet does not answer. */
	readonly configz?: (node: string) => Record<string, unknown> | undefined;
};

/** One request as the server saw it. Bodies are never recorded: they may hold secrets. */
export type RequestLog = {
	readonly method: string;
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	readonly accept: string;
	readonly contentType: string;
	user: string;
	status: number;
};

export type ApiServer = {
	readonly url: string;
	readonly port: number;
	readonly caPem: string;
	/** The token of the first (or only) user. */
	readonly token: string;
	readonly requests: RequestLog[];
	readonly store: ObjectStore;
	kubeconfigYaml(options?: Partial<Omit<KubeconfigOptions, 'server' | 'caPem'>>): string;
	writeKubeconfig(path: string, options?: Partial<Omit<KubeconfigOptions, 'server' | 'caPem'>>): Promise<void>;
	/** A client certificate signed by the cluster CA; its CN authenticates as the user. */
	issueClientCert(options: ClientCertOptions): Promise<KeyPairPem>;
	close(): Promise<void>;
};

const defaultVersion = 'v1.30.9';
/** The demo's Pod Security Admission, judging `latest` as this server's version. */
export const podSecurityAdmission = podSecurityAdmissionFor(defaultVersion);
const anonymousPaths = /^\/(version|healthz|livez|readyz)(\/|$)/;
const maxBody = 3 * 1024 * 1024;

const healthChecks = [
	'ping', 'log', 'etcd', 'etcd-readiness', 'kms-providers', 'informer-sync',
	'poststarthook/start-apiserver-admission-initializer', 'poststarthook/generic-apiserver-start-informers',
	'poststarthook/start-apiextensions-informers', 'poststarthook/start-apiextensions-controllers',
	'poststarthook/crd-informer-synced', 'poststarthook/rbac/bootstrap-roles',
	'poststarthook/scheduling/bootstrap-system-priority-classes', 'poststarthook/apiservice-registration-controller',
	'shutdown',
];
const defaultReadyz = `${healthChecks.map((c) => `[+]${c} ok`).join('\n')}\nreadyz check passed\n`;
const defaultLivez = `${healthChecks.filter((c) => c !== 'informer-sync' && c !== 'shutdown' && c !== 'etcd-readiness').map((c) => `[+]${c} ok`).join('\n')}\nlivez check passed\n`;

/** An HTTPS Kubernetes API server on 127.0.0.1, serving an in-memory cluster to real clients. */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
	const pki = await createDemoPki();
	const store = new ObjectStore(options.objects ?? []);
	const tokens = new Map(Object.entries(options.tokens ?? {[randomBytes(24).toString('base64url')]: 'demo-admin'}));
	const defaultToken = [...tokens.keys()][0] ?? '';
	const requests: RequestLog[] = [];
	const catalog = new Catalog(store);
	const hook: WriteHook = options.onWrite === null ? () => undefined : (options.onWrite ?? podSecurityAdmissionFor(options.version ?? defaultVersion));
	const context: HandlerContext = {
		store,
		hook,
		simulateControllers: options.simulateControllers ?? true,
		authorize: (user, verb, resource, namespace, name) => {
			const denied = (options.forbidden ?? []).some((rule) => ruleMatches(rule, user, verb, resource, namespace));
			return denied ? errors.forbidden(user.name, verb, resource, namespace, name) : undefined;
		},
	};
	const gitVersion = options.version ?? defaultVersion;
	let address = '127.0.0.1:0';

	const authenticate = (request: IncomingMessage): User | ApiError => {
		const socket = request.socket as TLSSocket;
		const certificate = socket.getPeerCertificate?.();
		const hasCertificate = certificate !== undefined && Object.keys(certificate).length > 0;
		if (hasCertificate && socket.authorized) {
			const organizations = certificate.subject.O;
			const groups = Array.isArray(organizations) ? organizations : organizations ? [organizations] : [];
			return {name: String(certificate.subject.CN), groups: [...groups, 'system:authenticated']};
		}
		const header = request.headers.authorization ?? '';
		if (header !== '') {
			const match = /^Bearer\s+(\S+)$/i.exec(header);
			const user = match ? tokens.get(match[1]!) : undefined;
			return user === undefined ? errors.unauthorized() : {name: user, groups: ['system:authenticated']};
		}
		if (hasCertificate) return errors.unauthorized();
		return {name: 'system:anonymous', groups: ['system:unauthenticated']};
	};

	const serve = async (request: IncomingMessage, log: RequestLog): Promise<Reply> => {
		const url = new URL(request.url ?? '/', 'https://localhost');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		const user = authenticate(request);
		if (user instanceof ApiError) throw user;
		if (user.name === 'system:anonymous' && !anonymousPaths.test(path)) throw errors.unauthorized();
		log.user = user.name;
		const method = request.method ?? 'GET';

		const health = healthReply(path, url.searchParams, {readyz: options.readyz ?? defaultReadyz, livez: options.livez ?? defaultLivez});
		if (health) return health;
		if (path === '/version') return {status: 200, body: versionInfo(gitVersion)};
		if (path === '/api') return {status: 200, body: {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: address}]}};
		if (path === '/apis') return {status: 200, body: {kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups()}};

		const configz = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/configz$/.exec(path);
		if (configz) {
			const node = decodeURIComponent(configz[1]!);
			const denial = context.authorize(user, 'get', nodeProxy, undefined, node);
			if (denial) throw denial;
			if (!store.get('v1', 'Node', undefined, node)) throw errors.notFound({group: '', plural: 'nodes'}, node);
			const config = options.configz?.(node);
			if (!config) throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: the kubelet of ${node} does not answer`);
			return {status: 200, body: {kubeletconfig: config}};
		}

		const segments = path.split('/').slice(1).map(decodeURIComponent);
		let rest: string[];
		let group: string;
		let version: string;
		if (segments[0] === 'api' && segments.length >= 2) {
			[group, version, rest] = ['', segments[1]!, segments.slice(2)];
		} else if (segments[0] === 'apis' && segments.length >= 2) {
			if (segments.length === 2) {
				const apiGroup = catalog.groups().find((g) => g.name === segments[1]);
				if (!apiGroup) throw errors.pathNotFound();
				return {status: 200, body: {kind: 'APIGroup', apiVersion: 'v1', ...apiGroup}};
			}
			[group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
		} else {
			throw errors.pathNotFound();
		}
		if (rest.length === 0) {
			const list = catalog.resourceList(group, version);
			if (!list) throw errors.pathNotFound();
			return {status: 200, body: list};
		}
		const target = resolveTarget(catalog, group, version, rest);
		if (!target) throw errors.pathNotFound();
		let cached: string | undefined;
		return handleResource(
			{
				method,
				target,
				query: url.searchParams,
				accept: request.headers.accept ?? '',
				contentType: request.headers['content-type'] ?? '',
				readBody: async () => (cached ??= await readBody(request)),
				user,
			},
			context,
		);
	};

	const server = createServer(
		{
			key: pki.server.keyPem,
			cert: pki.server.certPem,
			ca: [pki.ca.certPem],
			requestCert: options.clientCa ?? true,
			rejectUnauthorized: false,
			minVersion: 'TLSv1.2',
		},
		(request, response) => {
			const url = new URL(request.url ?? '/', 'https://localhost');
			const log: RequestLog = {
				method: request.method ?? 'GET',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				accept: request.headers.accept ?? '',
				contentType: request.headers['content-type'] ?? '',
				user: '',
				status: 0,
			};
			requests.push(log);
			serve(request, log)
				.catch(errorReply)
				.then((reply) => {
					send(response, reply);
					log.status = response.statusCode;
				})
				.catch(() => response.destroy());
		},
	);
	if (options.nodeExec) {
		const execNodes = options.execNodes ?? (() => true);
		runPinnedPods(store, execNodes);
		server.on('upgrade', execUpgradeHandler({store, nodeExec: options.nodeExec, authenticate, authorize: context.authorize}));
	}
	const sockets = new Set<Socket>();
	server.on('secureConnection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as {port: number}).port;
	address = `127.0.0.1:${port}`;
	const url = `https://127.0.0.1:${port}`;
	const configFor = (extra: Partial<Omit<KubeconfigOptions, 'server' | 'caPem'>> = {}): KubeconfigOptions => ({
		server: url,
		caPem: pki.ca.certPem,
		...(extra.clientCert ? {} : {token: defaultToken}),
		...extra,
	});

	return {
		url,
		port,
		caPem: pki.ca.certPem,
		token: defaultToken,
		requests,
		store,
		kubeconfigYaml: (extra) => kubeconfigYaml(configFor(extra)),
		writeKubeconfig: (path, extra) => writeKubeconfig(path, configFor(extra)),
		issueClientCert: (certOptions) => pki.issueClientCert(certOptions),
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				// Watches and keep-alive connections would otherwise hold close() open.
				for (const socket of sockets) socket.destroy();
			}),
	};
}

/** Built-in resources plus those of the CRDs in the store, rebuilt when a CRD changes. */
class Catalog {
	#resources: readonly ApiResource[] | undefined;
	readonly #store: ObjectStore;
	static readonly crdBucket = bucketName('apiextensions.k8s.io', 'CustomResourceDefinition');

	constructor(store: ObjectStore) {
		this.#store = store;
		store.subscribe((event) => {
			if (event.bucket === Catalog.crdBucket) this.#resources = undefined;
		});
	}

	resources(): readonly ApiResource[] {
		return (this.#resources ??= resourcesFor(this.#store.all('CustomResourceDefinition')));
	}

	find(group: string, version: string, plural: string): ApiResource | undefined {
		return this.resources().find((r) => r.group === group && r.version === version && r.plural === plural);
	}

	groups(): Array<{name: string; versions: Array<{groupVersion: string; version: string}>; preferredVersion: {groupVersion: string; version: string}}> {
		const byGroup = new Map<string, string[]>();
		for (const r of this.resources()) {
			if (r.group === '') continue;
			const versions = byGroup.get(r.group) ?? [];
			if (!versions.includes(r.version)) versions.push(r.version);
			byGroup.set(r.group, versions);
		}
		return [...byGroup].map(([name, versions]) => {
			const entries = versions.map((version) => ({groupVersion: `${name}/${version}`, version}));
			return {name, versions: entries, preferredVersion: entries[0]!};
		});
	}

	resourceList(group: string, version: string): Record<string, unknown> | undefined {
		const resources = this.resources().filter((r) => r.group === group && r.version === version);
		if (resources.length === 0) return undefined;
		const entries: Array<Record<string, unknown>> = [];
		for (const r of resources) {
			entries.push({
				name: r.plural,
				singularName: r.singular,
				namespaced: r.namespaced,
				kind: r.kind,
				verbs: r.verbs,
				...(r.shortNames ? {shortNames: r.shortNames} : {}),
				...(r.categories ? {categories: r.categories} : {}),
			});
			if (hasStatus.has(r.plural) || r.isCustom) entries.push({name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update']});
			if (hasScale.has(r.plural)) entries.push({name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update']});
		}
		return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionOf({group, version}), resources: entries};
	}
}

const nodeProxy: ApiResource = {group: '', version: 'v1', plural: 'nodes/proxy', singular: '', kind: 'Node', namespaced: false, verbs: ['get']};

const hasStatus = new Set(['pods', 'nodes', 'namespaces', 'services', 'replicationcontrollers', 'resourcequotas', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'certificatesigningrequests', 'customresourcedefinitions', 'validatingadmissionpolicies']);
const hasScale = new Set(['deployments', 'statefulsets', 'replicasets', 'replicationcontrollers']);

function resolveTarget(catalog: Catalog, group: string, version: string, rest: readonly string[]): Target | undefined {
	let namespace: string | undefined;
	let path = rest;
	if (rest[0] === 'namespaces' && rest.length >= 3 && catalog.find(group, version, rest[2]!)?.namespaced) {
		namespace = rest[1];
		path = rest.slice(2);
	}
	const resource = catalog.find(group, version, path[0]!);
	if (!resource || path.length > 3) return undefined;
	if (resource.namespaced && namespace === undefined && path.length > 1) return undefined;
	return {
		resource,
		...(namespace !== undefined ? {namespace} : {}),
		...(path[1] !== undefined ? {name: path[1]} : {}),
		...(path[2] !== undefined ? {subresource: path[2]} : {}),
	};
}

function ruleMatches(rule: ForbiddenRule, user: User, verb: string, resource: ApiResource, namespace: string | undefined): boolean {
	if (rule.user !== undefined && rule.user !== user.name) return false;
	if (rule.group !== undefined && !user.groups.includes(rule.group)) return false;
	if (rule.namespace !== undefined && rule.namespace !== namespace) return false;
	const names = ['*', resource.plural, resource.group ? `${resource.plural}.${resource.group}` : resource.plural];
	if (!names.includes(rule.resource)) return false;
	const verbs = rule.verb === undefined ? undefined : typeof rule.verb === 'string' ? [rule.verb] : rule.verb;
	return verbs === undefined || verbs.includes(verb) || verbs.includes('*');
}

function healthReply(path: string, query: URLSearchParams, texts: {readyz: string; livez: string}): Reply | undefined {
	const match = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
	if (!match) return undefined;
	const text = match[1] === 'readyz' ? texts.readyz : match[1] === 'livez' ? texts.livez : texts.livez.replace(/livez/g, 'healthz');
	const check = match[2];
	if (check !== undefined) {
		if (text.includes(`[+]${check} ok`)) return {status: 200, body: 'ok'};
		if (text.includes(`[-]${check} `)) return {status: 500, body: `[-]${check} failed: reason withheld\n${match[1]} check failed\n`};
		return {status: 404, body: '404 page not found\n'};
	}
	const isFailing = text.includes('[-]');
	if (query.has('verbose') || isFailing) return {status: isFailing ? 500 : 200, body: text};
	return {status: 200, body: 'ok'};
}

function versionInfo(gitVersion: string): Record<string, string> {
	const [, major = '1', minor = '30'] = /^v?(\d+)\.(\d+)/.exec(gitVersion) ?? [];
	return {
		major,
		minor,
		gitVersion,
		gitCommit: 'b6e8ef6e0b4e6f8a4b0b4c1c6c1f6d4d7e2a2c3f',
		gitTreeState: 'clean',
		buildDate: '2025-01-15T14:31:55Z',
		goVersion: 'go1.22.10',
		compiler: 'gc',
		platform: 'linux/amd64',
	};
}

function send(response: ServerResponse, reply: Reply): void {
	if ('watch' in reply) {
		reply.watch(response);
		return;
	}
	if (reply.warnings && reply.warnings.length > 0) {
		response.setHeader('Warning', reply.warnings.map((w) => `299 - "${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
	}
	if (typeof reply.body === 'string') {
		response.writeHead(reply.status, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'});
		response.end(reply.body);
		return;
	}
	const payload = JSON.stringify(reply.body);
	response.writeHead(reply.status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload)});
	response.end(payload);
}

function errorReply(error: unknown): Reply {
	if (error instanceof ApiError) return {status: error.code, body: error.toStatus()};
	const message = error instanceof Error ? error.message : String(error);
	return {status: 500, body: new ApiError(500, 'InternalError', `Internal error occurred: ${message}`).toStatus()};
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBody) {
				reject(new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'));
				request.destroy();
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}
