// The writes a fix makes, through @kubernetes/client-node's request pipeline (kube-request.ts),
// with the same per-request deadline as the audit's reads. Requests are sent one level below the
// typed calls because those drop the response headers, and the `Warning` headers are the point of a
// dry-run: Pod Security Admission names there the pods a label would reject, deprecations show
// up there too. The client's ResponseContext carries them.
import {HttpMethod, type Configuration, type KubeConfig} from '@kubernetes/client-node';
import {KubeRejection} from '../model/errors.js';
import type {KubeObject} from '../model/kube.js';
import {resourceByKind} from '../model/resources.js';
import type {ObjectRef, PatchType} from '../fix/model.js';
import type {ClusterWriter, DryRun, PodMetrics, WriteResult} from './interfaces.js';
import {boundedConfiguration, connectionError, defaultApiTimeoutMs} from './kubernetes.js';
import {boundExecPlugins} from './exec-credential.js';
import {kubeRequest} from './kube-request.js';

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

/**
 * The `Warning` header's texts. Each is `299 - "text"`; the client's fetch layer joins repeated
 * headers with ", ", which the quoted texts keep unambiguous. kubectl prints the same text.
 */
export function parseWarnings(header: string | undefined): string[] {
	if (!header) return [];
	const texts = [...header.matchAll(/\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
	return texts.length ? texts : [header.trim()];
}

type Answer = {readonly status: number; readonly body: string; readonly warnings: string[]};

type Query = Readonly<Record<string, string | undefined>>;

export class KubernetesWriter implements ClusterWriter {
	readonly context: string;
	readonly server: string;
	readonly #config: KubeConfig;
	readonly #configuration: Configuration;
	readonly #timeoutMs: number;

	/** `timeoutMs` (--timeout) bounds every request, as it does the audit's. */
	constructor(config: KubeConfig, options: {readonly timeoutMs?: number} = {}) {
		this.#config = config;
		this.#timeoutMs = options.timeoutMs ?? defaultApiTimeoutMs;
		this.context = config.getCurrentContext();
		this.server = config.getCurrentCluster()!.server;
		boundExecPlugins(config, this.#timeoutMs);
		this.#configuration = boundedConfiguration(config, this.#timeoutMs);
	}

	async get(ref: ObjectRef): Promise<KubeObject | undefined> {
		const answer = await this.#send(HttpMethod.GET, pathOf(ref));
		if (answer.status === 404) return undefined;
		return withKind(objectOf(answer), ref);
	}

	async patch(ref: ObjectRef, type: PatchType, body: unknown, options: DryRun): Promise<WriteResult> {
		const answer = await this.#send(HttpMethod.PATCH, pathOf(ref), writeQuery(options), JSON.stringify(body), contentTypes[type]);
		return {object: withKind(objectOf(answer), ref), warnings: answer.warnings};
	}

	async create(object: KubeObject, options: DryRun): Promise<WriteResult> {
		const ref = {apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace};
		const answer = await this.#send(HttpMethod.POST, pathOf(ref), writeQuery(options), JSON.stringify(object));
		return {object: withKind(objectOf(answer), ref), warnings: answer.warnings};
	}

	async delete(ref: ObjectRef, options: DryRun): Promise<{readonly warnings: readonly string[]}> {
		const answer = await this.#send(HttpMethod.DELETE, pathOf(ref), {dryRun: options.dryRun ? 'All' : undefined});
		if (answer.status !== 404) objectOf(answer);
		return {warnings: answer.warnings};
	}

	async list(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'>, options: {readonly fieldSelector?: string; readonly labelSelector?: string} = {}): Promise<readonly KubeObject[]> {
		const known = resourceByKind.get(ref.kind) ?? extraKinds[ref.kind];
		// Without a namespace the list spans them all: /api/v1/pods, not /api/v1/namespaces/default/pods.
		const path = ref.namespace === undefined && known?.namespaced ? pathOf({...ref, namespace: '__all__'}).replace('/namespaces/__all__', '') : pathOf(ref);
		const answer = await this.#send(HttpMethod.GET, path, {fieldSelector: options.fieldSelector || undefined, labelSelector: options.labelSelector || undefined});
		const body = objectOf(answer) as unknown as {items?: KubeObject[]};
		return (body.items ?? []).map((item) => withKind(item, ref));
	}

	async evict(namespace: string, name: string): Promise<{readonly evicted: true} | {readonly blocked: string}> {
		const eviction = {apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name, namespace}};
		const answer = await this.#send(HttpMethod.POST, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`, {}, JSON.stringify(eviction));
		if (answer.status === 429) return {blocked: (parse(answer.body) as {message?: string} | undefined)?.message ?? 'too many requests'};
		// Gone already is as good as evicted.
		if (answer.status === 404) return {evicted: true};
		objectOf(answer);
		return {evicted: true};
	}

	async podMetrics(namespace: string): Promise<readonly PodMetrics[] | undefined> {
		const answer = await this.#send(HttpMethod.GET, `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`);
		if (answer.status === 404 || answer.status === 403 || answer.status === 503) return undefined;
		return (objectOf(answer) as unknown as {items?: PodMetrics[]}).items ?? [];
	}

	async #send(method: HttpMethod, path: string, query: Query = {}, body?: string, contentType = 'application/json'): Promise<Answer> {
		try {
			const answer = await kubeRequest(this.#config, this.#configuration, {method, path, query, ...(body !== undefined ? {body, contentType} : {})});
			return {status: answer.status, body: answer.body, warnings: parseWarnings(answer.headers['warning'])};
		} catch (error) {
			// Unreachable, timed out, TLS or credentials: the same one line as the audit gives.
			throw connectionError(this.server, error, this.#timeoutMs);
		}
	}
}

function writeQuery(options: DryRun): Query {
	return {fieldManager: 'aks-harden', dryRun: options.dryRun ? 'All' : undefined};
}

function parse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The object answered, or the API server's refusal (its reason and message) as a KubeRejection. */
function objectOf(answer: Answer): KubeObject {
	const body = parse(answer.body);
	if (answer.status >= 400) {
		const status = (body ?? {}) as {reason?: string; message?: string};
		throw new KubeRejection(answer.status, status.reason ?? `HTTP ${answer.status}`, status.message ?? answer.body.slice(0, 300), answer.warnings);
	}
	return body as KubeObject;
}

/** Some servers omit apiVersion/kind on single objects; the ref knows them. */
function withKind(object: KubeObject, ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): KubeObject {
	return {...object, apiVersion: object.apiVersion ?? ref.apiVersion, kind: object.kind ?? ref.kind};
}
