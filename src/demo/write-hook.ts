import type {KubeObject} from '../model/kube.js';
import type {ObjectStore} from './object-store.js';
import type {ApiResource} from './resource-table.js';

/** What an admission step sees: one write, before it is stored (or instead of it, for a dry run). */
export type WriteRequest = {
	readonly verb: 'create' | 'update' | 'patch' | 'delete';
	readonly resource: ApiResource;
	readonly subresource?: string;
	readonly namespace?: string;
	readonly name: string;
	readonly user: string;
	readonly isDryRun: boolean;
	readonly oldObject?: KubeObject;
	/** The object as it would be stored; absent for delete. */
	readonly object?: KubeObject;
	readonly store: ObjectStore;
};

export type WriteVerdict = {
	/** Sent as `Warning: 299 - "<text>"` headers, which kubectl prints as `Warning: <text>`. */
	readonly warnings?: readonly string[];
	readonly reject?: {readonly code: number; readonly reason: string; readonly message: string};
};

export type WriteHook = (request: WriteRequest) => WriteVerdict | undefined;

/** Runs hooks in order; the first rejection wins, warnings accumulate. */
export function chainHooks(...hooks: ReadonlyArray<WriteHook | undefined>): WriteHook {
	return (request) => {
		const warnings: string[] = [];
		for (const hook of hooks) {
			const verdict = hook?.(request);
			if (!verdict) continue;
			warnings.push(...(verdict.warnings ?? []));
			if (verdict.reject) return {warnings, reject: verdict.reject};
		}
		return {warnings};
	};
}
