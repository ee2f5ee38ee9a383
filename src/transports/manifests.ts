import {readFileSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {isMap, isSeq} from 'yaml';
import {parseYamlDocuments, lineOf} from '../catalog/yaml-source.js';
import {fileProblem, UsageError} from '../model/errors.js';
import type {KubeObject, SourceLocation} from '../model/kube.js';
import {memorySource} from '../engine/memory-source.js';
import type {ClusterSource} from '../engine/source.js';

const manifestFile = /\.(ya?ml|json)$/i;

function filesUnder(path: string): string[] {
	let stat;
	try {
		stat = statSync(path);
	} catch {
		throw new UsageError(`${path}: no such file or folder`, 'check the --manifests path');
	}
	if (!stat.isDirectory()) return [path];
	const out: string[] = [];
	for (const entry of readdirSync(path, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
		if (entry.name.startsWith('.')) continue;
		const child = join(path, entry.name);
		if (entry.isDirectory()) out.push(...filesUnder(child));
		else if (manifestFile.test(entry.name)) out.push(child);
	}
	return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Kubernetes manifests: multi-document YAML, JSON (a superset YAML parses), kubectl's `kind: List`,
 * folders recursively. Anything that is not an object with apiVersion, kind and metadata.name is
 * refused with its file and line, so a typo never passes as "nothing to check".
 */
export function readManifests(paths: readonly string[]): {objects: KubeObject[]; locations: Map<KubeObject, SourceLocation>} {
	const objects: KubeObject[] = [];
	const locations = new Map<KubeObject, SourceLocation>();
	for (const file of paths.flatMap(filesUnder)) {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			throw new UsageError(`${file}: cannot read: ${fileProblem(error)}`, 'check the file permissions');
		}
		for (const located of parseYamlDocuments(file, text)) {
			const contents = located.doc.contents;
			if (contents === null) continue;
			if (!isMap(contents) && !isSeq(contents)) {
				throw new UsageError(`${file}:${lineOf(located, [])}: not a Kubernetes object`, 'each document must be a mapping with apiVersion, kind and metadata');
			}
			const value = located.doc.toJS() as unknown;
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
				objects.push(kubeObject);
				locations.set(kubeObject, {file, line});
			}
		}
	}
	return {objects, locations};
}

export function manifestSource(paths: readonly string[]): ClusterSource {
	const {objects, locations} = readManifests(paths);
	return memorySource(objects, {kind: 'manifests', locations});
}
