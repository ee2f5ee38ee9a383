import type {RequestOptions} from 'node:https';
import {connect as tlsConnect} from 'node:tls';
import {ApiException, HttpMethod, KubernetesObjectApi, ServerConfiguration, createConfiguration, type Configuration, type KubeConfig, type RequestContext, type ResponseContext} from '@kubernetes/client-node';
import {ConnectionError, UsageError} from '../model/errors.js';
import type {KubeObject} from '../model/kube.js';
import {apiGroupOf, type ClusterFactName, type ResourceType} from '../model/resources.js';
import type {ExtraResult, ListResult} from '../engine/facts.js';
import type {ClusterSource} from '../engine/source.js';
import {getCredentials} from './kubeconfig.js';
import {boundExecPlugins} from './exec-credential.js';
import {kubeRequest} from './kube-request.js';
import {boundedHttpLibrary, maxResponseBytes} from './bounded-http.js';
import {maxJsonDepth, nestedDeeperThan} from './input-file.js';

/** Default bound of each request to the API server, connection and whole answer included. */
export const defaultApiTimeoutMs = 60_000;

/** Page size: large enough to keep round trips few, small enough to keep the API server's memory flat. */
const pageSize = 500;

/**
 * Objects of one kind, at most. An AKS hybrid cluster's largest list (pods, ReplicaSets) is tens
 * of thousands; a server that hands out `continue` tokens without end is not listing a cluster.
 */
export const maxListedObjects = 100_000;

type Cause = {code?: string; message?: string};

function causeOf(error: unknown): Cause {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const code = (current as {code?: unknown}).code;
		if (typeof code === 'string') return {code, message: (current as Error).message};
		// An aborted fetch: our own deadline (TimeoutError) ran out.
		const name = (current as {name?: unknown}).name;
		if (name === 'TimeoutError' || name === 'AbortError') return {code: 'ETIMEDOUT', message: (current as Error).message};
		current = (current as {cause?: unknown}).cause;
	}
	return {message: error instanceof Error ? error.message : String(error)};
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|DEPTH_ZERO|ERR_TLS|ERR_SSL/;

/** Turn a transport failure into the one-line reason and next step an operator can act on. */
export function connectionError(server: string, error: unknown, timeoutMs = defaultApiTimeoutMs): ConnectionError {
	// Already one line with a next step (an exec credential plugin that failed or hung).
	if (error instanceof UsageError || error instanceof ConnectionError) return new ConnectionError(error.message.replace(/^Failed to fetch resource metadata for [^:]+: /, ''), error.nextStep);
	if (error instanceof ApiException && error.code === 401) {
		return new ConnectionError(`the API server at ${server} rejected the credentials (401 Unauthorized)`, `the token or certificate expired or is wrong: ${getCredentials}`);
	}
	const cause = causeOf(error);
	if (cause.code === 'ETIMEDOUT' || cause.code === 'UND_ERR_HEADERS_TIMEOUT' || cause.code === 'UND_ERR_BODY_TIMEOUT') {
		return new ConnectionError(`the API server at ${server} did not answer within ${Math.round(timeoutMs / 1000)} s`, 'check the cluster\'s health and the network path to it (`kubectl get --raw /readyz`), or raise --timeout');
	}
	if (cause.code === 'ERESPONSETOOLARGE') {
		return new ConnectionError(`the API server at ${server} sent an answer over ${maxResponseBytes / (1024 * 1024)} MB to one request; no Kubernetes answer is that large`, 'check that the kubeconfig\'s server is the cluster\'s API server (`kubectl cluster-info`)');
	}
	if (cause.code && tlsCodes.test(cause.code)) {
		return new ConnectionError(`TLS verification of ${server} failed: ${cause.code}`, 'the kubeconfig\'s certificate-authority does not match the API server; fetch a fresh kubeconfig');
	}
	if (cause.code === 'ECONNREFUSED' || cause.code === 'ENOTFOUND' || cause.code === 'EHOSTUNREACH' || cause.code === 'UND_ERR_CONNECT_TIMEOUT' || cause.code === 'ECONNRESET') {
		return new ConnectionError(`cannot reach the API server at ${server}: ${cause.code}`, 'check the network path to the control plane (VPN, firewall, the cluster\'s API VIP) and that the cluster is running; try `kubectl cluster-info`');
	}
	if (error instanceof ApiException) {
		return new ConnectionError(`the API server at ${server} answered ${error.code}: ${statusMessage(error)}`, 'check the cluster\'s health with `kubectl get --raw /readyz?verbose`');
	}
	return new ConnectionError(`cannot talk to the API server at ${server}: ${cause.code ?? cause.message ?? 'unknown error'}`, 'check the kubeconfig and the network path to the cluster');
}

function statusMessage(error: ApiException<unknown>): string {
	const body = error.body as {message?: string} | string | undefined;
	if (typeof body === 'string') {
		try {
			return (JSON.parse(body) as {message?: string}).message ?? body.slice(0, 200);
		} catch {
			return body.slice(0, 200);
		}
	}
	return body?.message ?? 'no message';
}

function forbiddenReason(resource: ResourceType): string {
	const group = apiGroupOf(resource);
	const qualified = group ? `${resource.plural}.${group}` : resource.plural;
	return `forbidden: cannot list ${qualified} (needs RBAC "list" on ${resource.plural} in API group "${group}" at the cluster scope)`;
}

/** The live cluster through @kubernetes/client-node: lists paginated with limit/continue. */
export class KubernetesSource implements ClusterSource {
	readonly kind: 'cluster' | 'demo';
	readonly context: string;
	readonly server: string;
	readonly #config: KubeConfig;
	readonly #configuration: Configuration;
	readonly #objects: KubernetesObjectApi;
	readonly #timeoutMs: number;

	/** `timeoutMs` (--timeout) bounds every request and every exec credential plugin run. */
	constructor(config: KubeConfig, kind: 'cluster' | 'demo' = 'cluster', options: {readonly timeoutMs?: number} = {}) {
		this.kind = kind;
		this.#config = config;
		this.#timeoutMs = options.timeoutMs ?? defaultApiTimeoutMs;
		this.context = config.getCurrentContext();
		this.server = config.getCurrentCluster()!.server;
		boundExecPlugins(config, this.#timeoutMs);
		this.#configuration = boundedConfiguration(config, this.#timeoutMs);
		this.#objects = objectApi(config, this.#configuration);
	}

	/**
	 * One authenticated request before anything else, so an unreachable server, a TLS mismatch or
	 * expired credentials stop the run with one clear line instead of a column of errors.
	 */
	async preflight(): Promise<void> {
		try {
			await this.#objects.list('v1', 'Namespace', undefined, undefined, undefined, undefined, undefined, undefined, 1);
		} catch (error) {
			if (error instanceof ApiException && error.code === 403) return;
			throw connectionError(this.server, error, this.#timeoutMs);
		}
	}

	async list(resource: ResourceType): Promise<ListResult> {
		const items: KubeObject[] = [];
		let token: string | undefined;
		try {
			do {
				const page = await this.#objects.list(resource.apiVersion, resource.kind, undefined, undefined, undefined, undefined, undefined, undefined, pageSize, token);
				// An object nested past any real one would overflow the stack of the code that walks it.
				if (page.items.some((item) => nestedDeeperThan(item))) {
					return {items: [], error: `listing ${resource.plural}: an object nests more than ${maxJsonDepth} levels deep, which no Kubernetes object does; none were judged`};
				}
				for (const item of page.items) {
					// Typed lists omit apiVersion/kind on items; restore them so targets name their kind.
					items.push({...(item as object), apiVersion: resource.apiVersion, kind: resource.kind} as KubeObject);
				}
				token = page.metadata?._continue || undefined;
				if (token && items.length >= maxListedObjects) {
					return {items: [], error: `listing ${resource.plural} stopped after ${maxListedObjects.toLocaleString('en-US')} objects with more to come: no cluster this tool audits holds that many, so none were judged`};
				}
			} while (token);
		} catch (error) {
			if (error instanceof ApiException && error.code === 403) return {items: [], error: forbiddenReason(resource)};
			if (error instanceof ApiException && error.code === 404) return {items: []};
			if (error instanceof Error && error.message.startsWith('Unrecognized API version and kind')) return {items: []};
			if (error instanceof ApiException && error.code === 410) return {items: [], error: `listing ${resource.plural} expired mid-way (410 Gone); re-run the audit`};
			throw connectionError(this.server, error, this.#timeoutMs);
		}
		return {items};
	}

	async fact(name: ClusterFactName): Promise<ExtraResult> {
		try {
			if (name === 'readyz') return {value: await this.#get('/readyz?verbose')};
			if (name === 'server-version') return {value: JSON.parse(await this.#get('/version')) as unknown};
			return {value: await this.#serverCertificate()};
		} catch (error) {
			return {error: `${name}: ${causeOf(error).code ?? causeOf(error).message}`};
		}
	}

	async #get(path: string): Promise<string> {
		const answer = await kubeRequest(this.#config, this.#configuration, {method: HttpMethod.GET, path, accept: 'text/plain'});
		// /readyz answers 500 with the same verbose text when a check fails: that is the fact.
		if (answer.status === 401 || answer.status === 403) throw Object.assign(new Error(`HTTP ${answer.status}`), {code: `HTTP_${answer.status}`});
		return answer.body;
	}

	/**
	 * The API server's serving certificate, as the TLS handshake presents it. Read without
	 * rejecting it (nothing is sent over this socket), so an expired or untrusted certificate is
	 * a finding with its dates rather than a failed handshake.
	 */
	async #serverCertificate(): Promise<Record<string, unknown>> {
		const url = new URL(this.server);
		const options: RequestOptions = {};
		await this.#config.applyToHTTPSOptions(options);
		return await new Promise((resolve, reject) => {
			const socket = tlsConnect(
				{host: url.hostname, port: Number(url.port || 443), servername: isIp(url.hostname) ? undefined : url.hostname, ca: options.ca, rejectUnauthorized: false},
				() => {
					const cert = socket.getPeerCertificate();
					socket.end();
					const notAfter = new Date(cert.valid_to);
					resolve({
						subject: cert.subject?.CN ?? '',
						issuer: cert.issuer?.CN ?? '',
						notBefore: new Date(cert.valid_from).toISOString(),
						notAfter: notAfter.toISOString(),
						daysLeft: Math.floor((notAfter.getTime() - Date.now()) / 86_400_000),
						hoursLeft: Math.floor((notAfter.getTime() - Date.now()) / 3_600_000),
						trusted: socket.authorized,
						...(socket.authorizationError ? {trustError: String(socket.authorizationError)} : {}),
					});
				},
			);
			socket.on('error', reject);
			socket.setTimeout(this.#timeoutMs, () => socket.destroy(Object.assign(new Error('timeout'), {code: 'ETIMEDOUT'})));
		});
	}
}

/**
 * The client's configuration with a deadline on every request: the client's HTTP layer waits
 * five minutes for headers and as long again for the body, so a server that accepts TLS and never
 * answers would hold the run that long. The signal aborts the connection, the wait and the body
 * read alike. Reads (the audit) and writes (fixes, undo) share it.
 */
export function boundedConfiguration(config: KubeConfig, timeoutMs: number): Configuration {
	return createConfiguration({
		baseServer: new ServerConfiguration(config.getCurrentCluster()!.server, {}),
		authMethods: {default: config},
		httpApi: boundedHttpLibrary(),
		promiseMiddleware: [
			{
				pre: async (context: RequestContext) => {
					// The reason is a plain Error with a code: the client rewrites the message of what
					// it catches, which a DOMException would not allow.
					const controller = new AbortController();
					setTimeout(() => controller.abort(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), {code: 'ETIMEDOUT'})), timeoutMs).unref();
					context.setSignal(controller.signal);
					return context;
				},
				post: async (response: ResponseContext) => response,
			},
		],
	});
}

function objectApi(config: KubeConfig, configuration: Configuration): KubernetesObjectApi {
	const api = new KubernetesObjectApi(configuration);
	// As makeApiClient does (protected in the typings); lists are cluster-wide either way.
	(api as unknown as {setDefaultNamespace(kc: KubeConfig): void}).setDefaultNamespace(config);
	return api;
}

/** A GET of a raw API path (the node proxy's configz) through the client's pipeline; an HTTP error rejects with code HTTP_<status>. */
export async function rawGet(config: KubeConfig, path: string, timeoutMs: number, accept = 'application/json'): Promise<string> {
	const answer = await kubeRequest(config, boundedConfiguration(config, timeoutMs), {method: HttpMethod.GET, path, accept});
	if (answer.status >= 400) throw Object.assign(new Error(`HTTP ${answer.status}`), {code: `HTTP_${answer.status}`});
	return answer.body;
}

function isIp(host: string): boolean {
	return /^[\d.]+$/.test(host) || host.includes(':');
}
