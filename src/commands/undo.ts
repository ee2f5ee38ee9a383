import {createInterface} from 'node:readline/promises';
import {loadCatalog} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import {AuditLog, type LogEntry} from '../fix/audit-log.js';
import {demoCluster, isDemoCluster} from '../demo/context.js';
import {interrupts} from './interrupt.js';
import type {FixContext, FixTransport} from '../fix/context.js';
import {loadPlaybooks} from '../fix/load.js';
import {describeUndo, undoable, undoChange} from '../fix/undo.js';
import {fixTransport, unrecorded} from './fix.js';
import {connectionSettings, openEnvironment} from './environment.js';
import {connectionOptions, parse} from './options.js';
import {auditSettings, readSettingsFile} from './settings.js';
import {stateDir} from '../paths.js';

export const undoHelp = `Usage: aks-harden undo CHANGE-ID [--yes] [--force] [--log FILE] [connection options]

Revert a change recorded in the audit log (<state folder>/changes.jsonl, or --log FILE): a
Kubernetes object gets its previous state back (dry-run first), a host file its backup. The
change's checks are run again afterwards, and the undo is recorded too. A change made on the demo
is undone on the demo kept in the state folder (no kubeconfig needed).

  --yes          do not ask (scripts)
  --force        undo even though the target changed since the fix (its digest differs)
  --log FILE     look the change up in FILE as well, and record the undo there too
Connection options as for \`aks-harden fix\` (--kubeconfig, --context, --ssh-user, --ssh-key,
--known-hosts, --inventory, --jump, …).

Exit codes: 0 undone, 1 refused or failed, 2 the command could not run.
`;

export const undoOptions = {...connectionOptions, yes: {type: 'boolean'}, force: {type: 'boolean'}, log: {type: 'string'}, 'confirm-node': {type: 'string', multiple: true}} as const;

type UndoValues = ReturnType<typeof parse<typeof undoOptions>>['values'];

export async function undoCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, undoOptions, 'undo');
	if (values.help) {
		process.stdout.write(undoHelp);
		return 0;
	}
	const id = positionals[0];
	if (!id || positionals.length > 1) throw new UsageError('undo needs one change id', 'the ids are in the output of `aks-harden fix` and in the audit log');
	const connection = connectionSettings(values);
	const log = AuditLog.at(stateDir(), values.log);
	log.check();
	const found = undoable(log, id);
	if ('problem' in found) {
		if (!log.find(id).entry) throw new UsageError(found.problem, 'check the id; the log is JSON lines, one change per line');
		process.stderr.write(`aks-harden: ${found.problem}\n`);
		return 1;
	}
	const {entry} = found;
	process.stdout.write(`${entry.id}: ${entry.message ?? entry.result} (${entry.time}, by ${entry.operator})\nUndo will ${describeUndo(entry)}.\n`);

	// A change made on the demo is undone on the demo kept in the state folder.
	const onDemo = isDemoCluster(entry.cluster);
	if (values.demo && !onDemo) throw new UsageError(`${entry.id} was not made on the demo environment`, `drop --demo: aks-harden undo ${entry.id}`);
	// A Kubernetes change, or a daemon restart (which cordons and drains), goes through the API.
	const needsCluster = onDemo || entry.undo?.type === 'kube-patch' || entry.undo?.type === 'kube-delete' || (entry.undo?.type === 'file-restore' && entry.undo.restart !== undefined);
	const environment = await openEnvironment(onDemo ? {...connection, demo: true} : connection, {use: {cluster: needsCluster, nodes: false}});
	try {
		const server = environment.info.server;
		if (!onDemo && needsCluster && entry.cluster?.server && entry.cluster.server !== server && !values.force) {
			throw new UsageError(`${entry.id} was made on ${entry.cluster.server}, but the kubeconfig points at ${server}`, 'pass the --kubeconfig/--context of that cluster');
		}
		const cluster = onDemo ? demoCluster : needsCluster ? {context: environment.info.context, server} : undefined;
		return await confirmAndUndo(entry, values, {transport: fixTransport(environment), log, allowed: environment.allowedRegistries ?? [], ...(cluster ? {cluster} : {})});
	} finally {
		await environment.close();
	}
}

type UndoTarget = {readonly transport: FixTransport; readonly log: AuditLog; readonly allowed: readonly string[]; readonly cluster?: {context: string | null; server: string | null}};

async function confirmAndUndo(entry: LogEntry, values: UndoValues, {transport, log, allowed, cluster}: UndoTarget): Promise<number> {
	const id = entry.id;
	if (!values.yes) {
		if (!process.stdin.isTTY) throw new UsageError('undo asks for confirmation and stdin is not a terminal', 'pass --yes to undo without asking');
		const prompt = createInterface({input: process.stdin, output: process.stdout});
		let answer: string;
		try {
			answer = await prompt.question('Undo it? [y/N] ');
		} catch (error) {
			// Ctrl-C or Ctrl-D at the question: the terminal gives it to readline, not as a signal.
			if ((error as Error).name !== 'AbortError') throw error;
			process.stdout.write('\n');
			process.stderr.write(interrupts.message());
			return 130;
		} finally {
			prompt.close();
		}
		if (!/^y(es)?$/i.test(answer.trim())) {
			process.stdout.write('not undone\n');
			return 1;
		}
	}
	const catalog = loadCatalog();
	const context: FixContext = {catalog, playbooks: loadPlaybooks(undefined, catalog), settings: auditSettings(readSettingsFile(values.waivers), catalog.exceptions, allowed), transport};
	// An undo under way finishes (a host file is never left half restored); then Ctrl-C is said.
	let isStopped = false;
	interrupts.stopGently = () => {
		isStopped = true;
	};
	const result = await undoChange(id, {context, log, ...(values.force ? {force: true} : {}), ...(cluster ? {cluster} : {}), confirmedNodes: values['confirm-node'] ?? []});
	process.stdout.write(`${result.outcome === 'undone' ? '✔' : '✘'} ${result.outcome}: ${result.message}\n${result.logId ? `  recorded as ${result.logId}\n` : ''}`);
	if (isStopped) {
		interrupts.written = () => (result.logId ? `the undo had already run and is recorded as ${result.logId}` : 'nothing was written');
		process.stderr.write(interrupts.message());
		return 130;
	}
	return unrecorded(log) ?? (result.outcome === 'undone' ? 0 : 1);
}
