import {isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Node} from 'yaml';
import {documentValue, maxAliasCount, parseYamlDocuments, lineOf, type LocatedDocument} from '../catalog/yaml-source.js';
import {UsageError} from '../model/errors.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import {memorySource} from '../engine/memory-source.js';
import type {ClusterSource} from '../engine/source.js';
import {manifestFiles, maxManifestBytes, type SkippedPath} from './manifest-files.js';
import {maxJsonDepth} from './input-file.js';

export type {SkippedPath};

/**
 * What one run takes from manifest files before it calls them hostile: far above any real
 * repository, far below what would exhaust the memory. Each is an expected error naming the file
 * and the limit (an alias bomb, a 50 MB file, a million-node document), never a crash.
 */
export const manifestLimits = {
	fileBytes: maxManifestBytes,
	/** Alias expansions per document (the `yaml` library's guard against billion-laughs). */
	aliases: maxAliasCount,
	/** Nesting of mappings and sequences; a CRD's deepest schema is a few dozen. */
	depth: maxJsonDepth,
	/** YAML nodes (mappings, sequences, scalars) in one file. */
	nodes: 1_000_000,
	/** Kubernetes objects in one run. */
	objects: 100_000,
} as const;

const limitStep = 'split or fix the file; no real manifest comes near this limit';

/** Depth and node count without recursion, so a hostile document cannot overflow the stack here. */
function checkShape(located: LocatedDocument, counted: {nodes: number}): void {
	const root = located.doc.contents;
	if (!root) return;
	const stack: Array<{node: Node; depth: number}> = [{node: root as Node, depth: 1}];
	while (stack.length) {
		const {node, depth} = stack.pop()!;
		counted.nodes++;
		const line = () => (node.range ? located.lines.linePos(node.range[0]).line : 1);
		if (counted.nodes > manifestLimits.nodes) throw new UsageError(`${located.file}:${line()}: more than ${manifestLimits.nodes} YAML nodes in one file (limit)`, limitStep);
		if (depth > manifestLimits.depth) throw new UsageError(`${located.file}:${line()}: nested deeper than ${manifestLimits.depth} levels (limit)`, limitStep);
		if (!isCollection(node)) continue;
		for (const item of node.items as unknown[]) {
			if (isPair(item)) {
				for (const part of [item.key, item.value]) if (isCollection(part) || isScalar(part) || isAlias(part)) stack.push({node: part as Node, depth: depth + 1});
			} else if (isCollection(item) || isScalar(item) || isAlias(item)) {
				stack.push({node: item as Node, depth: depth + 1});
			}
		}
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Kubernetes manifests: multi-document YAML, JSON (a superset YAML parses), kubectl's `kind: List`,
 * folders recursively. Anything that is not an object with apiVersion, kind and metadata.name is
 * refused with its file and line, so a typo never passes as "nothing to check".
 */
export function readManifests(
	paths: readonly string[],
	options: {readonly onSkip?: (skipped: SkippedPath) => void} = {},
): {objects: KubeObject[]; locations: Map<KubeObject, SourceLocation>; skipped: SkippedPath[]} {
	const objects: KubeObject[] = [];
	const locations = new Map<KubeObject, SourceLocation>();
	const skipped: SkippedPath[] = [];
	const files = manifestFiles(paths, (entry) => {
		skipped.push(entry);
		options.onSkip?.(entry);
	});
	for (const {path: file, text} of files) {
		const counted = {nodes: 0};
		for (const located of parseYamlDocuments(file, text)) {
			const contents = located.doc.contents;
			if (contents === null) continue;
			checkShape(located, counted);
			if (!isMap(contents) && !isSeq(contents)) {
				throw new UsageError(`${file}:${lineOf(located, [])}: not a Kubernetes object`, 'each document must be a mapping with apiVersion, kind and metadata');
			}
			const value = documentValue(located);
			const entries: Array<{value: unknown; path: PropertyKey[]}> = [];
			if (isObject(value) && value['kind'] === 'List' || isObject(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
				(value['items'] as unknown[]).forEach((item, index) => entries.push({value: item, path: ['items', index]}));
			} else if (Array.isArray(value)) {
				value.forEach((item, index) => entries.push({value: item, path: [index]}));
			} else {
				entries.push({value, path: []});
			}
			for (const entry of entries) {
				const line = lineOf(located, entry.path);
				const object = entry.value;
				const missing = !isObject(object)
					? 'not a Kubernetes object'
					: typeof object['apiVersion'] !== 'string'
						? 'apiVersion is missing'
						: typeof object['kind'] !== 'string'
							? 'kind is missing'
							: !isObject(object['metadata']) || typeof object['metadata']['name'] !== 'string'
								? 'metadata.name is missing'
								: undefined;
				if (missing) throw new UsageError(`${file}:${line}: ${missing}`, 'fix the manifest; each object needs apiVersion, kind and metadata.name');
				const kubeObject = object as KubeObject;
				if (objects.length >= manifestLimits.objects) throw new UsageError(`${file}:${line}: more than ${manifestLimits.objects} objects in the manifests (limit)`, 'audit the folders in several runs');
				objects.push(kubeObject);
				locations.set(kubeObject, {file, line});
			}
		}
	}
	return {objects, locations, skipped};
}

export function manifestSource(paths: readonly string[], options: {readonly onSkip?: (skipped: SkippedPath) => void} = {}): ClusterSource {
	const {objects, locations} = readManifests(paths, options);
	return memorySource(objects, {kind: 'manifests', locations});
}
