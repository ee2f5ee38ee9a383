// The demo environment kept in the state folder (<state folder>/demo/environment.json): the
// cluster's objects and the nodes' files as the last run left them. `fix --demo --plan` and a
// later `fix --demo --apply`, `undo`, or a walkthrough then act on one demo, as on a real
// cluster. Removing the folder starts the demo afresh.
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import {z} from 'zod';
import type {KubeObject} from '../model/kube.js';
import {SimNodeSchema, type SimNode} from './node-files.js';

const SavedSchema = z.object({
	version: z.literal(1),
	objects: z.array(z.record(z.string(), z.unknown())),
	nodes: z.record(z.string(), SimNodeSchema),
});

export type SavedDemo = {readonly objects: readonly KubeObject[]; readonly nodes: Record<string, SimNode>};

export function demoStateFile(stateFolder: string): string {
	return join(stateFolder, 'demo', 'environment.json');
}

/** The saved demo, or undefined when there is none (or it cannot be read: the demo starts afresh). */
export function readSavedDemo(stateFolder: string): {saved?: SavedDemo; problem?: string} {
	const file = demoStateFile(stateFolder);
	if (!existsSync(file)) return {};
	try {
		const parsed = SavedSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
		return {saved: {objects: parsed.objects as unknown as KubeObject[], nodes: parsed.nodes}};
	} catch (error) {
		return {problem: `${file} is damaged (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the demo starts afresh`};
	}
}

/** One atomic replace: a run stopped half-way leaves the previous state, never half a file. */
export function saveDemo(stateFolder: string, demo: SavedDemo): void {
	const file = demoStateFile(stateFolder);
	mkdirSync(join(stateFolder, 'demo'), {recursive: true, mode: 0o700});
	writeFileAtomic.sync(file, `${JSON.stringify({version: 1, objects: demo.objects, nodes: demo.nodes})}\n`, {mode: 0o600});
}
