import {useCallback, useEffect, useRef, useState} from 'react';
import type {HostKeyDecision, HostKeyRequest, PassphraseRequest, PromptHandlers, WalkthroughDeps} from '../deps.js';

export type PendingPrompt =
	| {readonly id: number; readonly kind: 'host-key'; readonly request: HostKeyRequest; readonly resolve: (decision: HostKeyDecision) => void}
	| {readonly id: number; readonly kind: 'passphrase'; readonly request: PassphraseRequest; readonly resolve: (passphrase: string | null) => void};

/**
 * Questions from the SSH layer, one at a time, over whatever screen is showing. Several nodes can
 * ask at once, so they queue. Whatever is still unanswered when the walkthrough closes is refused.
 */
export function usePrompts(register: WalkthroughDeps['registerPrompts']) {
	const [queue, setQueue] = useState<readonly PendingPrompt[]>([]);
	const pending = useRef<PendingPrompt[]>([]);
	const nextId = useRef(1);

	useEffect(() => {
		if (!register) return;
		const enqueue = (prompt: PendingPrompt) => {
			pending.current = [...pending.current, prompt];
			setQueue(pending.current);
		};
		const handlers: PromptHandlers = {
			onHostKey: (request) => new Promise((resolve) => enqueue({id: nextId.current++, kind: 'host-key', request, resolve})),
			passphrase: (request) => new Promise((resolve) => enqueue({id: nextId.current++, kind: 'passphrase', request, resolve})),
		};
		const unregister = register(handlers);
		return () => {
			unregister();
			for (const prompt of pending.current) {
				if (prompt.kind === 'host-key') prompt.resolve('refuse');
				else prompt.resolve(null);
			}
			pending.current = [];
		};
	}, [register]);

	const answer = useCallback((id: number, value: HostKeyDecision | string | null) => {
		const prompt = pending.current.find((item) => item.id === id);
		if (!prompt) return;
		pending.current = pending.current.filter((item) => item.id !== id);
		setQueue(pending.current);
		if (prompt.kind === 'host-key') prompt.resolve(value as HostKeyDecision);
		else prompt.resolve(value as string | null);
	}, []);

	return {current: queue[0], waiting: queue.length, answer};
}
