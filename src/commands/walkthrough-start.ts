import {pssVersionOption} from '../model/pss.js';
import {claimSessionFile} from '../state-folder.js';
import {demoCluster} from '../demo/context.js';
import {mkdirSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {loadCatalog} from '../catalog/load.js';
import {runAudit} from '../engine/run.js';
import type {EngineListener} from '../model/events.js';
import type {Report} from '../model/report.js';
import {renderReport, reportExtensions} from '../report/render.js';
import {reportContext} from '../report/context.js';
import {ConnectionError} from '../model/errors.js';
import {version} from '../version.js';
import {connectionSettings, openEnvironment, type Environment} from './environment.js';
import {connectionOptions, listOption, parse, sectionsOption} from './options.js';
import {selectChecks, withoutClusterQuestions} from './select.js';
import {auditSettings, defaultSettingsFile, readSettingsFile} from './settings.js';
import {saveDecisionsFile} from './decisions-file.js';
import {sessionFileFor} from '../paths.js';
import {fileSessionStore} from './session-store.js';
import {writeAtomically} from './write-output.js';
import type {AuditOptions, WalkthroughDeps, WalkthroughFixes} from '../ui/deps.js';
import {fixTargetCount as countTargets} from '../ui/fix-count.js';
import type {Catalog} from '../catalog/load.js';
import type {AuditSettings} from '../engine/facts.js';
import type {FixContext, FixTransport} from '../fix/context.js';
import {stateDir} from '../paths.js';
import type {Redactor} from '../engine/redact.js';
import type {Instance} from 'ink';

export const walkthroughOptions = {...connectionOptions, resume: {type: 'boolean'}} as const;

export const walkthroughHelp = `Usage: aks-harden [options]

The interactive walkthrough: every section of "Container security in AKS hybrid" as a live
checklist, with the evidence, fixes you confirm, attestations and waivers. Needs a terminal; for
scripts and CI use \`aks-harden audit\`. Keys: press ? on any screen.

Source (default: the current kubeconfig context; the demo when there is no kubeconfig at all —
a cluster that does not answer is shown as such, never replaced by the demo):
  --demo                    the built-in demo AKS hybrid environment
  --kubeconfig FILE         kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)
  --context NAME            kubeconfig context
  --manifests PATH          walk through manifest files or folders instead of a cluster (repeatable)
  --resume                  pick up this cluster's saved session (findings, attestations, waivers,
                            notes) where it was left; without it a new session starts
Nodes (reached over SSH as clouduser on Linux, Administrator on Windows):
  --nodes a,b  --no-nodes  --inventory FILE  --ssh-user USER  --ssh-key FILE  --ssh-port N
  --jump HOST  --known-hosts FILE  --accept-new-host-keys  --concurrency N  --timeout 60s
Selection:
  --sections a,b            images, host, resources, secrets, isolation, monitoring, certificates
  --checks id,prefix*       only these checks
  --waivers FILE            settings and decisions (default ./.aks-harden.yaml); the waivers,
                            attestations and notes you make are written to it
  -h, --help                this help

The session is saved as you go in the state folder (~/.local/state/aks-harden,
%LOCALAPPDATA%\\aks-harden on Windows). \`aks-harden --help\` lists the other commands.
`;

/**
 * `aks-harden` with no command: the walkthrough on the current context, or on the demo
 * environment when asked (--demo) or when there is no kubeconfig at all (it says so on screen).
 * A cluster that cannot be reached gets a screen with the reason and the next step, and exit 2.
 */
export async function startWalkthrough(args: readonly string[], startingScreen?: Instance): Promise<number> {
	let starting = startingScreen;
	// Until the walkthrough takes the terminal over, an error must first give it back.
	const release = async () => {
		if (!starting) return;
		starting.unmount();
		await starting.waitUntilExit().catch(() => {});
	};
	let quitEarly = false;
	void starting?.waitUntilExit().then(() => (quitEarly = true), () => (quitEarly = true));
	let prepared;
	try {
		prepared = await prepare(args);
	} catch (error) {
		if (error instanceof ConnectionError && starting && !quitEarly) {
			const {showConnectionProblem} = await import('../ui/render-problem.js');
			await showConnectionProblem(starting, {message: error.message, ...(error.nextStep ? {nextStep: error.nextStep} : {})});
			starting = undefined;
		}
		await release();
		throw error;
	}
	if (prepared === 'help') return 0;
	const {deps, environment: connection} = prepared;
	try {
		if (quitEarly) return 130;
		const ui = await import('../ui/run-walkthrough.js');
		return starting ? await ui.runWalkthroughIn(starting, deps) : await ui.runWalkthrough(deps);
	} finally {
		await connection.close();
	}
}

async function prepare(args: readonly string[]): Promise<'help' | {deps: WalkthroughDeps; environment: Environment}> {
	const {values} = parse(args, walkthroughOptions, 'walkthrough');
	if (values.help) {
		process.stdout.write(walkthroughHelp);
		return 'help';
	}
	// Every flag is judged before anything is opened: a bad one is an error, never the demo.
	const settingsFile = readSettingsFile(values.waivers);
	const connectionFlags = connectionSettings(values, settingsFile);
	const catalog = loadCatalog();
	const selected = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)});
	const checks = values.manifests?.length ? withoutClusterQuestions(selected, listOption(values.checks)) : selected;
	pssVersionOption(values['pss-version']);
	const {registerPrompts, prompts} = promptBridge();

	const connection = await openEnvironment(connectionFlags, {prompts, demoWithoutKubeconfig: true});
	const settings = auditSettings(settingsFile, catalog.exceptions, connection.allowedRegistries, pssVersionOption(values['pss-version']));
	// The demo's server port changes every run; its session is keyed by context alone. A second
	// walkthrough on the same cluster saves to a file of its own rather than over this one's.
	const session = claimSessionFile(sessionFileFor(connection.info.context, connection.info.isDemo ? 'demo' : connection.info.server));
	const notes = [connection.info.note, session.note].filter(Boolean).join('; ');
	const deps: WalkthroughDeps = {
		...walkthroughDeps(connection, {catalog, checks, settings}),
		connection: {...connection.info, ...(notes ? {note: notes} : {})},
		sessions: fileSessionStore(session.file),
		resume: values.resume === true,
		prefs: (await import('./prefs.js')).createPrefs(),
		registerPrompts,
		version,
		// The walkthrough's waivers, attestations and notes go where the headless audit reads them.
		decisions: {
			path: resolve(values.waivers ?? defaultSettingsFile),
			initial: settingsFile,
			save: async (decisions) => saveDecisionsFile(values.waivers ?? defaultSettingsFile, decisions),
		},
	};
	mkdirSync(dirname(deps.sessions.file), {recursive: true});
	return {deps, environment: connection};
}

type DepsOptions = {
	readonly catalog: Catalog;
	readonly checks: ReturnType<typeof selectChecks>;
	readonly settings: AuditSettings;
	/** Where the fix audit log goes; defaults to the state folder. */
	readonly stateFolder?: string;
};

/**
 * What the walkthrough runs against an environment: the audit, exports, and guided fixes through
 * the same planner and applier as `aks-harden fix`. Tests call it with their own environment.
 */
export function walkthroughDeps(connection: Environment, {catalog, checks, settings, stateFolder}: DepsOptions): Omit<WalkthroughDeps, 'sessions' | 'resume' | 'prefs'> {
	let lastRedactor: Redactor | undefined;
	return {
		catalog,
		connection: connection.info,
		nodes: connection.nodes?.list ?? [],
		async startAudit(onEvent: EngineListener, options: AuditOptions) {
			const selected = options.checkIds ? checks.filter(({check}) => options.checkIds!.includes(check.id)) : checks;
			const excluded = new Set(options.excludeNodes ?? []);
			const result = await runAudit({
				catalog,
				checks: selected,
				settings,
				...(connection.reader ? {cluster: connection.reader} : {clusterUnavailable: connection.readerUnavailable}),
				...(connection.nodes ? {nodes: {...connection.nodes, list: connection.nodes.list.filter((node) => !excluded.has(node.name))}} : {}),
				version,
				onEvent,
				...(options.signal ? {signal: options.signal} : {}),
			});
			lastRedactor = result.redactor;
			return {report: result.report};
		},
		async exportReport(report: Report, format, chosen) {
			const stamp = report.finishedAt.replace(/[:.]/g, '-');
			const name = `aks-harden-${(report.cluster.context ?? 'audit').replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}.${reportExtensions[format]}`;
			const path = resolve(chosen?.trim() || name);
			writeAtomically(path, renderReport(report, format, reportContext(catalog.checks), lastRedactor ? {redactor: lastRedactor} : {}));
			return path;
		},
		fixes: lazyFixes(connection, {catalog, settings, ...(stateFolder ? {stateFolder} : {})}),
	};
}

/**
 * Fixes built on first use: the playbooks and the fix modules cost time the walkthrough should
 * not spend before its first frame, and many sessions never fix anything.
 */
function lazyFixes(connection: Environment, options: Pick<DepsOptions, 'catalog' | 'settings' | 'stateFolder'>): WalkthroughFixes {
	let built: Promise<WalkthroughFixes> | undefined;
	const build = async (): Promise<WalkthroughFixes> => {
		const [{loadPlaybooks}, {AuditLog}, {walkthroughFixes}, {fixTransport}] = await Promise.all([
			import('../fix/load.js'),
			import('../fix/audit-log.js'),
			import('../ui/fixes.js'),
			import('./fix.js'),
		]);
		const transport: FixTransport = fixTransport(connection);
		const context: FixContext = {
			catalog: options.catalog,
			playbooks: loadPlaybooks(undefined, options.catalog),
			settings: options.settings,
			transport,
			nodes: connection.nodes?.list ?? [],
		};
		// The demo is named as such in the log, so `aks-harden undo` later finds the demo again.
		const cluster = connection.info.isDemo ? demoCluster : {context: connection.info.context, server: connection.info.server};
		return walkthroughFixes(context, {log: AuditLog.at(options.stateFolder ?? stateDir()), cluster});
	};
	const fixes = () => (built ??= build());
	return {
		plan: async (findings) => (await fixes()).plan(findings),
		// Counting is pure: it needs no context, only the plans.
		confirmationNeeded: (plans) => countTargets(plans),
		apply: async (plans, confirmedCount, onEvent) => (await fixes()).apply(plans, confirmedCount, onEvent),
		undo: async (logId) => (await fixes()).undo!(logId),
	};
}

/** The SSH layer asks; the walkthrough answers once it has registered its dialogs. */
function promptBridge() {
	type Handlers = Parameters<NonNullable<WalkthroughDeps['registerPrompts']>>[0];
	let handlers: Handlers | undefined;
	return {
		registerPrompts(next: Handlers) {
			handlers = next;
			return () => {
				if (handlers === next) handlers = undefined;
			};
		},
		prompts: {
			async onHostKey(info: {target: {name: string; address: string; port: number}; fingerprint: string; keyType: string; state: 'unknown' | 'changed'}) {
				if (!handlers || info.state === 'changed') return 'refuse' as const;
				const decision = await handlers.onHostKey({node: info.target.name, host: info.target.address, port: info.target.port, keyType: info.keyType, fingerprint: info.fingerprint});
				return decision === 'accept-and-remember' ? ('accept-remember' as const) : decision;
			},
			async passphrase(keyPath: string) {
				if (!handlers) return undefined;
				return (await handlers.passphrase({keyPath})) ?? undefined;
			},
		},
	};
}
