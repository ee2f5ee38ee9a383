import {useCallback, useRef, useState} from 'react';

/**
 * useReducer whose latest state can be read at once through a ref. Keys arrive in bursts (key
 * repeat, or several keys in one read from the terminal) and are handled before React renders
 * again; each must act on the state the previous one left, not on the last rendered one.
 */
export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, initial: S | (() => S)) {
	const [state, setState] = useState(initial);
	const ref = useRef(state);
	const dispatch = useCallback(
		(action: A) => {
			const next = reducer(ref.current, action);
			if (next === ref.current) return;
			ref.current = next;
			setState(next);
		},
		[reducer],
	);
	return [state, dispatch, ref] as const;
}
