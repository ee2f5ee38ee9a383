import {closeSync, existsSync, mkdirSync} from 'node:fs';
import {userInfo} from 'node:os';
import {dirname, join} from 'node:path';
import {appendLine, openAppendable} from '../state-folder.js';
import {fileProblem, UsageError} from '../model/errors.js';
import {readTextFile} from '../transports/input-file.js';
import {z} from 'zod';
import {FindingRefSchema, NodeRefSchema, ObjectRefSchema, PatchTypeSchema, RestartSchema, UnitStateSchema, WindowsSettingSchema} from './model.js';

/** Years of changes fit; a log past this is no log of ours (and would not fit in memory). */
const logFileBytes = 1024 * 1024 * 1024;

/**
 * The record of every change: JSON lines in the user's state folder (and `--log FILE`), one per
 * change applied, rolled back, failed or undone. An entry holds what `undo` needs, so a change
 * can be reverted from another shell, another day.
 */
export const UndoSchema = z.discriminatedUnion('type', [
	/** Reverts a patch: the JSON patch from the state after to the state before. */
	z.object({type: z.literal('kube-patch'), ref: ObjectRefSchema, patch: z.array(z.unknown())}),
	/** Reverts a create. */
	z.object({type: z.literal('kube-delete'), ref: ObjectRefSchema}),
	/** Puts the backup (taken beside the file, mode and owner kept) back. */
	z.object({
		type: z.literal('file-restore'),
		node: NodeRefSchema,
		path: z.string(),
		backup: z.string(),
		validate: z.string().optional(),
		reload: z.enum(['sshd', 'sysctl', 'auditd']).optional(),
		/** kubelet / containerd: undo runs the same node-safe rollout as the fix. */
		restart: RestartSchema.optional(),
	}),
	/** Removes a file the change created. */
	z.object({type: z.literal('file-remove'), node: NodeRefSchema, path: z.string(), validate: z.string().optional(), reload: z.enum(['sshd', 'sysctl', 'auditd']).optional()}),
	z.object({type: z.literal('mode'), node: NodeRefSchema, path: z.string(), mode: z.string(), owner: z.string(), group: z.string()}),
	/** Puts units back as they were before the services fix: links, enablement, running. */
	z.object({type: z.literal('service-state'), node: NodeRefSchema, states: z.array(UnitStateSchema)}),
	/** Sets a Windows setting back to its recorded state. */
	z.object({type: z.literal('windows-state'), node: NodeRefSchema, setting: WindowsSettingSchema, name: z.string(), state: z.record(z.string(), z.string())}),
]);
export type Undo = z.infer<typeof UndoSchema>;

/** What was sent to the target, exactly: the request body, or the file and mode written. */
export const SentSchema = z.discriminatedUnion('type', [
	z.object({type: z.literal('kube'), operation: z.enum(['patch', 'create', 'delete']), patchType: PatchTypeSchema.optional(), body: z.unknown()}),
	z.object({type: z.literal('file'), path: z.string(), sha256: z.string(), bytes: z.number(), mode: z.string().optional(), removed: z.boolean().optional()}),
	z.object({type: z.literal('mode'), path: z.string(), mode: z.string(), owner: z.string(), group: z.string()}),
]);

export const LogEntrySchema = z.object({
	id: z.string(),
	time: z.string(),
	operator: z.string(),
	cluster: z.object({context: z.string().nullable(), server: z.string().nullable()}).optional(),
	/** One line naming the target: `Deployment/shop/web`, `node/moc-a:/etc/ssh/sshd_config.d/00-aks-harden.conf`. */
	target: z.string(),
	checks: z.array(z.string()),
	fixes: z.array(FindingRefSchema).default([]),
	playbooks: z.array(z.string()),
	planId: z.string().optional(),
	changeId: z.string().optional(),
	beforeDigest: z.string(),
	afterDigest: z.string(),
	/** What happened to the target: for a Kubernetes change, the object before and as the server returned it. */
	diff: z.string(),
	sent: SentSchema.optional(),
	/** `refused`: the tool would not touch the target (the plan was edited, the target changed since planning, the last Ready node…). */
	result: z.enum(['applied', 'rolled-back', 'failed', 'undone', 'refused']),
	message: z.string().optional(),
	/** A node-safe rollout's steps as they happened: preflight, cordon, drain, backup, write, restart, ready, uncordon. */
	steps: z.array(z.object({time: z.string(), step: z.string(), message: z.string()})).optional(),
	verified: z.array(z.object({checkId: z.string(), target: z.string(), status: z.string(), message: z.string().optional()})).optional(),
	undo: UndoSchema.optional(),
	/** On an `undone` entry: the change it reverted. */
	undoes: z.string().optional(),
	/** The run that wrote the entry (process id and start time): runs sharing a state folder stay apart. */
	run: z.string().optional(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

const runId = `${process.pid}@${new Date().toISOString()}`;

export function operatorName(): string {
	try {
		return userInfo().username;
	} catch {
		return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
	}
}

/** A log file that could not take an entry: the change happened, its record did not. */
export type LogFailure = {readonly file: string; readonly id: string; readonly reason: string};

export class AuditLog {
	readonly files: readonly string[];
	/** Entries some file did not take (disk full, a file swapped for a device): said at the end of the run. */
	readonly failures: LogFailure[] = [];
	constructor(files: readonly string[]) {
		this.files = [...new Set(files)];
	}

	/**
	 * Before anything is changed: every log file can be appended to and is a regular file (a
	 * `--log` that is a named pipe would block the run after its first change, /dev/full would
	 * fail it). Throws a UsageError naming the file.
	 */
	check(): void {
		for (const file of this.files) {
			try {
				mkdirSync(dirname(file), {recursive: true});
				closeSync(openAppendable(file));
			} catch (error) {
				throw new UsageError(`cannot write the audit log ${file}: ${fileProblem(error)}`, 'pass --log a regular file you can write (or leave --log out); nothing was changed');
			}
		}
	}

	static at(stateFolder: string, extra?: string): AuditLog {
		return new AuditLog([join(stateFolder, 'changes.jsonl'), ...(extra ? [extra] : [])]);
	}

	/**
	 * Appends to every log file. A line is written whole under the file's lock, so readers never
	 * see half an entry and two runs sharing the state folder never interleave their lines.
	 */
	append(entry: LogEntry): void {
		const line = `${JSON.stringify(LogEntrySchema.parse({...entry, run: entry.run ?? runId}))}\n`;
		for (const file of this.files) {
			try {
				appendLine(file, line);
			} catch (error) {
				// The change is made: write the other files, and let the run say which record is missing.
				this.failures.push({file, id: entry.id, reason: fileProblem(error)});
			}
		}
	}

	/** One line for the end of a run whose changes were not all recorded, or undefined. */
	failureMessage(): string | undefined {
		if (!this.failures.length) return undefined;
		const files = [...new Set(this.failures.map((failure) => `${failure.file} (${failure.reason})`))];
		const ids = [...new Set(this.failures.map((failure) => failure.id))];
		return `the audit log could not be written: ${files.join(', ')}; not recorded there: ${ids.join(', ')}. Keep this output, it is the record of those changes`;
	}

	/** Entries of the first log file; a damaged line is skipped, not fatal, and reported. */
	read(file = this.files[0]!): {entries: LogEntry[]; damaged: number[]} {
		if (!existsSync(file)) return {entries: [], damaged: []};
		const entries: LogEntry[] = [];
		const damaged: number[] = [];
		readTextFile(file, logFileBytes)
			.split('\n')
			.forEach((line, index) => {
				if (!line.trim()) return;
				try {
					entries.push(LogEntrySchema.parse(JSON.parse(line)));
				} catch {
					damaged.push(index + 1);
				}
			});
		return {entries, damaged};
	}

	find(id: string): {entry?: LogEntry; undoneBy?: LogEntry} {
		for (const file of this.files) {
			const {entries} = this.read(file);
			const entry = entries.find((candidate) => candidate.id === id);
			if (entry) return {entry, ...(entries.find((candidate) => candidate.undoes === id) ? {undoneBy: entries.find((candidate) => candidate.undoes === id)!} : {})};
		}
		return {};
	}
}
