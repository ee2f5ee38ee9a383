// The services fix (service-state steps): which units the finding names, what each one is, and
// stop + disable + mask with its triggers, recorded so that undo puts back exactly what was.
import type {CompiledCheck} from '../../catalog/load.js';
import {evaluateNode} from '../../engine/evaluate.js';
import type {NodeFacts} from '../../engine/facts.js';
import type {Finding} from '../../model/finding.js';
import type {NodeShell} from '../../transports/interfaces.js';
import type {LogEntry, Undo} from '../audit-log.js';
import type {FixContext} from '../context.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import type {NodeRef, Plan, ServiceChange} from '../model.js';
import {newId, type PlanItem} from '../plan-base.js';
import type {ServiceState} from '../playbook.js';
import {recordChange} from '../record.js';
import {recheckNode, type Verified} from '../recheck.js';
import {finishApplied, endingOf} from './finish.js';
import {protectedReason} from './protected-units.js';
import {RemoteError} from './remote.js';
import {isRunning, maskedStates, maskUnits, readUnitInfo, readUnitStates, restoreUnits, statesDigest, type UnitInfo, type UnitState} from './unit-remote.js';
import {messageOf, openNodeSession} from './node-session.js';

const durabilityNote = 'ephemeral: the package stays installed, and a reimage or upgrade brings the image\'s units back; raise it with the image owner too';

/**
 * The units the check names now, judged afresh from the facts just gathered with the check's own
 * CEL: each violation starts with the unit's name (unit names hold no spaces).
 */
function unitsNamed(context: FixContext, facts: NodeFacts, items: readonly PlanItem[]): string[] {
	const checks = [...new Set(items.map(({finding}) => finding.checkId))].map((id) => context.catalog.byId.get(id)).filter((check): check is CompiledCheck => check !== undefined);
	const findings: Finding[] = [];
	evaluateNode(checks, facts, (finding) => findings.push(finding));
	const units = findings
		.filter((finding) => finding.status === 'fail')
		.flatMap((finding) => (Array.isArray(finding.evidence['violations']) ? (finding.evidence['violations'] as unknown[]) : []))
		.map((violation) => String(violation).split(' ')[0]!)
		.filter(Boolean);
	return [...new Set(units)];
}

function describeStates(states: readonly UnitState[], sign: '-' | '+'): string[] {
	return states.flatMap((state) => [`${sign}${state.unit}: ${state.enabled}, ${state.active}`, ...state.links.map((link) => `${sign}  ${link.path} -> ${link.target}`)]);
}

function serviceDiff(node: NodeRef, unit: string, before: readonly UnitState[]): string {
	const after = before.map((state) => ({...state, enabled: 'masked', active: 'inactive', links: [{path: `/etc/systemd/system/${state.unit}`, target: '/dev/null'}]}));
	return [`--- ${node.name}:${unit} (now)`, `+++ ${node.name}:${unit} (planned)`, ...describeStates(before, '-'), ...describeStates(after, '+'), ''].join('\n');
}

function infoEffects(info: UnitInfo, triggers: readonly string[]): string[] {
	return [
		`unit file: ${info.fragmentPath || '(none found)'}${info.package ? ` (package ${info.package})` : ' (not owned by a package)'}`,
		info.listening.length ? `listens on: ${info.listening.join('; ')}` : 'listens on nothing right now',
		...(triggers.length ? [`started by ${triggers.join(', ')}: stopped, disabled and masked with it`] : []),
		'undo restores each unit\'s enablement links, unmasks it and starts what was running',
	];
}

/**
 * One change per unit the finding names (its triggers folded in), each with the unit's file,
 * package and sockets, and the exact states undo puts back. Protected units, triggers that are
 * protected and local unit files are left out with the reason.
 */
export async function planServiceState(
	session: NodeShell,
	node: NodeRef,
	step: ServiceState,
	facts: NodeFacts,
	items: readonly PlanItem[],
	context: FixContext,
): Promise<{changes: ServiceChange[]; notes: string[]}> {
	const notes: string[] = [];
	const infos = new Map<string, UnitInfo>();
	for (const unit of unitsNamed(context, facts, items)) {
		const reason = protectedReason(unit);
		if (reason) {
			notes.push(`${unit} is not touched: it is protected (${reason})`);
			continue;
		}
		infos.set(unit, await readUnitInfo(session, unit));
	}
	// A socket that starts a named service goes with that service, not on its own.
	const folded = new Set([...infos.values()].flatMap((info) => (step.triggers ? info.triggeredBy : [])).filter((unit) => infos.has(unit)));
	const changes: ServiceChange[] = [];
	const fixes = items.map(({finding}) => ({checkId: finding.checkId, target: finding.target}));
	for (const info of infos.values()) {
		if (folded.has(info.unit)) continue;
		const triggers = step.triggers ? info.triggeredBy : [];
		const guarded = triggers.map((unit) => [unit, protectedReason(unit)] as const).find(([, reason]) => reason);
		if (guarded) {
			notes.push(`${info.unit} is not touched: it is started by ${guarded[0]}, which is protected (${guarded[1]})`);
			continue;
		}
		if (info.isLocalFile) {
			notes.push(`${info.unit} is not touched: its unit file ${info.fragmentPath} is a local file, which masking cannot replace; stop and disable it, then remove the file yourself`);
			continue;
		}
		const units = [info.unit, ...triggers];
		const before = await readUnitStates(session, units);
		if (before.every((state) => state.enabled === 'masked' && !isRunning(state.active))) continue;
		changes.push({
			id: newId('change'),
			type: 'service',
			summary: `stop, disable and mask ${info.unit}${triggers.length ? ` and ${triggers.join(', ')}` : ''} on ${node.name}`,
			fixes,
			node,
			unit: info.unit,
			units,
			before: before.map((state) => ({...state, links: [...state.links]})),
			beforeDigest: statesDigest(before),
			afterDigest: statesDigest(maskedStates(units)),
			diff: serviceDiff(node, info.unit, before),
			effects: [...infoEffects(info, triggers), durabilityNote],
			warnings: [],
		});
	}
	return {changes, notes};
}

/**
 * Applies one unit: the states read now must be the planned ones; then stop + disable + mask in
 * one go, read back (masked and stopped, or the prior state is put back), re-run the check, record.
 */
export async function applyServiceChange(plan: Plan, change: ServiceChange, options: ApplyOptions): Promise<ChangeResult> {
	const base = {changeId: change.id, summary: change.summary};
	const step = (name: StepName, message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const where = `${change.node.name}:${change.unit}`;
	const record = (result: LogEntry['result'], message: string, extra: Partial<LogEntry> = {}) => recordChange(plan, change, options, result, message, extra);
	const end = endingOf(change, record);
	// The plan file may have been edited: the protected list is applied again here.
	const guarded = change.units.map((unit) => [unit, protectedReason(unit)] as const).find(([, reason]) => reason);
	if (guarded) return {...base, outcome: 'refused', message: `${guarded[0]} is protected (${guarded[1]}): aks-harden does not stop it`};
	if (statesDigest(change.before) !== change.beforeDigest) return {...base, outcome: 'refused', message: `the plan's recorded state of ${where} does not match its digest: the plan file was edited; plan again`};
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	try {
		const now = await readUnitStates(session, change.units);
		const digest = statesDigest(now);
		step('read', `${now.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', ')}: ${digest === change.beforeDigest ? 'as planned' : digest === change.afterDigest ? 'already masked' : 'changed since the plan'}`);
		if (digest === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${where} is already stopped and masked: nothing to do`};
		if (digest !== change.beforeDigest) return {...base, outcome: 'refused', message: `${where} changed since the plan was made (enablement, state or links): plan again and review it`};
		try {
			await maskUnits(session, change.units);
		} catch (error) {
			await restoreUnits(session, change.before).catch(() => undefined);
			const back = statesDigest(await readUnitStates(session, change.units).catch(() => [])) === change.beforeDigest;
			const message = `${where}: ${messageOf(error)}; ${back ? 'its prior state was put back' : 'putting its prior state back did not complete: check it by hand'}`;
			step('restore', message);
			return end('rolled-back', message);
		}
		const after = await readUnitStates(session, change.units);
		step('apply', after.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', '));
		const stuck = after.filter((state) => state.enabled !== 'masked' || isRunning(state.active));
		const undo: Undo = {type: 'service-state', node: change.node, states: change.before.map((state) => ({...state, links: [...state.links]}))};
		if (stuck.length) {
			const message = `${where}: after masking, ${stuck.map((state) => `${state.unit} is ${state.enabled}, ${state.active}`).join('; ')}`;
			return end('failed', message, {undo});
		}
		return await finishApplied(change, options, session, {what: `${change.units.join(', ')} stopped, disabled and masked on ${change.node.name}`, undo}, record);
	} catch (error) {
		const message = `${where}: ${messageOf(error)}`;
		return end('failed', message);
	} finally {
		session.close();
	}
}

export type UndoDone = (beforeDigest: string, afterDigest: string, diff: string, verified: readonly Verified[] | undefined, notes?: readonly string[]) => UndoOutcome;

/** What an undo returns: the same for every kind of host change. */
export type UndoOutcome = {outcome: 'undone' | 'refused' | 'failed'; message: string; logId?: string};

/**
 * Undo: the units must still be as the fix left them (masked, stopped) unless forced; then the
 * recorded links, enablement and running state come back, and are read back to prove it.
 */
export async function undoServiceState(
	entry: LogEntry,
	undo: Extract<Undo, {type: 'service-state'}>,
	context: FixContext,
	force: boolean,
	done: UndoDone,
): Promise<{outcome: 'undone' | 'refused' | 'failed'; message: string; logId?: string}> {
	const session = await openNodeSession(undo.node, context);
	if (typeof session === 'string') return {outcome: 'failed', message: session};
	const units = undo.states.map((state) => state.unit);
	try {
		const now = await readUnitStates(session, units);
		if (statesDigest(now) !== entry.afterDigest && !force) {
			return {
				outcome: 'refused',
				message: `${units.join(', ')} on ${undo.node.name} changed since ${entry.id} (${now.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', ')}); undo would overwrite that. Review it, then pass --force to undo anyway`,
			};
		}
		await restoreUnits(session, undo.states);
		const restored = await readUnitStates(session, units);
		const diff = [`--- ${undo.node.name}:${units[0]} (masked)`, `+++ ${undo.node.name}:${units[0]} (restored)`, ...describeStates(now, '-'), ...describeStates(restored, '+'), ''].join('\n');
		if (statesDigest(restored) !== statesDigest(undo.states)) {
			const want = undo.states.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', ');
			const got = restored.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', ');
			return {outcome: 'failed', message: `undo of ${entry.id} left ${got}, not the recorded ${want}: check the units by hand`};
		}
		const verified = await recheckNode(context, session, undo.node, entry.fixes).catch(() => undefined);
		return done(statesDigest(now), statesDigest(restored), diff, verified, [`${restored.map((state) => `${state.unit} ${state.enabled} ${state.active}`).join(', ')}, as before`]);
	} catch (error) {
		if (error instanceof RemoteError) return {outcome: 'failed', message: `undo of ${entry.id} failed: ${error.message}`};
		throw error;
	} finally {
		session.close();
	}
}
