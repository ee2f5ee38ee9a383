import {randomUUID} from 'node:crypto';
import type {ServerResponse} from 'node:http';
import {parse as parseYaml} from 'yaml';
import type {KubeObject} from '../model/kube.js';
import {bucketName, type MutableObject, type ObjectStore, type StoreEvent} from './object-store.js';
import {jsonPatch, mergePatch, PatchError, strategicMergePatch} from './patch.js';
import {groupVersionOf, type ApiResource} from './resource-table.js';
import {reconcile, replaceDeletedPod, settleWorkloadStatus} from './rollout.js';
import {combine, fieldSelector, labelSelector, SelectorError, type Matcher} from './selectors.js';
import {ApiError, errors} from './status.js';
import {toTable, type IncludeObject} from './table-view.js';
import type {WriteHook, WriteRequest} from './write-hook.js';
import {clone} from './clone.js';
import {evictPod} from './eviction.js';

export type User = {readonly name: string; readonly groups: readonly string[]};

/** A request that names a resource: `/api/v1/namespaces/shop/pods/web-1/status` and the like. */
export type Target = {
	readonly resource: ApiResource;
	readonly namespace?: string;
	readonly name?: string;
	readonly subresource?: string;
};

export type ResourceRequest = {
	readonly method: string;
	readonly target: Target;
	readonly query: URLSearchParams;
	readonly accept: string;
	readonly contentType: string;
	readonly readBody: () => Promise<string>;
	readonly user: User;
};

export type Reply =
	| {readonly status: number; readonly body: unknown; readonly warnings?: readonly string[]}
	| {readonly watch: (response: ServerResponse) => void};

export type HandlerContext = {
	readonly store: ObjectStore;
	readonly hook: WriteHook;
	readonly simulateControllers: boolean;
	/** Undefined when allowed, else the 403 to answer with. */
	readonly authorize: (user: User, verb: string, resource: ApiResource, namespace: string | undefined, name?: string) => ApiError | undefined;
};

const patchTypes = {
	merge: 'application/merge-patch+json',
	json: 'application/json-patch+json',
	strategic: 'application/strategic-merge-patch+json',
	apply: 'application/apply-patch+yaml',
} as const;

export async function handleResource(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const {target, method} = request;
	const verb = verbOf(method, target, request.query);
	const denial = context.authorize(request.user, verb, target.resource, target.namespace, target.name);
	if (denial) throw denial;
	if (target.resource.verbs.length === 1 && target.resource.verbs[0] === 'create') {
		if (method !== 'POST') throw errors.methodNotAllowed(verb);
		return review(request, context);
	}
	if (target.resource.kind === 'Pod' && target.subresource === 'eviction' && target.name !== undefined) {
		if (method !== 'POST') throw errors.methodNotAllowed(verb);
		const body = await parseBody(request);
		return evictPod(context.store, target.namespace!, target.name, body, dryRun(request.query), (pod) => {
			if (context.simulateControllers) replaceDeletedPod(context.store, pod);
		});
	}
	const isCollection = target.name === undefined;
	const fitsPath = isCollection ? ['list', 'watch', 'create', 'deletecollection'].includes(verb) : ['get', 'update', 'patch', 'delete'].includes(verb);
	const isServed = target.resource.verbs.includes(verb) || (!isCollection && target.subresource !== undefined);
	if (!fitsPath || !isServed) throw errors.methodNotAllowed(verb);
	switch (verb) {
		case 'list':
			return list(request, context);
		case 'watch':
			return watch(request, context);
		case 'get':
			return get(request, context);
		case 'create':
			return create(request, context);
		case 'update':
			return update(request, context);
		case 'patch':
			return patch(request, context);
		case 'delete':
			return remove(request, context);
		case 'deletecollection':
			return removeCollection(request, context);
		default:
			throw errors.methodNotAllowed(verb);
	}
}

export function verbOf(method: string, target: Target, query: URLSearchParams): string {
	const isWatch = ['true', '1'].includes(query.get('watch') ?? '');
	const isCollection = target.name === undefined;
	switch (method) {
		case 'GET':
			return isCollection ? (isWatch ? 'watch' : 'list') : 'get';
		case 'POST':
			return 'create';
		case 'PUT':
			return 'update';
		case 'PATCH':
			return 'patch';
		case 'DELETE':
			return isCollection ? 'deletecollection' : 'delete';
		default:
			return method.toLowerCase();
	}
}

function list(request: ResourceRequest, {store}: HandlerContext): Reply {
	const {resource, namespace} = request.target;
	const matcher = selectorsOf(request.query);
	const limit = positiveInt(request.query.get('limit'));
	const after = decodeContinue(request.query.get('continue'));
	const items: MutableObject[] = [];
	let lastKey: string | undefined;
	let remaining = 0;
	for (const [key, object, left] of store.scan(bucketOf(resource), {namespace, after})) {
		if (matcher && !matcher(object)) continue;
		items.push(object);
		lastKey = key;
		remaining = left;
		if (limit !== undefined && items.length >= limit) break;
	}
	const isTruncated = limit !== undefined && items.length >= limit && remaining > 0;
	const metadata: Record<string, unknown> = {resourceVersion: String(store.resourceVersion)};
	if (isTruncated) {
		metadata.continue = encodeContinue(store.resourceVersion, lastKey!);
		// The real server can count what is left only when no selector narrows the range.
		if (!matcher) metadata.remainingItemCount = remaining;
	}
	return {status: 200, body: render(request, resource, items, metadata, true)};
}

function get(request: ResourceRequest, {store}: HandlerContext): Reply {
	const object = existing(store, request.target);
	if (request.target.subresource === 'scale') return {status: 200, body: scaleOf(object)};
	if (request.target.subresource !== undefined && request.target.subresource !== 'status') throw errors.pathNotFound();
	return {status: 200, body: render(request, request.target.resource, [object], {resourceVersion: object.metadata.resourceVersion}, false)};
}

async function create(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const {resource, namespace} = request.target;
	if (request.target.subresource !== undefined) throw errors.methodNotAllowed('create');
	const object = asObject(await parseBody(request));
	checkTypeMeta(object, resource);
	if (resource.namespaced) {
		if (namespace === undefined) throw errors.pathNotFound();
		if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
			throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
		}
		object.metadata.namespace = namespace;
		if (!context.store.peek(bucketName('', 'Namespace'), undefined, namespace)) {
			throw errors.notFound({group: '', plural: 'namespaces'}, namespace);
		}
	} else {
		delete object.metadata.namespace;
	}
	if (!object.metadata.name && typeof object.metadata.generateName === 'string') {
		object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
	}
	if (!object.metadata.name) {
		throw errors.invalid(resource.kind, '', 'metadata.name: Required value: name or generateName is required', resource.group);
	}
	if (context.store.peek(bucketOf(resource), namespace, object.metadata.name)) throw errors.alreadyExists(resource, object.metadata.name);
	delete object.metadata.resourceVersion;
	object.metadata.uid = randomUUID();
	object.metadata.creationTimestamp = timestamp();
	if (object.spec !== undefined) object.metadata.generation = 1;
	settleWorkloadStatus(object);
	return commit(request, context, 'create', undefined, object, 201);
}

async function update(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const {resource, name, subresource} = request.target;
	const current = existing(context.store, request.target);
	const body = asObject(await parseBody(request));
	if (subresource === 'scale') return {status: 200, body: await rescale(request, context, current, body)};
	if (body.metadata.name !== undefined && body.metadata.name !== name) {
		throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
	}
	const version = body.metadata.resourceVersion;
	if (version !== undefined && version !== '' && version !== current.metadata.resourceVersion) throw errors.conflict(resource, name!);
	const next: MutableObject =
		subresource === 'status'
			? {...clone(current), status: body.status}
			: {...body, apiVersion: current.apiVersion, kind: current.kind, ...(current.status !== undefined ? {status: clone(current.status)} : {})};
	next.metadata = {...next.metadata, name: current.metadata.name, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp};
	if (current.metadata.namespace !== undefined) next.metadata.namespace = current.metadata.namespace;
	return commit(request, context, 'update', current, finishChange(current, next), 200);
}

async function patch(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const {resource, name, subresource} = request.target;
	const type = request.contentType.split(';')[0]!.trim().toLowerCase();
	const accepted = resource.isCustom ? [patchTypes.json, patchTypes.merge, patchTypes.apply] : Object.values(patchTypes);
	if (!(accepted as readonly string[]).includes(type)) throw errors.unsupportedMediaType(accepted);
	const text = await request.readBody();
	let patchBody: unknown;
	try {
		patchBody = type === patchTypes.apply ? parseYaml(text) : JSON.parse(text);
	} catch (error) {
		throw errors.badRequest(`error decoding patch: ${(error as Error).message}`);
	}
	const current = context.store.peek(bucketOf(resource), request.target.namespace, name!);
	if (!current) {
		// Server-side apply creates what is missing; every other patch needs an object to patch.
		if (type !== patchTypes.apply || subresource !== undefined) throw errors.notFound(resource, name!);
		const created = asObject(clone(patchBody));
		created.metadata.name = name!;
		const forCreate: ResourceRequest = {...request, readBody: async () => JSON.stringify(created)};
		return create({...forCreate, target: {...request.target, name: undefined}}, context);
	}
	if (subresource === 'scale') {
		const scale = scaleOf(current);
		const patched = applyPatch(type, scale, patchBody) as MutableObject;
		return {status: 200, body: await rescale(request, context, current, patched)};
	}
	if (subresource !== undefined && subresource !== 'status') throw errors.pathNotFound();
	const patched = asObject(applyPatch(type, clone(current), patchBody));
	const version = patched.metadata.resourceVersion;
	if (version !== undefined && version !== current.metadata.resourceVersion) throw errors.conflict(resource, name!);
	if (patched.metadata.name !== current.metadata.name || patched.metadata.namespace !== current.metadata.namespace) {
		throw errors.invalid(resource.kind, name!, 'metadata.name: Invalid value: field is immutable', resource.group);
	}
	patched.apiVersion = current.apiVersion;
	patched.kind = current.kind;
	patched.metadata.uid = current.metadata.uid;
	patched.metadata.creationTimestamp = current.metadata.creationTimestamp;
	// Status and the rest of the object change through different endpoints, as on a real server.
	if (!resource.isCustom) {
		if (subresource === 'status') {
			const status = patched.status;
			Object.assign(patched, clone(current), {status});
		} else if (current.status !== undefined) {
			patched.status = clone(current.status);
		} else {
			delete patched.status;
		}
	}
	return commit(request, context, 'patch', current, finishChange(current, patched), 200);
}

async function remove(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const {resource, namespace, name} = request.target;
	const current = existing(context.store, request.target);
	const isDryRun = dryRun(request.query);
	const verdict = admit(context, request, 'delete', current, undefined);
	if (!isDryRun) {
		context.store.delete(bucketOf(resource), namespace, name!);
		collectGarbage(context.store, current);
		if (resource.kind === 'Namespace') deleteNamespaceContents(context.store, name!);
		if (resource.kind === 'Pod' && context.simulateControllers) replaceDeletedPod(context.store, current);
	}
	const body =
		resource.kind === 'Pod'
			? {...current, metadata: {...current.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: 30}}
			: {
					kind: 'Status',
					apiVersion: 'v1',
					metadata: {},
					status: 'Success',
					details: {name, group: resource.group, kind: resource.plural, uid: current.metadata.uid},
				};
	return {status: 200, body, warnings: verdict.warnings ?? []};
}

function removeCollection(request: ResourceRequest, context: HandlerContext): Reply {
	const {resource, namespace} = request.target;
	const matcher = selectorsOf(request.query);
	const doomed = [...context.store.scan(bucketOf(resource), {namespace})].map(([, object]) => object).filter((o) => !matcher || matcher(o));
	if (!dryRun(request.query)) {
		for (const object of doomed) {
			context.store.delete(bucketOf(resource), object.metadata.namespace, object.metadata.name);
			collectGarbage(context.store, object);
		}
	}
	return {status: 200, body: render(request, resource, doomed, {resourceVersion: String(context.store.resourceVersion)}, true)};
}

function watch(request: ResourceRequest, {store}: HandlerContext): Reply {
	const {resource, namespace} = request.target;
	const matcher = selectorsOf(request.query);
	const bucket = bucketOf(resource);
	const since = request.query.get('resourceVersion') ?? '';
	const timeoutSeconds = positiveInt(request.query.get('timeoutSeconds'));
	const matches = (event: StoreEvent) =>
		event.bucket === bucket &&
		(namespace === undefined || event.object.metadata.namespace === namespace) &&
		(!matcher || matcher(event.object));
	return {
		watch: (response) => {
			response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache'});
			// Clients wait for the headers before they treat the watch as open, events or not.
			response.flushHeaders();
			// `kubectl get -w` asks for tables; each event then carries a one-row Table, as from a real server.
			const isTable = request.accept.includes('as=Table');
			const send = (type: string, object: MutableObject | Record<string, unknown>) => {
				const payload = isTable && type !== 'ERROR' ? toTable(resource.kind, [object as MutableObject], {resourceVersion: (object as MutableObject).metadata.resourceVersion}) : object;
				response.write(`${JSON.stringify({type, object: payload})}\n`);
			};
			if (since === '' || since === '0') {
				for (const [, object] of store.scan(bucket, {namespace})) if (!matcher || matcher(object)) send('ADDED', object);
			} else {
				const replay = store.eventsSince(Number(since));
				if (replay === undefined) {
					send('ERROR', errors.gone(`too old resource version: ${since} (${store.oldestWatchable})`).toStatus());
					response.end();
					return;
				}
				for (const event of replay) if (matches(event)) send(event.type, event.object);
			}
			const unsubscribe = store.subscribe((event) => {
				if (matches(event)) send(event.type, event.object);
			});
			const timer = timeoutSeconds === undefined ? undefined : setTimeout(() => response.end(), timeoutSeconds * 1000);
			response.on('close', () => {
				unsubscribe();
				if (timer) clearTimeout(timer);
			});
		},
	};
}

/** SelfSubjectAccessReview and friends: answers computed from the forbidden rules. */
async function review(request: ResourceRequest, context: HandlerContext): Promise<Reply> {
	const body = asObject(await parseBody(request));
	const spec = (body.spec ?? {}) as Record<string, any>;
	const user: User = spec.user ? {name: String(spec.user), groups: spec.groups ?? []} : request.user;
	const kind = request.target.resource.kind;
	let status: Record<string, unknown>;
	if (kind === 'SelfSubjectReview') {
		status = {userInfo: {username: user.name, groups: user.groups}};
	} else if (kind === 'SelfSubjectRulesReview') {
		status = {
			resourceRules: [{verbs: ['*'], apiGroups: ['*'], resources: ['*']}],
			nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}],
			incomplete: false,
		};
	} else if (kind === 'TokenReview') {
		status = {authenticated: false, error: 'token review is not supported by this server'};
	} else {
		const attributes = spec.resourceAttributes as Record<string, string> | undefined;
		let denial: ApiError | undefined;
		if (attributes) {
			const resource: ApiResource = {
				group: attributes.group ?? '',
				version: attributes.version ?? '',
				plural: attributes.resource ?? '',
				singular: '',
				kind: '',
				namespaced: attributes.namespace !== undefined,
				verbs: [],
			};
			denial = context.authorize(user, attributes.verb ?? 'get', resource, attributes.namespace || undefined, attributes.name || undefined);
		}
		status = denial ? {allowed: false, denied: true, reason: denial.message} : {allowed: true, reason: 'allowed by the demo server'};
	}
	return {status: 201, body: {...body, apiVersion: groupVersionOf(request.target.resource), kind, metadata: {creationTimestamp: null}, status}};
}

async function rescale(request: ResourceRequest, context: HandlerContext, current: MutableObject, scale: MutableObject): Promise<unknown> {
	const replicas = (scale.spec as {replicas?: number} | undefined)?.replicas;
	if (typeof replicas !== 'number' || replicas < 0) {
		throw errors.invalid('Scale', current.metadata.name, 'spec.replicas: Invalid value: must be greater than or equal to 0');
	}
	const next = clone(current) as MutableObject & {spec: Record<string, unknown>};
	next.spec.replicas = replicas;
	const reply = await commit(request, context, 'update', current, finishChange(current, next), 200);
	return scaleOf((reply as {body: MutableObject}).body);
}

function commit(
	request: ResourceRequest,
	context: HandlerContext,
	verb: WriteRequest['verb'],
	current: MutableObject | undefined,
	next: MutableObject,
	status: number,
): Reply {
	const verdict = admit(context, request, verb, current, next);
	if (dryRun(request.query)) {
		if (verb === 'create') delete next.metadata.resourceVersion;
		return {status, body: next, warnings: verdict.warnings ?? []};
	}
	const stored = context.store.write(next);
	if (context.simulateControllers) reconcile(context.store, stored, current);
	return {status, body: context.store.peek(bucketOf(request.target.resource), stored.metadata.namespace, stored.metadata.name) ?? stored, warnings: verdict.warnings ?? []};
}

function admit(context: HandlerContext, request: ResourceRequest, verb: WriteRequest['verb'], current: MutableObject | undefined, next: MutableObject | undefined) {
	const {resource, namespace, subresource} = request.target;
	const verdict =
		context.hook({
			verb,
			resource,
			...(subresource !== undefined ? {subresource} : {}),
			...(namespace !== undefined ? {namespace} : {}),
			name: next?.metadata.name ?? current?.metadata.name ?? '',
			user: request.user.name,
			isDryRun: dryRun(request.query),
			...(current ? {oldObject: current as KubeObject} : {}),
			...(next ? {object: next as KubeObject} : {}),
			store: context.store,
		}) ?? {};
	if (verdict.reject) {
		const {code, reason, message} = verdict.reject;
		throw new ApiError(code, reason, message, {name: next?.metadata.name ?? current?.metadata.name ?? '', group: resource.group, kind: resource.plural});
	}
	return verdict;
}

/** Bumps generation when the spec moved and makes controllers look settled, as kubectl rollout expects. */
function finishChange(current: MutableObject, next: MutableObject): MutableObject {
	const generation = typeof current.metadata.generation === 'number' ? current.metadata.generation : 1;
	next.metadata.generation = JSON.stringify(current.spec) === JSON.stringify(next.spec) ? generation : generation + 1;
	settleWorkloadStatus(next);
	return next;
}

function applyPatch(type: string, target: unknown, body: unknown): unknown {
	try {
		if (type === patchTypes.merge) return mergePatch(target, body);
		if (type === patchTypes.json) return jsonPatch(target, body);
		return strategicMergePatch(target, body);
	} catch (error) {
		if (!(error instanceof PatchError)) throw error;
		if (error.isMalformed) throw errors.badRequest(error.message);
		throw new ApiError(422, 'Invalid', error.message);
	}
}

function render(request: ResourceRequest, resource: ApiResource, items: readonly MutableObject[], metadata: Record<string, unknown>, isList: boolean): unknown {
	const accept = request.accept;
	if (accept.includes('as=Table')) {
		const include = (request.query.get('includeObject') ?? 'Metadata') as IncludeObject;
		return toTable(resource.kind, items, metadata, include);
	}
	if (accept.includes('as=PartialObjectMetadata')) {
		const partial = items.map((o) => ({kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}));
		return isList ? {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: partial} : partial[0];
	}
	if (!isList) return items[0];
	return {
		kind: `${resource.kind}List`,
		apiVersion: groupVersionOf(resource),
		metadata,
		// A real list leaves the type off its items; clients that need it must take it from the list.
		items: items.map(({apiVersion: _a, kind: _k, ...rest}) => rest),
	};
}

function scaleOf(object: MutableObject): MutableObject {
	const spec = (object.spec ?? {}) as Record<string, any>;
	const status = (object.status ?? {}) as Record<string, any>;
	const selector = spec.selector?.matchLabels ?? spec.selector ?? {};
	return {
		kind: 'Scale',
		apiVersion: 'autoscaling/v1',
		metadata: {
			name: object.metadata.name,
			namespace: object.metadata.namespace,
			uid: object.metadata.uid,
			resourceVersion: object.metadata.resourceVersion,
			creationTimestamp: object.metadata.creationTimestamp,
		},
		spec: {replicas: spec.replicas ?? 1},
		status: {
			replicas: status.replicas ?? 0,
			selector: Object.entries(selector)
				.map(([k, v]) => `${k}=${String(v)}`)
				.join(','),
		},
	};
}

function existing(store: ObjectStore, target: Target): MutableObject {
	const object = store.peek(bucketOf(target.resource), target.namespace, target.name!);
	if (!object) throw errors.notFound(target.resource, target.name!);
	return object;
}

/** Background cascading deletion: dependents whose owner is gone go too. */
function collectGarbage(store: ObjectStore, owner: MutableObject): void {
	const uid = owner.metadata.uid;
	if (typeof uid !== 'string') return;
	const dependents = [...store.entries()].filter(([, object]) => {
		const refs = (object.metadata.ownerReferences ?? []) as Array<{uid?: string}>;
		return refs.some((r) => r.uid === uid) && (owner.metadata.namespace === undefined || object.metadata.namespace === owner.metadata.namespace);
	});
	for (const [bucket, dependent] of dependents) {
		const removed = store.delete(bucket, dependent.metadata.namespace, dependent.metadata.name);
		if (removed) collectGarbage(store, removed);
	}
}

function deleteNamespaceContents(store: ObjectStore, namespace: string): void {
	const doomed = [...store.entries()].filter(([, object]) => object.metadata.namespace === namespace);
	for (const [bucket, object] of doomed) store.delete(bucket, namespace, object.metadata.name);
}

async function parseBody(request: ResourceRequest): Promise<unknown> {
	const text = await request.readBody();
	try {
		return request.contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
	} catch (error) {
		throw errors.badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
	}
}

function asObject(value: unknown): MutableObject {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw errors.badRequest('the request body must be an object');
	const object = value as MutableObject;
	if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {name: ''};
	return object;
}

function checkTypeMeta(object: MutableObject, resource: ApiResource): void {
	const expected = groupVersionOf(resource);
	object.apiVersion ??= expected;
	object.kind ??= resource.kind;
	if (object.apiVersion !== expected) {
		throw errors.badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`);
	}
	if (object.kind !== resource.kind) throw errors.badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${resource.kind})`);
}

function selectorsOf(query: URLSearchParams): Matcher | undefined {
	try {
		return combine(labelSelector(query.get('labelSelector') ?? undefined), fieldSelector(query.get('fieldSelector') ?? undefined));
	} catch (error) {
		if (error instanceof SelectorError) throw errors.badRequest(error.message);
		throw error;
	}
}

// The same shape as the real token, so it looks familiar when someone decodes one.
function encodeContinue(resourceVersion: number, key: string): string {
	return Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: resourceVersion, start: `${key}\u0000`})).toString('base64url');
}

function decodeContinue(token: string | null): string | undefined {
	if (!token) return undefined;
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {v?: string; start?: string};
		if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') throw new Error('unknown version');
		return parsed.start.replace(/\u0000$/, '');
	} catch (error) {
		throw errors.badRequest(`continue key is not valid: ${(error as Error).message}`);
	}
}

export function bucketOf(resource: ApiResource): string {
	return bucketName(resource.group, resource.kind);
}

function dryRun(query: URLSearchParams): boolean {
	return query.getAll('dryRun').includes('All');
}

function positiveInt(value: string | null): number | undefined {
	const n = Number(value);
	return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}

function randomSuffix(): string {
	const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
	let out = '';
	for (let i = 0; i < 5; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
	return out;
}

function timestamp(): string {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
