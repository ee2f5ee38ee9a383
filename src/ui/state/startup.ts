import type {NodeInfo} from '../../model/report.js';
import type {LoadedSession} from '../deps.js';
import {formatTime} from '../text.js';
import type {Decisions} from '../../engine/decisions.js';
import {initialAuditState, withFileDecisions, type AuditState, type NodeEntry} from './audit-state.js';

/** The reviewable file decisions are kept in, as read at start. */
export type DecisionsFile = {readonly path: string; readonly decisions: Decisions};
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

/** With a decisions file, its decisions replace the session's copies (the file is their home). */
export function restoredState(session: SessionFile, inventory: readonly NodeInfo[], file?: DecisionsFile): AuditState {
	const state = fromSession(session);
	const restored = {...state, nodes: mergeNodes(state.nodes, inventory)};
	return file ? withFileDecisions(restored, file) : restored;
}

/**
 * `--resume` restores the saved session of the same cluster at once; without it a session with
 * work in it is offered. A session of another cluster is left alone (and overwritten later).
 */
export function planStartup(loaded: LoadedSession, identity: SessionIdentity, isResume: boolean, inventory: readonly NodeInfo[], file?: DecisionsFile): Startup {
	const fresh = initialAuditState(inventory, file);
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
	if (isResume) return {initial: restoredState(session, inventory, file), note: `resumed the session from ${formatTime(session.savedAt)}`};
	if (!hasWork(session)) return {initial: fresh};
	return {initial: fresh, resumeOffer: session};
}
