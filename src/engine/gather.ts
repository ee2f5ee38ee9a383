import type {CompiledCheck} from '../catalog/load.js';
import type {EngineListener} from '../model/events.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import {clusterFactNames, resourceTypes, type ClusterFactName} from '../model/resources.js';
import {listsNeeded} from './evaluate.js';
import type {ClusterFacts, ExtraResult, ListResult} from './facts.js';
import type {ClusterSource} from './source.js';

/** Lists are fetched a few at a time: enough to overlap latency without flooding the API server. */
const parallelLists = 4;

/** What the selected checks need from the cluster, deduplicated: each list is read once. */
export function plannedNeeds(checks: readonly CompiledCheck[]): {lists: string[]; facts: ClusterFactName[]} {
	const lists = new Set<string>();
	const facts = new Set<ClusterFactName>();
	for (const {check} of checks) {
		if (check.scope === 'node' || check.manual) continue;
		// "latest" in Pod Security Admission is the API server's own version.
		if (check.pss || check.needs.includes('pod-security')) facts.add('server-version');
		for (const need of listsNeeded(check)) {
			if ((clusterFactNames as readonly string[]).includes(need)) facts.add(need as ClusterFactName);
			else if (resourceTypes.has(need)) lists.add(need);
		}
	}
	return {lists: [...lists].sort(), facts: [...facts]};
}

export async function gatherCluster(checks: readonly CompiledCheck[], source: ClusterSource, emit: EngineListener): Promise<ClusterFacts> {
	const needs = plannedNeeds(checks);
	const lists = new Map<string, ListResult>();
	const extra = new Map<string, ExtraResult>();
	const queue = [...needs.lists];
	const worker = async () => {
		for (let plural = queue.shift(); plural; plural = queue.shift()) {
			emit({type: 'gather-started', resource: plural});
			const result = await source.list(resourceTypes.get(plural)!);
			lists.set(plural, result);
			emit({type: 'gather-finished', resource: plural, count: result.items.length, ...(result.error ? {error: result.error} : {})});
		}
	};
	await Promise.all([
		...Array.from({length: Math.min(parallelLists, queue.length)}, worker),
		...needs.facts.map(async (name) => {
			emit({type: 'gather-started', resource: name});
			const result = await source.fact(name);
			extra.set(name, result);
			emit({type: 'gather-finished', resource: name, count: result.error ? 0 : 1, ...(result.error ? {error: result.error} : {})});
		}),
	]);
	let locations: Map<KubeObject, SourceLocation> | undefined;
	if (source.locationOf) {
		locations = new Map();
		for (const {items} of lists.values()) {
			for (const item of items) {
				const location = source.locationOf(item);
				if (location) locations.set(item, location);
			}
		}
	}
	return {lists, extra, ...(locations ? {locations} : {})};
}
