import type {NodeInfo} from '../../model/report.js';
import type {LoadedSession} from '../deps.js';
import {formatTime} from '../text.js';
import {initialAuditState, type AuditState, type NodeEntry} from './audit-state.js';
import {fromSession, hasWork, isSameCluster, type SessionFile, type SessionIdentity} from './session.js';

export type Startup = {
	readonly initial: AuditState;
	/** A saved session for this cluster the operator is asked about ("resume …? y/n"). */
	readonly resumeOffer?: SessionFile;
	/** One line for the operator: what happened to the saved session. */
	readonly note?: string;
};

/** Inventory order first, with the saved state of each node; nodes only the session knew come after. */
export function mergeNodes(saved: readonly NodeEntry[], inventory: readonly NodeInfo[]): NodeEntry[] {
	const byName = new Map(saved.map((entry) => [entry.info.name, entry]));
	const merged: NodeEntry[] = inventory.map((info) => {
		const entry = byName.get(info.name);
		return entry ? {...entry, info: {...entry.info, ...info, reachable: entry.info.reachable, error: entry.info.error}} : {info, state: 'waiting'};
	});
	const known = new Set(inventory.map((info) => info.name));
	return [...merged, ...saved.filter((entry) => !known.has(entry.info.name))];
}

export function restoredState(session: SessionFile, inventory: readonly NodeInfo[]): AuditState {
	const state = fromSession(session);
	return {...state, nodes: mergeNodes(state.nodes, inventory)};
}

/**
 * `--resume` restores the saved session of the same cluster at once; without it a session with
 * work in it is offered. A session of another cluster is left alone (and overwritten later).
 */
export function planStartup(loaded: LoadedSession, identity: SessionIdentity, isResume: boolean, inventory: readonly NodeInfo[]): Startup {
	const fresh = initialAuditState(inventory);
	if (loaded.kind === 'unreadable') {
		return {initial: fresh, note: `the saved session could not be read (${loaded.reason}); starting afresh`};
	}
	if (loaded.kind === 'none') {
		return isResume ? {initial: fresh, note: 'no saved session to resume; starting afresh'} : {initial: fresh};
	}
	const {session} = loaded;
	if (!isSameCluster(session, identity)) {
		return isResume ? {initial: fresh, note: `the saved session is for ${session.context ?? session.server ?? 'another cluster'}; starting afresh`} : {initial: fresh};
	}
	if (isResume) return {initial: restoredState(session, inventory), note: `resumed the session from ${formatTime(session.savedAt)}`};
	if (!hasWork(session)) return {initial: fresh};
	return {initial: fresh, resumeOffer: session};
}
