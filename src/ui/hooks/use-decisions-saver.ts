import {useEffect, useRef} from 'react';
import type {DecisionStore} from '../deps.js';
import {decisionsOf, type AuditState} from '../state/audit-state.js';

type Options = {
	readonly store: DecisionStore | undefined;
	readonly state: AuditState;
	readonly onError: (text: string) => void;
};

/**
 * Writes the operator's decisions to the decisions file whenever they change, one write at a time
 * and in order, so the file always holds the latest word. What the file held at start is not
 * written back: opening the walkthrough changes nothing on disk.
 */
export function useDecisionsSaver({store, state, onError}: Options): void {
	const last = useRef<readonly unknown[] | undefined>(undefined);
	const chain = useRef<Promise<void>>(Promise.resolve());
	const {waivers, attestations, notes} = state;
	useEffect(() => {
		const key = [waivers, attestations, notes];
		const previous = last.current;
		last.current = key;
		if (!store || !previous || previous.every((part, index) => part === key[index])) return;
		const decisions = decisionsOf(state);
		chain.current = chain.current.then(
			() => store.save(decisions),
		).catch((error: unknown) => onError(`decisions not saved to ${store.path}: ${error instanceof Error ? error.message : String(error)}`));
	}, [store, waivers, attestations, notes]);
}
