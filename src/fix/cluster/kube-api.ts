import {request} from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node';
import type {KubeObject} from '../../model/kube.js';
import {resourceByKind} from '../../model/resources.js';
import type {ObjectRef, PatchType} from '../model.js';

/**
 * The writes a fix makes, over plain HTTPS with the kubeconfig's TLS and credentials (the way
 * transports/kubernetes.ts reads /readyz). client-node's typed calls drop response headers, and
 * the `Warning` headers are the point of a dry-run: Pod Security Admission names the pods a
 * label would reject there, and deprecations show up there too.
 */
export type WriteResult = {readonly object: KubeObject; readonly warnings: readonly string[]};

export interface KubeFixApi {
	readonly context: string;
	readonly server: string;
	get(ref: ObjectRef): Promise<KubeObject | undefined>;
	patch(ref: ObjectRef, type: PatchType, body: unknown, options: {readonly dryRun: boolean}): Promise<WriteResult>;
	create(object: KubeObject, options: {readonly dryRun: boolean}): Promise<WriteResult>;
	delete(ref: ObjectRef, options: {readonly dryRun: boolean}): Promise<{readonly warnings: readonly string[]}>;
	/** Objects of a kind, across namespaces unless one is given; field and label selectors as the API takes them. */
	list(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'>, options?: {readonly fieldSelector?: string; readonly labelSelector?: string}): Promise<readonly KubeObject[]>;
	/**
	 * The Eviction API (policy/v1): the server deletes the pod only when no PodDisruptionBudget
	 * forbids it; `blocked` carries its 429 message otherwise.
	 */
	evict(namespace: string, name: string): Promise<{readonly evicted: true} | {readonly blocked: string}>;
	/** metrics.k8s.io pod usage in a namespace; undefined when metrics-server is not installed. */
	podMetrics(namespace: string): Promise<readonly PodMetrics[] | undefined>;
}

export type PodMetrics = {
	readonly metadata: {readonly name: string; readonly labels?: Readonly<Record<string, string>>};
	readonly containers: ReadonlyArray<{readonly name: string; readonly usage: Readonly<Record<string, string>>}>;
};

/** The API server said no: its reason, as it said it, and any warnings it sent along. */
export class KubeRejection extends Error {
	override readonly name = 'KubeRejection';
	constructor(
		readonly status: number,
		readonly reason: string,
		message: string,
		readonly warnings: readonly string[] = [],
	) {
		super(message);
	}
}

const contentTypes: Readonly<Record<PatchType, string>> = {
	strategic: 'application/strategic-merge-patch+json',
	merge: 'application/merge-patch+json',
	json: 'application/json-patch+json',
};

/** Kinds a fix writes that the audit never lists. */
const extraKinds: Readonly<Record<string, {plural: string; namespaced: boolean}>> = {
	ValidatingAdmissionPolicyBinding: {plural: 'validatingadmissionpolicybindings', namespaced: false},
	// Read by the node-safe rollout's preflight: which budgets hold the pods a drain evicts.
	PodDisruptionBudget: {plural: 'poddisruptionbudgets', namespaced: true},
};

export function pathOf(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'> & {name?: string}): string {
	const known = resourceByKind.get(ref.kind);
	const resource = known ? {plural: known.plural, namespaced: known.namespaced} : extraKinds[ref.kind];
	if (!resource) throw new KubeRejection(0, 'UnknownKind', `aks-harden does not know where ${ref.kind} (${ref.apiVersion}) lives`);
	const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
	const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : '';
	return `${base}${namespace}/${resource.plural}${ref.name !== undefined ? `/${encodeURIComponent(ref.name)}` : ''}`;
}

type Response = {status: number; body: string; warnings: string[]};

/** `299 - "text"` → text; kubectl prints the same text after "Warning: ". */
export function parseWarning(header: string): string {
	const match = /^\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(header.trim());
	return match ? match[1]!.replace(/\\(.)/g, '$1') : header.trim();
}

export class KubeHttpApi implements KubeFixApi {
	readonly context: string;
	readonly server: string;
	readonly #config: KubeConfig;

	constructor(config: KubeConfig) {
		this.#config = config;
		this.context = config.getCurrentContext();
		this.server = config.getCurrentCluster()!.server;
	}

	async get(ref: ObjectRef): Promise<KubeObject | undefined> {
		const response = await this.#send('GET', pathOf(ref));
		if (response.status === 404) return undefined;
		return withKind(this.#object(response), ref);
	}

	async patch(ref: ObjectRef, type: PatchType, body: unknown, options: {readonly dryRun: boolean}): Promise<WriteResult> {
		const response = await this.#send('PATCH', `${pathOf(ref)}${query(options.dryRun)}`, JSON.stringify(body), contentTypes[type]);
		return {object: withKind(this.#object(response), ref), warnings: response.warnings};
	}

	async create(object: KubeObject, options: {readonly dryRun: boolean}): Promise<WriteResult> {
		const ref = {apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace};
		const response = await this.#send('POST', `${pathOf(ref)}${query(options.dryRun)}`, JSON.stringify(object), 'application/json');
		return {object: withKind(this.#object(response), ref), warnings: response.warnings};
	}

	async delete(ref: ObjectRef, options: {readonly dryRun: boolean}): Promise<{readonly warnings: readonly string[]}> {
		const response = await this.#send('DELETE', `${pathOf(ref)}${options.dryRun ? '?dryRun=All' : ''}`);
		if (response.status === 404) return {warnings: response.warnings};
		this.#object(response);
		return {warnings: response.warnings};
	}

	async list(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'>, options: {readonly fieldSelector?: string; readonly labelSelector?: string} = {}): Promise<readonly KubeObject[]> {
		const known = resourceByKind.get(ref.kind) ?? extraKinds[ref.kind];
		// Without a namespace the list spans them all: /api/v1/pods, not /api/v1/namespaces/default/pods.
		const path = ref.namespace === undefined && known?.namespaced ? pathOf({...ref, namespace: '__all__'}).replace('/namespaces/__all__', '') : pathOf(ref);
		const query = new URLSearchParams();
		if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
		if (options.labelSelector) query.set('labelSelector', options.labelSelector);
		const response = await this.#send('GET', `${path}${query.size ? `?${query}` : ''}`);
		const body = this.#object(response) as unknown as {items?: KubeObject[]};
		return (body.items ?? []).map((item) => withKind(item, ref));
	}

	async evict(namespace: string, name: string): Promise<{readonly evicted: true} | {readonly blocked: string}> {
		const eviction = {apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name, namespace}};
		const response = await this.#send('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`, JSON.stringify(eviction));
		if (response.status === 429) {
			const status = JSON.parse(response.body || '{}') as {message?: string};
			return {blocked: status.message ?? 'too many requests'};
		}
		// Gone already is as good as evicted.
		if (response.status === 404) return {evicted: true};
		this.#object(response);
		return {evicted: true};
	}

	async podMetrics(namespace: string): Promise<readonly PodMetrics[] | undefined> {
		const response = await this.#send('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`);
		if (response.status === 404 || response.status === 403 || response.status === 503) return undefined;
		const body = this.#object(response) as unknown as {items?: PodMetrics[]};
		return body.items ?? [];
	}

	#object(response: Response): KubeObject {
		let body: unknown;
		try {
			body = JSON.parse(response.body);
		} catch {
			body = undefined;
		}
		if (response.status >= 400) {
			const status = (body ?? {}) as {reason?: string; message?: string};
			throw new KubeRejection(response.status, status.reason ?? `HTTP ${response.status}`, status.message ?? response.body.slice(0, 300), response.warnings);
		}
		return body as KubeObject;
	}

	async #send(method: string, path: string, body?: string, contentType?: string): Promise<Response> {
		const url = new URL(path, this.server);
		const headers: Record<string, string> = {Accept: 'application/json'};
		if (body !== undefined) {
			headers['Content-Type'] = contentType ?? 'application/json';
			headers['Content-Length'] = String(Buffer.byteLength(body));
		}
		const options: Parameters<typeof request>[1] = {method, headers};
		await this.#config.applyToHTTPSOptions(options);
		return await new Promise((resolve, reject) => {
			const req = request(url, options, (res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					// rawHeaders keeps each Warning header apart; the joined form is ambiguous.
					const warnings: string[] = [];
					for (let i = 0; i < res.rawHeaders.length; i += 2) {
						if (res.rawHeaders[i]!.toLowerCase() === 'warning') warnings.push(parseWarning(res.rawHeaders[i + 1]!));
					}
					resolve({status: res.statusCode ?? 0, body: text, warnings});
				});
			});
			req.on('error', reject);
			req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('timeout'), {code: 'ETIMEDOUT'})));
			req.end(body);
		});
	}
}

function query(dryRun: boolean): string {
	return `?fieldManager=aks-harden${dryRun ? '&dryRun=All' : ''}`;
}

/** Some servers omit apiVersion/kind on single objects; the ref knows them. */
function withKind(object: KubeObject, ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): KubeObject {
	return {...object, apiVersion: object.apiVersion ?? ref.apiVersion, kind: object.kind ?? ref.kind};
}
