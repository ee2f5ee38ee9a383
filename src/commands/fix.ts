import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {createInterface} from 'node:readline/promises';
import {loadCatalog, type Catalog} from '../catalog/load.js';
import {runAudit} from '../engine/run.js';
import {decide} from '../engine/decisions.js';
import {fileProblem, UsageError} from '../model/errors.js';
import type {Finding} from '../model/finding.js';
import {version} from '../version.js';
import {applyPlan, confirmationNeeded} from '../fix/apply.js';
import {AuditLog} from '../fix/audit-log.js';
import type {FixContext, FixTransport} from '../fix/context.js';
import type {ChangeResult, FixEvent} from '../fix/events.js';
import {loadPlaybooks, type Playbooks} from '../fix/load.js';
import {targetsOf, type Plan} from '../fix/model.js';
import {planFile, readPlanFile} from '../fix/plan-file.js';
import {planFixes} from '../fix/plan.js';
import {renderPlan, renderResult} from '../fix/render.js';
import {exportPolicies, planAdmissionPolicies, policyYaml} from '../fix/admission-policy.js';
import {planManifestFixes, readBack} from '../fix/manifests.js';
import {targetKey} from '../model/target.js';
import type {KubeObject} from '../model/kube.js';
import {memorySource} from '../engine/memory-source.js';
import {readManifests} from '../transports/manifests.js';
import {connectionSettings, noNodeReached, openEnvironment, type Environment} from './environment.js';
import {interrupts} from './interrupt.js';
import {connectionOptions, listOption, parse, sectionsOption} from './options.js';
import {selectChecks} from './select.js';
import {auditSettings, readSettingsFile} from './settings.js';
import {stateDir} from '../paths.js';
import {demoCluster, isDemoCluster} from '../demo/context.js';
import {checkOutputTarget, writeAtomically} from './write-output.js';
import {printable, reportSkipped, writeErr, writeOut} from './terminal.js';
import {readTextFile} from '../transports/input-file.js';
import {maxManifestBytes} from '../transports/manifest-files.js';

export const fixHelp = `Usage: aks-harden fix [options]

Guided fixes for failing findings. Every change shows its risk (safe, guided, manual, never),
whether it lasts (persistent: a Kubernetes object; ephemeral: a host edit an AKS hybrid upgrade or
reimage discards) and the exact diff. Kubernetes changes are dry-run on the server first; host
files are backed up beside themselves, replaced by an atomic rename and validated. Each applied
change is re-checked and recorded in the audit log; \`aks-harden undo ID\` reverts it.

Modes:
  (none)                    on a terminal: audit, then show each fix and ask before applying it
  --plan FILE               audit, plan the safe and guided fixes, write them (with their diffs
                            and the digests of what they change) to FILE for review
  --apply FILE              apply exactly the plans in FILE (the file is the confirmation);
                            a target that changed since the plan is refused
  --export-policies DIR     write ValidatingAdmissionPolicy + binding manifests for the selected
                            cluster checks to DIR (validationActions Warn, Audit)
  --deny                    with --export-policies: validationActions Deny
  --export-policies DIR --plan FILE   also plan applying them (dry-run on the server, diff);
                            \`fix --apply FILE\` then applies them
  --manifests PATH          fix workload manifest files instead of a cluster: print the diff
  --write                   with --manifests: edit the files in place (comments and key order kept)

Options:
  --set NAME=VALUE          a playbook parameter (runAsUser=10001, cpuLimit=500m, level=restricted,
                            limitRange=@file.yaml reads a file); repeatable
  --log FILE                also append the audit log to FILE (always: <state folder>/changes.jsonl)
  --confirm-node NAME       kubelet/containerd rollouts: allow restarting NAME even when it is the
                            last Ready node of its pool (or its pool has one node); repeatable
  --checks id,prefix*  --sections a,b     which findings to fix
  Connection options as for \`aks-harden audit\`: --kubeconfig, --context, --demo, --nodes,
  --no-nodes, --inventory, --ssh-user, --ssh-key, --ssh-port, --known-hosts,
  --accept-new-host-keys, --jump, --timeout, --waivers

Exit codes: 0 done (or nothing to do), 1 a change was refused, rejected, rolled back or failed,
2 the command could not run.
`;

export const fixOptions = {
	...connectionOptions,
	plan: {type: 'string'},
	apply: {type: 'string'},
	'export-policies': {type: 'string'},
	deny: {type: 'boolean'},
	write: {type: 'boolean'},
	set: {type: 'string', multiple: true},
	log: {type: 'string'},
	'confirm-node': {type: 'string', multiple: true},
} as const;

type Values = ReturnType<typeof parse<typeof fixOptions>>['values'];

export async function fixCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, fixOptions, 'fix');
	if (values.help) {
		writeOut(fixHelp);
		return 0;
	}
	if (positionals.length) throw new UsageError(`fix takes no arguments (got "${positionals[0]}")`, 'see `aks-harden fix --help`');
	const modes = ['plan', 'apply', 'export-policies'].filter((mode) => values[mode as keyof Values] !== undefined);
	// --export-policies with --plan: the files, and a plan that applies them.
	const isPolicyPlan = modes.length === 2 && modes.includes('plan') && modes.includes('export-policies');
	if (modes.length > 1 && !isPolicyPlan) throw new UsageError(`--${modes.join(' and --')} cannot be combined`, 'run them one after the other');
	if (values.deny && !values['export-policies']) throw new UsageError('--deny goes with --export-policies DIR', 'see `aks-harden fix --help`');
	if (values.write && !values.manifests?.length) throw new UsageError('--write goes with --manifests PATH', 'see `aks-harden fix --help`');
	if (values['export-policies']) return exportPoliciesCommand(values['export-policies'], values);
	if (values.manifests?.length && !values.apply) return manifestsCommand(values);
	if (values.apply) return applyCommand(values.apply, values);
	if (values.plan) return planCommand(values.plan, values);
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		throw new UsageError('fix asks before each change and needs a terminal', 'for scripts: `aks-harden fix --plan FILE`, review FILE, then `aks-harden fix --apply FILE`');
	}
	return interactiveCommand(values);
}

/** `--set name=value` (value `@file` reads the file: an edited LimitRange, for instance). */
export function parameterOption(list: readonly string[] | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const item of list ?? []) {
		const at = item.indexOf('=');
		if (at <= 0) throw new UsageError(`--set ${item}: expected NAME=VALUE`, 'for example --set runAsUser=10001');
		const name = item.slice(0, at);
		let value = item.slice(at + 1);
		if (value.startsWith('@')) {
			try {
				value = readTextFile(value.slice(1));
			} catch (error) {
				throw new UsageError(`--set ${name}: cannot read ${value.slice(1)}: ${fileProblem(error)}`, 'check the path');
			}
		}
		out[name] = value;
	}
	return out;
}

/** How fixes reach their targets in an environment: the same reader the audit used, its writer, its node shells. */
export function fixTransport(environment: Environment): FixTransport {
	return {
		...(environment.writer ? {kube: environment.writer} : {}),
		...(environment.reader ? {clusterSource: environment.reader} : {}),
		...(environment.openNode ? {openNode: environment.openNode} : {}),
	};
}

type Session = {
	readonly catalog: Catalog;
	readonly playbooks: Playbooks;
	readonly context: FixContext;
	readonly findings: readonly Finding[];
	readonly cluster: {context: string | null; server: string | null} | null;
	readonly close: () => Promise<void>;
};

/** Audit what the selected fixable checks say, with the transports a fix then writes through. */
async function auditForFixes(values: Values): Promise<Session> {
	const catalog = loadCatalog();
	const playbooks = loadPlaybooks(undefined, catalog);
	const checks = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)}).filter(({check}) =>
		playbooks.forFinding({checkId: check.id, ...(check.playbook ? {playbook: check.playbook} : {})}),
	);
	const settingsFile = readSettingsFile(values.waivers);
	const environment = await openEnvironment(connectionSettings(values, settingsFile));
	// Host fixes need a shell on the node; where the environment has none, the audit for fixes
	// leaves the nodes out rather than plan what cannot be applied. The demo's nodes have one.
	const nodes = environment.openNode ? environment.nodes : undefined;
	const settings = auditSettings(settingsFile, catalog.exceptions, environment.allowedRegistries ?? []);
	let result;
	try {
		result = await runAudit({
			catalog,
			checks,
			settings,
			...(environment.reader ? {cluster: environment.reader} : {clusterUnavailable: environment.readerUnavailable ?? 'no cluster'}),
			...(nodes ? {nodes} : {}),
			version,
		});
		for (const node of result.report.nodes) if (node.reachable === false) writeErr(`aks-harden: node ${printable(node.name)} unreachable: ${printable(node.error ?? '')}\n`);
		// Fail closed, as the audit does: a plan made with no node answering would plan nothing
		// for the nodes and read as "nothing to fix".
		const unreached = noNodeReached(result.report);
		if (unreached) throw unreached;
	} catch (error) {
		await environment.close();
		throw error;
	}
	// A waived finding is an accepted risk: it is not fixed behind the approver's back.
	const findings = decide(result.report.findings, settingsFile, new Date()).findings;
	const context: FixContext = {catalog, playbooks, settings, transport: fixTransport(environment), parameters: parameterOption(values.set), nodes: result.report.nodes};
	// A demo plan names the demo, not its server's port of the moment, so apply and undo find it again.
	const cluster = values.demo ? demoCluster : environment.reader && environment.info.server ? {context: environment.info.context, server: environment.info.server} : null;
	return {catalog, playbooks, context, findings, cluster, close: environment.close};
}

function tally(plans: readonly Plan[]): string {
	const counts = new Map<string, number>();
	for (const plan of plans) counts.set(plan.status, (counts.get(plan.status) ?? 0) + 1);
	return [...counts].map(([status, count]) => `${count} ${status}`).join(', ') || 'nothing to fix';
}

async function planCommand(path: string, values: Values): Promise<number> {
	checkOutputTarget(path);
	const session = await auditForFixes(values);
	try {
		const plans = await planFixes(session.findings, session.context);
		const file = planFile(plans, {version, cluster: session.cluster});
		writeAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
		for (const plan of plans) writeOut(`\n${renderPlan(plan)}`);
		const ready = plans.filter((plan) => plan.status === 'ready');
		const apply = `aks-harden fix${values.demo ? ' --demo' : ''} --apply ${path}`;
		writeOut(`\nPlanned: ${tally(plans)}. Wrote ${path}.\n${ready.length ? `Review it, then: ${apply}\n` : ''}`);
		return 0;
	} finally {
		await session.close();
	}
}

function printEvent(event: FixEvent): void {
	if (event.type === 'step') writeErr(`  ${event.step}: ${printable(event.message)}\n`);
	else if (event.type === 'change-started') writeErr(`→ ${printable(event.summary)}\n`);
}

function exitCode(results: readonly ChangeResult[]): number {
	return results.every((result) => result.outcome === 'applied' || result.outcome === 'nothing-to-do') ? 0 : 1;
}

async function applyCommand(path: string, values: Values): Promise<number> {
	const file = readPlanFile(path);
	const isDemoPlan = isDemoCluster(file.cluster);
	if (isDemoPlan && !values.demo) throw new UsageError(`${path} was planned on the demo environment`, `apply it there: aks-harden fix --demo --apply ${path}`);
	if (values.demo && file.cluster && !isDemoPlan) throw new UsageError(`${path} was planned against ${file.cluster.server ?? file.cluster.context}, not the demo`, `drop --demo: aks-harden fix --apply ${path}`);
	const ready = file.plans.filter((plan) => plan.status === 'ready');
	const others = file.plans.length - ready.length;
	if (others) writeOut(`${others} plan${others === 1 ? ' is' : 's are'} not ready (manual, refused, needing parameters or rejected) and ${others === 1 ? 'is' : 'are'} left out\n`);
	if (!ready.length) {
		writeOut(`${path} has no ready plan: nothing to do\n`);
		return 0;
	}
	const catalog = loadCatalog();
	const playbooks = loadPlaybooks(undefined, catalog);
	// A kubelet or containerd change cordons and drains its node through the API as well; the demo
	// (kept in the state folder, as the plan saw it) always brings its own cluster.
	const needsCluster = values.demo === true || ready.some((plan) => plan.changes.some((change) => change.type === 'kube' || (change.type === 'file' && change.restart)));
	const settingsFile = readSettingsFile(values.waivers);
	const environment = await openEnvironment(connectionSettings(values, settingsFile), {use: {cluster: needsCluster, nodes: false}});
	try {
		if (!values.demo && needsCluster && file.cluster?.server && file.cluster.server !== environment.info.server) {
			throw new UsageError(`${path} was planned against ${file.cluster.server}, but the kubeconfig points at ${environment.info.server}`, 'pass the --kubeconfig/--context the plan was made with');
		}
		const cluster = values.demo ? demoCluster : needsCluster ? {context: environment.info.context, server: environment.info.server} : file.cluster;
		const settings = auditSettings(settingsFile, catalog.exceptions, environment.allowedRegistries ?? []);
		return await applyReady(ready, {catalog, playbooks, settings, transport: fixTransport(environment)}, cluster ?? undefined, values);
	} finally {
		await environment.close();
	}
}

async function applyReady(ready: readonly Plan[], context: FixContext, cluster: {context: string | null; server: string | null} | undefined, values: Values): Promise<number> {
	const log = AuditLog.at(stateDir(), values.log);
	log.check();
	const results: ChangeResult[] = [];
	let isStopped = false;
	interrupts.stopGently = () => {
		isStopped = true;
	};
	interrupts.written = () => {
		const ids = results.flatMap((result) => (result.logId && result.outcome === 'applied' ? [result.logId] : []));
		return ids.length ? `${ids.length} change${ids.length === 1 ? '' : 's'} recorded before it (${ids.join(', ')}; undo each with \`aks-harden undo ID\`), nothing else written` : 'no change was applied, nothing was written';
	};
	for (const plan of ready) {
		if (isStopped) break;
		writeOut(`\n${renderPlan(plan, {withDiff: false})}`);
		// The plan file is the confirmation: its own target count is what the operator reviewed.
		const planResults = await applyPlan(plan, {context, confirmedCount: confirmationNeeded(plan), log, ...(cluster ? {cluster} : {}), onEvent: printEvent, confirmedNodes: values['confirm-node'] ?? []});
		for (const result of planResults) writeOut(renderResult(result));
		results.push(...planResults);
	}
	const applied = results.filter((result) => result.outcome === 'applied').length;
	const nothing = results.filter((result) => result.outcome === 'nothing-to-do').length;
	const other = results.length - applied - nothing;
	writeOut(`\n${applied ? `${applied} applied` : 'nothing applied'}${nothing ? `, ${nothing} already done (nothing to do)` : ''}${other ? `, ${other} not applied` : ''}. Audit log: ${log.files.join(', ')}\n`);
	if (isStopped) {
		process.stderr.write(interrupts.message());
		return 130;
	}
	return unrecorded(log) ?? exitCode(results);
}

/** Changes made but not all recorded: said in one line, and the run did not fully do its job (exit 2). */
export function unrecorded(log: AuditLog): number | undefined {
	const message = log.failureMessage();
	if (!message) return undefined;
	process.stderr.write(`aks-harden: ${printable(message)}\n  next: free the disk or fix the log file, then add the output above to your change record\n`);
	return 2;
}

/** On a terminal: each plan shown whole, each change (each stage) confirmed before it is applied. */
async function interactiveCommand(values: Values): Promise<number> {
	const log = AuditLog.at(stateDir(), values.log);
	log.check();
	const session = await auditForFixes(values);
	const prompt = createInterface({input: process.stdin, output: process.stdout});
	const results: ChangeResult[] = [];
	try {
		const plans = await planFixes(session.findings, session.context);
		if (!plans.length) writeOut('Nothing to fix among the selected checks.\n');
		for (const plan of plans) {
			writeOut(`\n${renderPlan(plan)}`);
			if (plan.status !== 'ready') continue;
			const staged = plan.changes.some((change) => change.type === 'kube' && change.stage);
			const groups = staged ? plan.changes.map((change) => [change.id]) : [plan.changes.map((change) => change.id)];
			for (const ids of groups) {
				const count = targetsOf(plan.changes.filter((change) => ids.includes(change.id))).length;
				const label = staged ? `stage "${(plan.changes.find((change) => change.id === ids[0]) as {stage?: string}).stage}"` : 'this change';
				let answer: string;
				try {
					answer = (await prompt.question(count > 1 ? `Apply to ${count} targets? Type ${count} to confirm, anything else skips: ` : `Apply ${label}? [y/N] `)).trim();
				} catch (error) {
					// Ctrl+D or Ctrl+C at the prompt: stop asking, apply nothing more.
					if ((error as Error).name === 'AbortError') {
						writeOut('\nstopped: nothing more applied\n');
						return unrecorded(log) ?? exitCode(results);
					}
					throw error;
				}
				const confirmed = count > 1 ? Number(answer) === count : /^y(es)?$/i.test(answer);
				if (!confirmed) {
					writeOut('  skipped\n');
					break;
				}
				const planResults = await applyPlan(plan, {
					context: session.context,
					confirmedCount: count,
					changeIds: ids,
					log,
					...(session.cluster ? {cluster: session.cluster} : {}),
					onEvent: printEvent,
					confirmedNodes: values['confirm-node'] ?? [],
				});
				for (const result of planResults) writeOut(renderResult(result));
				results.push(...planResults);
				if (planResults.some((result) => result.outcome !== 'applied' && result.outcome !== 'nothing-to-do')) break;
			}
		}
		return unrecorded(log) ?? exitCode(results);
	} finally {
		prompt.close();
		await session.close();
	}
}

/** `--export-policies DIR`: one YAML file per check, a ValidatingAdmissionPolicy and its binding. */
async function exportPoliciesCommand(dir: string, values: Values): Promise<number> {
	const catalog = loadCatalog();
	const checks = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)});
	const settings = auditSettings(readSettingsFile(values.waivers), catalog.exceptions);
	const {policies, skipped} = exportPolicies(checks, {allowedRegistries: settings.allowedRegistries, systemNamespaces: catalog.exceptions.systemNamespaces}, {deny: values.deny === true});
	try {
		mkdirSync(dir, {recursive: true});
	} catch (error) {
		throw new UsageError(`cannot create ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'pass a folder you can write to');
	}
	for (const policy of policies) {
		const file = join(dir, `${policy.checkId}.yaml`);
		writeAtomically(file, policyYaml(policy));
		writeOut(`wrote ${file} (${policy.name}, validationActions ${values.deny ? 'Deny' : 'Warn, Audit'})\n`);
	}
	for (const entry of skipped) writeOut(`skipped ${entry.checkId}: ${entry.reason}\n`);
	if (!policies.length) writeOut('no selected check can become an admission policy (container and workload checks can)\n');
	else if (values.plan) {
		const environment = await openEnvironment(connectionSettings(values), {use: {nodes: false}});
		try {
			if (!environment.writer) throw new UsageError('--export-policies with --plan needs a cluster to dry-run against', 'run it against a cluster (--kubeconfig FILE, --context NAME); without --plan the files alone are written');
			const plan = await planAdmissionPolicies(policies, environment.writer, {deny: values.deny === true});
			writeAtomically(values.plan, `${JSON.stringify(planFile([plan], {version, cluster: {context: environment.info.context, server: environment.info.server}}), null, 2)}\n`);
			writeOut(`\n${renderPlan(plan)}\nWrote ${values.plan}. Review it, then: aks-harden fix --apply ${values.plan}\n`);
		} finally {
			await environment.close();
		}
	} else {
		writeOut(
			`\nReview the files, then apply them as a guided step: \`kubectl apply --dry-run=server -f ${dir}\`, then \`kubectl apply -f ${dir}\`.\n` +
				(values.deny ? '' : 'They warn and audit only; once nothing is reported, export again with --deny to block.\n'),
		);
	}
	return 0;
}

/** `--manifests PATH [--write]`: the workload playbooks applied to files (GitOps), diff or in place. */
async function manifestsCommand(values: Values): Promise<number> {
	const catalog = loadCatalog();
	const playbooks = loadPlaybooks(undefined, catalog);
	const checks = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)}).filter(({check}) => {
		const loaded = playbooks.forFinding({checkId: check.id, ...(check.playbook ? {playbook: check.playbook} : {})});
		return loaded?.playbook.steps.some((step) => step.type === 'workload-patch');
	});
	const settingsFile = readSettingsFile(values.waivers);
	const {objects, locations} = readManifests(values.manifests ?? [], {onSkip: reportSkipped});
	const result = await runAudit({
		catalog,
		checks,
		settings: auditSettings(settingsFile, catalog.exceptions),
		cluster: memorySource(objects, {kind: 'manifests', locations}),
		version,
	});
	const findings = decide(result.report.findings, settingsFile, new Date()).findings;
	const files = new Map<string, string>();
	for (const location of locations.values()) if (!files.has(location.file)) files.set(location.file, readTextFile(location.file, maxManifestBytes));
	const located = objects.map((object) => ({object, location: locations.get(object)!}));
	const {edits, notes} = planManifestFixes(files, located, findings, playbooks, parameterOption(values.set));
	if (values.write && edits.length) {
		// Every edit read back and re-checked before any file is replaced: all of them, or none.
		const replaced = new Map<KubeObject, KubeObject>();
		for (const edit of edits) {
			const back = readBack(edit);
			if ('problem' in back) throw new UsageError(`${edit.file}: ${back.problem}: nothing was written`, 'run without --write to see the diff, and fix the file by hand');
			for (const [before, after] of back.objects) replaced.set(before, after);
		}
		const edited = objects.map((object) => replaced.get(object) ?? object);
		const editedLocations = new Map(objects.map((object, index) => [edited[index]!, locations.get(object)!]));
		const recheck = await runAudit({catalog, checks, settings: auditSettings(settingsFile, catalog.exceptions), cluster: memorySource(edited, {kind: 'manifests', locations: editedLocations}), version});
		for (const edit of edits) {
			for (const fix of edit.fixes) {
				const key = targetKey(fix.target);
				const status = recheck.report.findings.find((finding) => finding.checkId === fix.checkId && targetKey(finding.target) === key)?.status;
				if (status !== 'pass') throw new UsageError(`${edit.file}: ${fix.checkId} ${key} would still be ${status ?? 'missing'} after the edit: nothing was written`, 'run without --write to see the diff, and fix the file by hand');
			}
		}
	}
	for (const edit of edits) {
		if (values.write) {
			writeAtomically(edit.file, edit.after);
			writeOut(`fixed ${edit.file}: ${edit.fixes.map((fix) => fix.checkId).filter((id, index, all) => all.indexOf(id) === index).join(', ')}\n`);
		} else {
			writeOut(edit.diff);
		}
	}
	for (const note of notes) writeErr(`aks-harden: ${printable(note.target)}: ${note.status}: ${printable(note.reason)}\n`);
	if (!edits.length) writeOut('nothing to change in the manifests\n');
	else if (!values.write) writeOut(`\n${edits.length} file${edits.length === 1 ? '' : 's'} would change; pass --write to edit them in place\n`);
	return 0;
}
