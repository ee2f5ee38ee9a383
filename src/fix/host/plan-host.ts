import {nodeProbeNames} from '../../catalog/load.js';
import {toCel} from '../../engine/cel.js';
import type {NodeFacts} from '../../engine/facts.js';
import type {NodeShell} from '../../transports/interfaces.js';
import {nodeRefOf, type FixContext} from '../context.js';
import {sha256, textDigest} from '../digest.js';
import {conditionKey, type LoadedPlaybook} from '../load.js';
import type {Change, FileChange, ModeChange, NodeRef, Plan, Restart} from '../model.js';
import {basePlan, instructionsOf, newId, withChanges, withStatus, type PlanItem} from '../plan-base.js';
import {isForbiddenKey, type DaemonRestart, type FileModeRules, type FileSet} from '../playbook.js';
import {gatherNodeFacts} from '../recheck.js';
import {credentialGuidance} from './registry-credentials.js';
import {unifiedDiff} from '../text-diff.js';
import {editFile, globMatches, render, setSshdMatchKeywords, sshdIncludes, sshdKeywordLine, type Setting} from './formats.js';
import {listMatching, readRemoteFile, RemoteError, type RemoteFile} from './remote.js';
import {planServiceState} from './services.js';
import {planAuditRules} from './audit-rules.js';
import {planWindowsState} from './windows-state.js';
import {planWindowsSshd} from './windows-sshd.js';
import {openNodeSession} from './node-session.js';

const durabilityNote = 'ephemeral: an AKS hybrid upgrade, scale-out or node reimage replaces the node image and discards this edit; raise it with the image owner too';

/**
 * One plan per node and playbook. The node's current state is read over SSH (the probes, as the
 * audit ran them, and the files the playbook edits); the new content is computed here and shown
 * as a unified diff. Nothing is written while planning.
 */
export async function planHost(items: readonly PlanItem[], context: FixContext): Promise<Plan> {
	const {loaded} = items[0]!;
	const nodeName = (items[0]!.finding.target as {node: string}).node;
	const node = nodeRefOf(context, nodeName);
	const plan = basePlan(items, `${loaded.playbook.title} — node ${nodeName}`);
	if (loaded.playbook.risk === 'manual' || loaded.playbook.risk === 'never') {
		return withStatus(plan, loaded.playbook.risk === 'manual' ? 'manual' : 'refused', loaded.playbook.why?.trim() ?? '', {instructions: instructionsOf(loaded)});
	}
	const session = await openNodeSession(node, context);
	if (typeof session === 'string') return withStatus(plan, 'error', session);
	try {
		const probes = [...new Set(loaded.playbook.fixes.flatMap((id) => {
			const compiled = context.catalog.byId.get(id);
			return compiled ? nodeProbeNames(compiled) : [];
		}))];
		const facts = await gatherNodeFacts(context, session, node, probes);
		if (facts.node.reachable === false) return withStatus(plan, 'error', facts.node.error ?? 'node unreachable');
		for (const [name, result] of facts.probes) {
			if (result.error) return withStatus(plan, 'error', `probe ${name}: ${result.error}`);
		}
		const changes: Change[] = [];
		const warnings: string[] = [];
		const notes: string[] = [];
		let allRefused = false;
		const reload = loaded.playbook.steps.find((step) => step.type === 'service-reload');
		const restartStep = loaded.playbook.steps.find((step) => step.type === 'daemon-restart');
		const restart = restartStep?.type === 'daemon-restart' ? restartOf(restartStep, context) : undefined;
		for (const [index, step] of loaded.playbook.steps.entries()) {
			if (step.type === 'file-set') {
				const planned = await planFileSet(session, node, loaded, index, step, facts, items, warnings);
				if ('refused' in planned) return withStatus(plan, 'refused', planned.refused);
				changes.push(
					...planned.changes.map((change) =>
						restart ? {...change, restart, effects: [rolloutEffect(restart), ...change.effects]} : reload?.type === 'service-reload' ? {...change, reload: reload.service} : change,
					),
				);
			} else if (step.type === 'file-mode') {
				changes.push(...planModes(node, step, facts, items));
			} else if (step.type === 'audit-rules') {
				const planned = await planAuditRules(session, node, step, facts, items);
				if ('refused' in planned) return withStatus(plan, 'refused', planned.refused);
				changes.push(...planned.changes);
				notes.push(...planned.notes);
			} else if (step.type === 'registry-credentials') {
				const hosts = ((facts.probes.get('containerd-config')?.facts as {plaintextCredentials?: Array<{host: string}>} | undefined)?.plaintextCredentials ?? []).map((entry) => entry.host);
				const guidance = hosts.length ? await credentialGuidance(session, node, step.path, hosts) : undefined;
				if (guidance) notes.push(guidance);
			} else if (step.type === 'windows-sshd') {
				const planned = await planWindowsSshd(session, node, loaded, index, step, facts, items, neededSettings);
				if ('refused' in planned) return withStatus(plan, 'refused', planned.refused);
				changes.push(...planned.changes);
			} else if (step.type === 'windows-state') {
				const planned = await planWindowsState(session, node, step, facts, items, context);
				changes.push(...planned.changes);
				notes.push(...planned.notes);
				allRefused = !planned.changes.length && planned.notes.length > 0;
			} else if (step.type === 'service-state') {
				const planned = await planServiceState(session, node, step, facts, items, context);
				changes.push(...planned.changes);
				notes.push(...planned.notes);
				allRefused = !planned.changes.length && planned.notes.length > 0;
			}
		}
		// Every unit named was refused: say so rather than "nothing to do".
		if (!changes.length && allRefused) return withStatus({...plan, notes: [...plan.notes, ...notes]}, 'refused', notes.join('; '));
		return withChanges({...plan, notes: [...plan.notes, ...notes], impact: [plan.impact, durabilityNote].filter(Boolean).join(' ')}, changes.map((change) => ({...change, warnings: [...change.warnings, ...warnings]})));
	} catch (error) {
		if (error instanceof RemoteError) return withStatus(plan, 'error', error.message);
		throw error;
	} finally {
		session.close();
	}
}

/** Timeouts from the playbook, or as the operator set them (`--set readyTimeoutSeconds=60`). */
function restartOf(step: DaemonRestart, context: FixContext): Restart {
	const given = (name: string, fallback: number) => {
		const value = Number(context.parameters?.[name]);
		return Number.isInteger(value) && value > 0 ? value : fallback;
	};
	return {unit: step.unit, drainTimeoutSeconds: given('drainTimeoutSeconds', step.drainTimeoutSeconds), readyTimeoutSeconds: given('readyTimeoutSeconds', step.readyTimeoutSeconds)};
}

function rolloutEffect(restart: Restart): string {
	return `node-safe restart of ${restart.unit}: preflight (never the last Ready node of its pool without its name typed), cordon, drain through the Eviction API (PodDisruptionBudgets honoured, up to ${restart.drainTimeoutSeconds}s), back up, write, validate, restart ${restart.unit}, wait up to ${restart.readyTimeoutSeconds}s for Node Ready and health — else the backup goes back, ${restart.unit} restarts and the rollout stops — then uncordon`;
}

/** Settings the node needs: a `when` over the probe facts, or else a value that differs. */
function neededSettings(loaded: LoadedPlaybook, stepIndex: number, step: FileSet, facts: NodeFacts): Setting[] | {refused: string} {
	const bindings: Record<string, ReturnType<typeof toCel>> = {};
	for (const [name, result] of facts.probes) if (result.facts !== undefined) bindings[name.replaceAll('-', '_')] = toCel(result.facts);
	const out: Setting[] = [];
	for (const [settingIndex, setting] of step.settings.entries()) {
		let value = setting.value;
		const compute = loaded.conditions.get(conditionKey(stepIndex, settingIndex, 'compute'));
		if (compute) {
			const outcome = compute(bindings);
			if (!outcome.ok || (typeof outcome.value !== 'string' && typeof outcome.value !== 'bigint' && typeof outcome.value !== 'boolean')) {
				return {refused: `cannot compute ${setting.key} from the node's facts${outcome.ok ? '' : `: ${outcome.error}`}`};
			}
			value = typeof outcome.value === 'bigint' ? Number(outcome.value) : outcome.value;
		}
		const condition = loaded.conditions.get(conditionKey(stepIndex, settingIndex, 'when'));
		let needed: boolean;
		if (condition) {
			const outcome = condition(bindings);
			// A condition that cannot be evaluated (a fact the probe did not report) keeps the setting.
			needed = !outcome.ok || outcome.value === true;
		} else {
			const current = currentValue(step.format, setting.key, facts);
			needed = current === undefined || String(current).toLowerCase() !== render(value!).toLowerCase();
		}
		if (needed) {
			if (value === '') return {refused: `${setting.key} would be left empty: nothing the node supports is acceptable; set it by hand`};
			out.push({key: setting.key, value: value!});
		}
	}
	return out;
}

function currentValue(format: FileSet['format'], key: string, facts: NodeFacts): unknown {
	if (format === 'sshd') return (facts.probes.get('sshd')?.facts as Record<string, unknown> | undefined)?.[key.toLowerCase()];
	if (format === 'sysctl') return (facts.probes.get('sysctl')?.facts as Record<string, unknown> | undefined)?.[key.replaceAll('/', '.')];
	return undefined;
}

async function planFileSet(
	session: NodeShell,
	node: NodeRef,
	loaded: LoadedPlaybook,
	stepIndex: number,
	step: FileSet,
	facts: NodeFacts,
	items: readonly PlanItem[],
	warnings: string[],
): Promise<{changes: FileChange[]} | {refused: string}> {
	const settings = neededSettings(loaded, stepIndex, step, facts);
	if ('refused' in settings) return settings;
	const forbidden = settings.find((setting) => isForbiddenKey(step.format, setting.key, step.forbidden));
	if (forbidden) return {refused: `${forbidden.key} is never changed by aks-harden: pod networking and platform access depend on it`};
	const matchEdits = step.format === 'sshd' && step.main ? await planSshdMatchBlocks(session, node, step, items) : [];
	if (!settings.length) return {changes: matchEdits};
	let path = step.path;
	if (step.format === 'sshd' && step.main) path = await sshdTarget(session, step, settings, warnings);
	const overrides: string[] = [];
	if (step.pathFrom === 'kubelet-config') {
		const found = (facts.probes.get('kubelet-config')?.facts as {configPath?: string} | undefined)?.configPath;
		if (!found) return {refused: 'the kubelet probe found no --config file to edit'};
		path = found;
		// A drop-in merges over --config: a key it sets keeps the drop-in's value whatever the file says.
		const dropIns = (facts.probes.get('kubelet-config')?.facts as {dropIns?: Array<{path: string; keys: string[]}>} | undefined)?.dropIns ?? [];
		for (const dropIn of dropIns) {
			const overridden = settings.filter((setting) => dropIn.keys.some((key) => key === setting.key || key.startsWith(`${setting.key}.`))).map((setting) => setting.key);
			if (overridden.length) overrides.push(`${dropIn.path} (a --config-dir drop-in) sets ${overridden.join(', ')} and wins over ${found}: edit or remove it there too, or the check keeps failing`);
		}
		warnings.push(...overrides);
	}
	const current = await readRemoteFile(session, path);
	const before = current.exists ? current.content : undefined;
	let after: string;
	try {
		after = editFile(step.format, before, settings, loaded.playbook.id);
		if (step.format === 'sshd') after = setSshdMatchKeywords(after, fixedSettings(step));
	} catch (error) {
		return {refused: `${path} cannot be edited: ${error instanceof Error ? error.message : String(error)}`};
	}
	const others = matchEdits.filter((change) => change.path !== path);
	// The file already says it, a drop-in says otherwise: restarting the kubelet would change nothing.
	if (after === before && overrides.length) return {refused: overrides.join('; ')};
	if (after === before) return {changes: others};
	const shown = (value: Setting['value']) => (step.format === 'sshd' || step.format === 'sysctl' ? render(value) : Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
	const summary = `${current.exists ? 'edit' : 'create'} ${path} on ${node.name}: ${settings.map((setting) => `${setting.key} ${shown(setting.value)}`).join(', ')}`;
	return {changes: [fileChange(node, items, step, path, current, after, summary), ...others]};
}

function fileChange(node: NodeRef, items: readonly PlanItem[], step: FileSet, path: string, current: RemoteFile, after: string, summary: string): FileChange {
	const before = current.exists ? current.content : undefined;
	return {
		id: newId('change'),
		type: 'file',
		summary,
		fixes: items.map(({finding}) => ({checkId: finding.checkId, target: finding.target})),
		node,
		path,
		content: after,
		mode: current.exists ? current.mode : step.mode.replace(/^0?/, '0'),
		beforeDigest: textDigest(before),
		afterDigest: sha256(after),
		diff: unifiedDiff(`${node.name}:${path}`, before ?? '', after, {before: current.exists ? '' : ' (absent)', after: ' (planned)'}),
		effects: [describeFile(current, path), durabilityNote],
		warnings: [],
		validate: step.validate,
	};
}

/**
 * Settings with one fixed value (PasswordAuthentication no), the ones a Match block may not
 * loosen. Conditional ones (MaxAuthTries 4 when more) are left alone inside Match blocks: a
 * stricter value there is the operator's.
 */
function fixedSettings(step: FileSet): Setting[] {
	return step.settings.filter((setting) => setting.value !== undefined && !setting.when && !setting.compute).map((setting) => ({key: setting.key, value: setting.value!}));
}

/** Match blocks in sshd_config and the files it includes that loosen a fixed setting: one change per file. */
async function planSshdMatchBlocks(session: NodeShell, node: NodeRef, step: FileSet, items: readonly PlanItem[]): Promise<FileChange[]> {
	const fixed = fixedSettings(step);
	const main = await readRemoteFile(session, step.main!);
	if (!main.exists) return [];
	const paths = [step.main!];
	for (const include of sshdIncludes(main.content)) for (const path of await listMatching(session, include.pattern)) if (!paths.includes(path)) paths.push(path);
	const changes: FileChange[] = [];
	for (const path of paths) {
		const current = path === step.main ? main : await readRemoteFile(session, path);
		if (!current.exists) continue;
		const after = setSshdMatchKeywords(current.content, fixed);
		if (after === current.content) continue;
		const keys = fixed.filter((setting) => setSshdMatchKeywords(current.content, [setting]) !== current.content).map((setting) => `${setting.key} ${render(setting.value)}`);
		changes.push(fileChange(node, items, step, path, current, after, `edit the Match blocks of ${path} on ${node.name}: ${keys.join(', ')}`));
	}
	return changes;
}

function describeFile(current: RemoteFile, path: string): string {
	return current.exists
		? `backed up beside itself first (${path}.aks-harden-<UTC time>.bak, mode ${current.mode} ${current.owner}:${current.group} kept), replaced by an atomic rename`
		: 'a new file, written whole by an atomic rename; undo removes it';
}

/**
 * sshd reads the first value of each keyword. The drop-in wins only when the main file includes
 * its folder before setting that keyword itself; otherwise the main file is the one to edit.
 */
async function sshdTarget(session: NodeShell, step: FileSet, settings: readonly Setting[], warnings: string[]): Promise<string> {
	const main = await readRemoteFile(session, step.main!);
	if (!main.exists) return step.path;
	const include = sshdIncludes(main.content).find((candidate) => globMatches(candidate.pattern, step.path));
	if (!include) return step.main!;
	const earlierInMain = settings.filter((setting) => {
		const line = sshdKeywordLine(main.content, setting.key);
		return line !== undefined && line < include.line;
	});
	if (earlierInMain.length) return step.main!;
	for (const other of await listMatching(session, include.pattern)) {
		if (other >= step.path) continue;
		const file = await readRemoteFile(session, other);
		if (!file.exists) continue;
		const earlier = settings.filter((setting) => sshdKeywordLine(file.content, setting.key) !== undefined).map((setting) => setting.key);
		if (earlier.length) warnings.push(`${other} sorts before ${step.path} and sets ${earlier.join(', ')}: sshd keeps its value; edit or remove it`);
	}
	return step.path;
}

/** Modes as digits without bits beyond `max`; owner and group as the rule allows. */
function planModes(node: NodeRef, step: FileModeRules, facts: NodeFacts, items: readonly PlanItem[]): ModeChange[] {
	const files = ((facts.probes.get('file-modes')?.facts as {files?: Array<{path: string; mode: number; owner: string; group: string; kind: string}>} | undefined)?.files) ?? [];
	const changes: ModeChange[] = [];
	for (const file of files) {
		const rule = step.rules.find((candidate) => candidate.kind === file.kind);
		if (!rule) continue;
		const mode = parseInt(String(file.mode), 8);
		const wantedMode = (mode & parseInt(rule.max, 8)).toString(8);
		const owner = file.owner === rule.owner ? file.owner : rule.owner;
		const group = rule.groups.includes(file.group) ? file.group : rule.groups[0]!;
		const before = {mode: mode.toString(8), owner: file.owner, group: file.group};
		const after = {mode: wantedMode, owner, group};
		if (before.mode === after.mode && before.owner === after.owner && before.group === after.group) continue;
		const beforeText = `${before.mode.padStart(3, '0')} ${before.owner}:${before.group}`;
		const afterText = `${after.mode.padStart(3, '0')} ${after.owner}:${after.group}`;
		changes.push({
			id: newId('change'),
			type: 'mode',
			summary: `chmod/chown ${file.path} on ${node.name}: ${beforeText} → ${afterText}`,
			fixes: items.map(({finding}) => ({checkId: finding.checkId, target: finding.target})),
			node,
			path: file.path,
			before,
			after,
			beforeDigest: modeDigest(before),
			afterDigest: modeDigest(after),
			diff: `--- ${node.name}:${file.path} (mode)\n+++ ${node.name}:${file.path} (planned)\n-${beforeText}\n+${afterText}\n`,
			effects: [durabilityNote],
			warnings: [],
		});
	}
	return changes;
}

export function modeDigest(stat: {mode: string; owner: string; group: string}): string {
	return sha256(`${parseInt(stat.mode, 8).toString(8)} ${stat.owner}:${stat.group}`);
}

/**
 * A kubelet or containerd fix: one plan for every node it applies to, its changes in node order,
 * so applying it is the rollout — one node after another, stopping at the first that fails.
 */
export async function planRollout(items: readonly PlanItem[], context: FixContext): Promise<Plan> {
	const byNode = new Map<string, PlanItem[]>();
	for (const item of items) {
		const node = (item.finding.target as {node: string}).node;
		byNode.set(node, [...(byNode.get(node) ?? []), item]);
	}
	const names = [...byNode.keys()].sort();
	const {playbook} = items[0]!.loaded;
	const plan = basePlan(items, `${playbook.title} — ${names.length} node${names.length === 1 ? '' : 's'}, one after another`);
	const changes: Change[] = [];
	const notes: string[] = [];
	const statuses = new Set<string>();
	let impact = plan.impact;
	for (const name of names) {
		const nodePlan = await planHost(byNode.get(name)!, context);
		impact = nodePlan.impact ?? impact;
		if (nodePlan.status === 'ready') changes.push(...nodePlan.changes);
		else if (nodePlan.status !== 'nothing-to-do') {
			notes.push(`${name}: ${nodePlan.status}: ${nodePlan.reason ?? ''}`.trim());
			statuses.add(nodePlan.status);
		}
	}
	// Refused on every node (a drop-in wins over the file): a refusal, not an error to retry.
	if (!changes.length && notes.length) return withStatus({...plan, notes}, statuses.size === 1 && statuses.has('refused') ? 'refused' : 'error', notes.join('; '));
	return withChanges({...plan, notes, ...(impact ? {impact} : {})}, changes);
}
