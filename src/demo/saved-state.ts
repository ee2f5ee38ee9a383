// The demo environment kept in the state folder (<state folder>/demo/environment.json): the
// cluster's objects and the nodes' files as the last run left them. `fix --demo --plan` and a
// later `fix --demo --apply`, `undo`, or a walkthrough then act on one demo, as on a real
// cluster. Removing the folder starts the demo afresh.
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import {z} from 'zod';
import type {KubeObject} from '../model/kube.js';
import {withFileLock} from '../state-folder.js';
import {demoObjects} from './cluster.js';
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

/**
 * Writes what this run changed over what is saved: the cluster's objects when they changed, the
 * nodes it touched. Under the file's lock, re-read first, so a run fixing one node never undoes
 * what another run saved for a different node meanwhile; one atomic replace, so a run stopped
 * half-way leaves the previous state, never half a file.
 */
export function saveDemo(stateFolder: string, changes: {readonly objects?: readonly KubeObject[]; readonly nodes: Readonly<Record<string, SimNode>>}): void {
	const file = demoStateFile(stateFolder);
	mkdirSync(join(stateFolder, 'demo'), {recursive: true, mode: 0o700});
	withFileLock(file, () => {
		const current = readSavedDemo(stateFolder).saved;
		const objects = changes.objects ?? current?.objects ?? demoObjects();
		const nodes = {...current?.nodes, ...changes.nodes};
		writeFileAtomic.sync(file, `${JSON.stringify({version: 1, objects, nodes})}\n`, {mode: 0o600});
	});
}
