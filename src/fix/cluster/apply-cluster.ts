import type {KubeObject} from '../../model/kube.js';
import type {LogEntry, Undo} from '../audit-log.js';
import {objectDigest, objectView} from '../digest.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import {collectSensitive, Redactor} from '../../engine/redact.js';
import {jsonDiff} from '../json-ops.js';
import {displayObject} from '../plan-base.js';
import {unifiedDiff, unshownLines} from '../text-diff.js';
import {labelOf, type KubeChange, type ObjectRef, type Plan} from '../model.js';
import {recordChange} from '../record.js';
import {isVerified, recheckCluster} from '../recheck.js';
import type {ClusterWriter, WriteResult} from '../../transports/interfaces.js';
import {KubeRejection} from '../../model/errors.js';

function write(kube: ClusterWriter, change: KubeChange, dryRun: boolean): Promise<WriteResult> {
	if (change.operation === 'create') return kube.create(change.body as KubeObject, {dryRun});
	return kube.patch(change.target, change.patchType ?? 'strategic', change.body, {dryRun});
}

function reasonOf(error: unknown): string {
	if (error instanceof KubeRejection) return `${error.status} ${error.reason}: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}

/**
 * One Kubernetes change: the object must still be exactly as planned (or already as wanted);
 * the server dry-runs it first and must return what the plan showed; then it is applied, the
 * checks are run again against the live object, and the change is recorded with its inverse.
 */
export async function applyKubeChange(plan: Plan, change: KubeChange, options: ApplyOptions): Promise<ChangeResult> {
	const kube = options.context.transport.kube;
	const base = {changeId: change.id, summary: change.summary};
	const step = (name: StepName, message: string) =>
		options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	if (!kube) return {...base, outcome: 'failed', message: 'no cluster connection (pass --kubeconfig / --context)'};
	const label = labelOf(change.target);

	let live: KubeObject | undefined;
	try {
		live = await kube.get(change.target);
	} catch (error) {
		return {...base, outcome: 'failed', message: `cannot read ${label}: ${reasonOf(error)}`};
	}
	const current = objectDigest(live);
	step('read', `${label}: ${current === change.beforeDigest ? 'as planned' : current === change.afterDigest ? 'already changed' : 'changed since the plan'}`);
	if (current === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${label} is already in the wanted state: nothing to do`};
	if (current !== change.beforeDigest) {
		return {...base, outcome: 'refused', message: `${label} changed since the plan was made (digest ${short(current)}, plan expected ${short(change.beforeDigest)}): plan again and review the new diff`};
	}

	const mismatch = change.operation === 'create' ? bodyMismatch(change) : undefined;
	if (mismatch) return {...base, outcome: 'refused', message: `the object to create is not ${label} (${mismatch}): nothing was applied; plan again`};

	let dry: WriteResult;
	try {
		dry = await write(kube, change, true);
	} catch (error) {
		const message = `the API server rejected the dry-run, nothing was applied: ${reasonOf(error)}`;
		const logId = record(plan, change, options, 'failed', message);
		return {...base, outcome: 'rejected', message, ...(logId ? {logId} : {}), warnings: error instanceof KubeRejection ? error.warnings : []};
	}
	step('dry-run', dry.warnings.length ? `accepted with warnings: ${dry.warnings.join('; ')}` : 'accepted');
	if (objectDigest(dry.object) !== change.afterDigest) {
		return {...base, outcome: 'refused', message: `the server's dry-run of ${label} no longer gives the result the plan showed (admission or defaulting changed, or the plan's patch was edited): nothing was applied; plan again`};
	}
	// The diff is what the operator reviewed: the patch may change nothing it does not show.
	const unshown = unshownLines(change.diff, dryDiff(change.operation === 'create' ? undefined : live, dry.object, label), {ignore: change.operation === 'create' ? serverAssigned : undefined});
	if (unshown.length) {
		return {...base, outcome: 'refused', message: `the plan's patch changes more of ${label} than its diff shows (${unshown.slice(0, 3).join(' | ')}): nothing was applied; plan again`};
	}

	let applied: WriteResult;
	try {
		applied = await write(kube, change, false);
	} catch (error) {
		const message = `applying to ${label} failed: ${reasonOf(error)}`;
		const logId = record(plan, change, options, 'failed', message, {sent: sentOf(change, [live])});
		return {...base, outcome: 'failed', message, ...(logId ? {logId} : {})};
	}
	step('apply', `${change.operation === 'create' ? 'created' : 'patched'} ${label}`);
	const undo: Undo =
		change.operation === 'create'
			? {type: 'kube-delete', ref: change.target}
			: {type: 'kube-patch', ref: change.target, patch: inversePatch(applied.object, live!)};

	let verified;
	try {
		verified = change.fixes.length ? await recheckCluster(options.context, change.fixes) : undefined;
	} catch (error) {
		verified = undefined;
		step('verify', `could not re-run the check: ${reasonOf(error)}`);
	}
	const isOk = isVerified(verified);
	if (verified) step('verify', verified.map((entry) => `${entry.checkId} ${entry.target}: ${entry.status}`).join('; '));
	const later = change.stage ? plan.changes.slice(plan.changes.indexOf(change) + 1).filter((other) => other.type === 'kube' && other.stage) : [];
	const message = later.length && !isOk
		? `stage ${change.stage} applied to ${label}; the check passes once stage ${(later.at(-1) as KubeChange).stage} is applied too`
		: verified
		? isOk
			? `applied to ${label}; the check passes now`
			: `applied to ${label}, but the check does not pass yet: ${verified.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.checkId}: ${entry.message ?? entry.status}`).join('; ')}`
		: `applied to ${label}`;
	const logId = record(plan, change, options, 'applied', message, {
		undo,
		afterDigest: objectDigest(applied.object),
		// What the server was sent and what it did, not what the plan predicted.
		diff: unifiedDiff(label, displayObject(live), displayObject(applied.object), {before: ' (as stored)', after: ' (applied)'}),
		sent: sentOf(change, [live, applied.object]),
		...(verified ? {verified: [...verified]} : {}),
	});
	step('record', logId ? `recorded as ${logId}` : 'not recorded (no audit log)');
	return {...base, outcome: 'applied', message, ...(logId ? {logId} : {}), ...(verified ? {verified} : {}), warnings: [...dry.warnings]};
}

/**
 * The JSON patch from the object as applied back to the object as it was, over every field the
 * digest covers (metadata included: an owner, an annotation or a finalizer the change added goes
 * too). The views keep labels and annotations as maps; where the real object has no such map yet,
 * the patch creates it before adding a key to it.
 */
export function inversePatch(applied: KubeObject, before: KubeObject): unknown[] {
	const ops = jsonDiff(objectView(applied), objectView(before));
	const missing = (['labels', 'annotations'] as const).filter(
		(map) => applied.metadata[map] === undefined && ops.some((op) => op.op !== 'remove' && op.path.startsWith(`/metadata/${map}/`)),
	);
	return [...missing.map((map) => ({op: 'add', path: `/metadata/${map}`, value: {}})), ...ops];
}

/** A create sends its body, not its target: the two must name the same object. */
function bodyMismatch(change: KubeChange): string | undefined {
	const body = (change.body ?? {}) as Partial<KubeObject>;
	const wanted = change.target;
	const found = {apiVersion: body.apiVersion, kind: body.kind, namespace: body.metadata?.namespace, name: body.metadata?.name};
	for (const key of ['apiVersion', 'kind', 'namespace', 'name'] as const) {
		if ((found[key] ?? '') !== (wanted[key] ?? '')) return `its ${key} is ${found[key] ?? 'missing'}`;
	}
	return undefined;
}

/** Lines of a created object the server fills in anew on every dry-run. */
const serverAssigned = /^\+\s*(uid|creationTimestamp):/;

function dryDiff(live: KubeObject | undefined, dry: KubeObject, label: string): string {
	return unifiedDiff(label, displayObject(live), displayObject(dry));
}

/** The request body as sent, secret values masked like everywhere else. */
function sentOf(change: KubeChange, objects: ReadonlyArray<KubeObject | undefined>): LogEntry['sent'] {
	const redactor = new Redactor();
	collectSensitive(objects.filter((object): object is KubeObject => object !== undefined), redactor);
	const text = redactor.apply(JSON.stringify(change.body ?? null));
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = text;
	}
	return {type: 'kube', operation: change.operation, ...(change.patchType ? {patchType: change.patchType} : {}), body};
}

function short(digest: string): string {
	return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function record(plan: Plan, change: KubeChange, options: ApplyOptions, result: LogEntry['result'], message: string, extra: Partial<LogEntry> = {}): string | undefined {
	return recordChange(plan, change, options, result, message, extra);
}

