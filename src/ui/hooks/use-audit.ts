import {useCallback, useEffect, useRef} from 'react';
import type {EngineEvent, EngineListener} from '../../model/events.js';
import type {Report} from '../../model/report.js';
import type {WalkthroughDeps} from '../deps.js';
import {useSyncReducer} from './use-sync-reducer.js';
import {auditReducer, remainingChecks, type AuditState, type RunTag} from '../state/audit-state.js';

type Queued = {readonly run: RunTag; readonly event: EngineEvent};

const sameRun = (a: RunTag, b: RunTag) => a.kind === b.kind && (a.kind === 'audit' || (b.kind === 'rerun' && a.checkId === b.checkId));

/**
 * How long engine events wait to be folded in together. Each fold redraws the whole walkthrough;
 * folding the stream of findings a few times a second instead of after every evaluation slice
 * leaves the thread free for key presses while the audit runs (see `npm run bench keys`).
 */
const batchMs = 80;

/**
 * The walkthrough's subscription to the engine. Events are queued and folded in batches, one
 * render per batch instead of per finding, which keeps the screen responsive on large clusters.
 */
export function useAudit(deps: Pick<WalkthroughDeps, 'startAudit'>, initial: AuditState, now: () => Date) {
	const [state, dispatch, latest] = useSyncReducer(auditReducer, initial);
	const queue = useRef<Queued[]>([]);
	const scheduled = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
	const controller = useRef(new AbortController());
	const isMounted = useRef(true);

	const flush = useCallback(() => {
		if (scheduled.current) clearTimeout(scheduled.current);
		scheduled.current = undefined;
		const items = queue.current;
		queue.current = [];
		let index = 0;
		while (index < items.length) {
			const run = items[index]!.run;
			const events: EngineEvent[] = [];
			while (index < items.length && sameRun(items[index]!.run, run)) events.push(items[index++]!.event);
			dispatch({type: 'engine', run, events});
		}
	}, []);

	const listenerFor = useCallback(
		(run: RunTag): EngineListener =>
			(event) => {
				if (!isMounted.current) return;
				queue.current.push({run, event});
				scheduled.current ??= setTimeout(flush, batchMs);
			},
		[flush],
	);

	/** A run that resolved without telling us it finished still counts as finished. */
	const settle = useCallback(
		(run: RunTag, report: Report, sawFinish: () => boolean) => {
			if (!isMounted.current) return;
			flush();
			if (!sawFinish()) dispatch({type: 'engine', run, events: [{type: 'run-finished', report}]});
		},
		[flush],
	);

	const start = useCallback(() => {
		const current = latest.current;
		if (current.phase === 'running' || current.phase === 'finished') return;
		const checkIds = remainingChecks(current);
		dispatch({type: 'audit-started', at: now().toISOString()});
		if (checkIds && !checkIds.length) {
			dispatch({type: 'audit-finished', at: now().toISOString()});
			return;
		}
		let isFinished = false;
		const listener = listenerFor({kind: 'audit'});
		const watch: EngineListener = (event) => {
			if (event.type === 'run-finished') isFinished = true;
			listener(event);
		};
		deps
			.startAudit(watch, {...(checkIds ? {checkIds} : {}), excludeNodes: current.excludedNodes, signal: controller.current.signal})
			.then(({report}) => settle({kind: 'audit'}, report, () => isFinished))
			.catch((error: unknown) => {
				if (!isMounted.current) return;
				flush();
				dispatch({type: 'audit-failed', error: error instanceof Error ? error.message : String(error)});
			});
	}, [deps, listenerFor, settle, flush, now]);

	const rerun = useCallback(
		(checkId: string) => {
			const run: RunTag = {kind: 'rerun', checkId};
			dispatch({type: 'rerun-started', checkId});
			let isFinished = false;
			const listener = listenerFor(run);
			const watch: EngineListener = (event) => {
				if (event.type === 'run-finished') isFinished = true;
				listener(event);
			};
			deps
				.startAudit(watch, {checkIds: [checkId], excludeNodes: latest.current.excludedNodes, signal: controller.current.signal})
				.then(({report}) => settle(run, report, () => isFinished))
				.catch((error: unknown) => {
					if (!isMounted.current) return;
					flush();
					dispatch({type: 'rerun-failed', checkId, error: error instanceof Error ? error.message : String(error)});
				});
		},
		[deps, listenerFor, settle, flush],
	);

	useEffect(
		() => () => {
			isMounted.current = false;
			if (scheduled.current) clearTimeout(scheduled.current);
			controller.current.abort();
		},
		[],
	);

	return {state, dispatch, start, rerun, latest};
}
