import {useCallback, useEffect, useRef} from 'react';
import type {AuditState} from '../state/audit-state.js';
import {toSession, type SessionIdentity} from '../state/session.js';
import type {SessionStore} from '../deps.js';

type Options = {
	readonly store: SessionStore;
	readonly identity: SessionIdentity;
	readonly state: AuditState;
	readonly now: () => Date;
	/** Off while the operator has not yet said whether to resume: the old session must survive until then. */
	readonly isEnabled: boolean;
	readonly onError: (message: string) => void;
	/** Coalesce bursts of findings into one write. @default 400 */
	readonly delayMs?: number;
};

/**
 * Saves the session as it goes: a write after each burst of changes, one write at a time, and
 * `flush()` to wait for the last one (quit calls it). Every write is atomic (see commands/session-store.ts).
 */
export function useSessionSaver({store, identity, state, now, isEnabled, onError, delayMs = 400}: Options) {
	const latest = useRef({state, identity, isEnabled});
	latest.current = {state, identity, isEnabled};
	const savedRevision = useRef(state.revision);
	const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
	const writing = useRef<Promise<void> | undefined>(undefined);
	const hasReportedError = useRef(false);

	const write = useCallback(async (): Promise<void> => {
		timer.current = undefined;
		while (writing.current) await writing.current;
		const {state: current, identity: who, isEnabled: enabled} = latest.current;
		if (!enabled || current.revision === savedRevision.current) return;
		const revision = current.revision;
		writing.current = store
			.save(toSession(current, who, now().toISOString()))
			.then(() => {
				savedRevision.current = revision;
			})
			.catch((error: unknown) => {
				if (!hasReportedError.current) onError(`could not save the session to ${store.file}: ${(error as Error).message}`);
				hasReportedError.current = true;
			})
			.finally(() => {
				writing.current = undefined;
			});
		await writing.current;
	}, [store, now, onError]);

	useEffect(() => {
		if (!isEnabled || state.revision === savedRevision.current || timer.current) return;
		timer.current = setTimeout(() => void write(), delayMs);
	}, [state.revision, isEnabled, write, delayMs]);

	useEffect(
		() => () => {
			if (timer.current) clearTimeout(timer.current);
		},
		[],
	);

	const flush = useCallback(async () => {
		if (timer.current) clearTimeout(timer.current);
		timer.current = undefined;
		await write();
	}, [write]);

	return {flush};
}
