import type {KubeObject, SourceLocation} from '../model/kube.js';
import type {ClusterFactName, ResourceType} from '../model/resources.js';
import type {ExtraResult, ListResult} from './facts.js';
import type {ClusterSource} from './source.js';

/**
 * Objects already in memory: manifest files, golden cases. Facts a file cannot carry (readyz,
 * the API server's certificate) are reported unavailable rather than invented.
 */
export function memorySource(
	objects: readonly KubeObject[],
	options: {
		readonly kind?: ClusterSource['kind'];
		readonly facts?: Readonly<Record<string, unknown>>;
		readonly locations?: ReadonlyMap<KubeObject, SourceLocation>;
		readonly unavailableFact?: string;
	} = {},
): ClusterSource {
	const byKind = new Map<string, KubeObject[]>();
	for (const object of objects) {
		const list = byKind.get(object.kind) ?? [];
		list.push(object);
		byKind.set(object.kind, list);
	}
	return {
		kind: options.kind ?? 'manifests',
		context: null,
		server: null,
		async list(resource: ResourceType): Promise<ListResult> {
			return {items: byKind.get(resource.kind) ?? []};
		},
		async fact(name: ClusterFactName): Promise<ExtraResult> {
			if (options.facts && name in options.facts) return {value: options.facts[name]};
			if (options.unavailableFact) return {error: options.unavailableFact};
			return {notApplicable: `needs a live cluster (${name}); manifest files cannot show it`};
		},
		...(options.locations ? {locationOf: (object: KubeObject) => options.locations!.get(object)} : {}),
	};
}
