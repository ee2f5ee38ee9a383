// Guided fixes on Windows nodes (windows-state steps): disable a service, turn a firewall profile
// on, turn the SMBv1 server protocol off. Each change reads the setting's state first, records
// it, sets the new one and reads it back; undo sets the recorded state again. Everything runs as
// one PowerShell script over the node's SSH session, like the probes.
import {createHash} from 'node:crypto';
import {evaluateNode} from '../../engine/evaluate.js';
import type {NodeFacts} from '../../engine/facts.js';
import {buildWindowsNodeScript, normaliseWindowsOutput, windowsExecCommand} from '../../engine/windows-script.js';
import {splitNodeOutput, newMarker} from '../../engine/node-script.js';
import type {Finding} from '../../model/finding.js';
import type {NodeShell} from '../../transports/interfaces.js';
import {readJson, isObject, str} from '../../probes/windows/json.js';
import type {LogEntry, Undo} from '../audit-log.js';
import type {FixContext} from '../context.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import type {NodeRef, Plan, WindowsChange} from '../model.js';
import {newId, type PlanItem} from '../plan-base.js';
import type {WindowsState} from '../playbook.js';
import {recordChange} from '../record.js';
import {recheckNode} from '../recheck.js';
import {finishApplied, endingOf} from './finish.js';
import {applyWindowsSshd, undoWindowsSshd} from './windows-sshd.js';
import type {UndoDone, UndoOutcome} from './services.js';
import {messageOf, openNodeSession} from './node-session.js';

export type WindowsSetting = WindowsChange['setting'];
export type SettingState = Readonly<Record<string, string>>;

/**
 * Services the fix never disables, whatever a denylist or an edited plan says: the node itself,
 * how it is reached, and what manages it. Matched case-insensitively, as Windows names them.
 */
const protectedServices: ReadonlyArray<{readonly names: readonly string[]; readonly reason: string}> = [
	{names: ['sshd', 'ssh-agent'], reason: 'SSH is how the platform and the operator reach the node (as Administrator): stopping it locks them out'},
	{names: ['kubelet', 'kubeproxy', 'kube-proxy'], reason: 'the node\'s Kubernetes agents: stopping them takes the node NotReady and auto-repair reimages it'},
	{names: ['containerd', 'docker', 'hns', 'vmcompute'], reason: 'the container runtime and host networking every pod on the node runs on'},
	{names: ['wssdagent', 'mocguestagent', 'moc*', 'wssd*', 'himds', 'GCArcService', 'ExtensionService', 'AzureArcProxy', 'WindowsAzureGuestAgent', 'RdAgent', 'Azure*', 'AKS*'], reason: 'an Azure / MOC platform agent: it manages, repairs or reports on the node'},
	{names: ['mpssvc', 'BFE', 'WinDefend', 'EventLog', 'W32Time', 'Winmgmt', 'RpcSs', 'RpcEptMapper', 'DcomLaunch', 'SamSs', 'LSM', 'Dhcp', 'Dnscache', 'nsi', 'NlaSvc', 'netprofm', 'LanmanWorkstation', 'CryptSvc', 'Schedule', 'WinRM'], reason: 'a Windows service the node does not run, log, keep time, resolve names or stay secure without'},
];

function globMatch(name: string, glob: string): boolean {
	const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
	return new RegExp(`^${body}$`, 'i').test(name);
}

/** Why a service may not be touched, or undefined when it may. */
export function protectedService(name: string): string | undefined {
	return protectedServices.find((entry) => entry.names.some((glob) => globMatch(name, glob)))?.reason;
}

const serviceName = /^[A-Za-z0-9_.-]{1,80}$/;
const profiles = ['Domain', 'Private', 'Public'];
const startTypes = ['Automatic', 'Manual', 'Disabled'];

/** A PowerShell single-quoted literal: nothing inside is interpreted but '' for a quote. */
function psQuote(text: string): string {
	return `'${text.replaceAll("'", "''")}'`;
}

/** The setting's name is checked again here: a plan file may have been edited. */
function nameProblem(setting: WindowsSetting, name: string): string | undefined {
	if (setting === 'service') return serviceName.test(name) ? protectedService(name) && `${name} is protected (${protectedService(name)}): aks-harden does not stop it` : `"${name}" is not a service name`;
	if (setting === 'firewall-profile') return profiles.includes(name) ? undefined : `"${name}" is not a firewall profile (Domain, Private or Public)`;
	if (setting === 'smb1') return name === 'SMB1' ? undefined : `"${name}" is not the SMBv1 setting`;
	return 'sshd_config is changed by the sshd fix, with its validation and fresh login';
}

function readBody(setting: WindowsSetting, name: string): string {
	if (setting === 'service') return `$s = Get-Service -Name ${psQuote(name)}\n$state = [ordered]@{ Status = [string]$s.Status; StartType = [string]$s.StartType }`;
	// The local (persistent) store is what Set-NetFirewallProfile changes.
	if (setting === 'firewall-profile') return `$p = Get-NetFirewallProfile -Name ${psQuote(name)} -PolicyStore PersistentStore\n$state = [ordered]@{ Enabled = [string]$p.Enabled }`;
	return '$state = [ordered]@{ EnableSMB1Protocol = [string][bool](Get-SmbServerConfiguration).EnableSMB1Protocol }';
}

/** The PowerShell that puts the setting in `state` (a planned after, or a recorded before). */
export function setBody(setting: WindowsSetting, name: string, state: SettingState): string {
	if (setting === 'service') {
		const start = state['StartType'] ?? '';
		if (!startTypes.includes(start)) throw new Error(`cannot set ${name} to start type "${start}"`);
		const running = state['Status'] === 'Running';
		return [`Set-Service -Name ${psQuote(name)} -StartupType ${start}`, running ? `Start-Service -Name ${psQuote(name)}` : `Stop-Service -Name ${psQuote(name)} -Force`].join('\n');
	}
	if (setting === 'firewall-profile') {
		const enabled = state['Enabled'] ?? '';
		if (!['True', 'False', 'NotConfigured'].includes(enabled)) throw new Error(`cannot set the ${name} profile to "${enabled}"`);
		return `Set-NetFirewallProfile -Name ${psQuote(name)} -Enabled ${enabled}`;
	}
	const on = state['EnableSMB1Protocol'];
	if (on !== 'True' && on !== 'False') throw new Error(`cannot set SMBv1 to "${on}"`);
	return `Set-SmbServerConfiguration -EnableSMB1Protocol $${on.toLowerCase()} -Force -Confirm:$false`;
}

/** One probe-like block: optionally set, then read the state back as JSON. */
function block(setting: WindowsSetting, name: string, set?: SettingState): string {
	return [...(set ? [setBody(setting, name, set)] : []), readBody(setting, name), 'ConvertTo-AkhJson $state'].join('\n');
}

export function stateDigest(setting: WindowsSetting, name: string, state: SettingState): string {
	const text = [setting, name, ...Object.keys(state).sort().map((key) => `${key}=${state[key]}`)].join('\n');
	return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export class WindowsRemoteError extends Error {
	override readonly name = 'WindowsRemoteError';
}

/** Runs the block on the node and returns the state it read (after setting, when asked to). */
export async function runWindowsState(session: NodeShell, setting: WindowsSetting, name: string, set?: SettingState, timeoutMs = 60_000): Promise<SettingState> {
	const marker = newMarker();
	const script = buildWindowsNodeScript([{name: 'state', script: block(setting, name, set)}], marker);
	const run = await session.run(script, {sudo: false, timeoutMs, command: windowsExecCommand()});
	const frame = splitNodeOutput(normaliseWindowsOutput(run.stdout), marker, ['state']).get('state')!;
	if ('error' in frame) throw new WindowsRemoteError(`${name}: ${frame.error}${run.stderr.trim() ? ` (${run.stderr.trim().split('\n')[0]})` : ''}`);
	if (frame.exitCode !== 0) throw new WindowsRemoteError(`${name}: ${frame.stderr.trim() || `PowerShell exited with ${frame.exitCode}`}`);
	const read = readJson(frame.output);
	if ('error' in read || !isObject(read.value)) throw new WindowsRemoteError(`${name}: ${'error' in read ? read.error : 'no state read back'}`);
	return Object.fromEntries(Object.entries(read.value).map(([key, value]) => [key, str(value)]));
}

/** What the finding asks to change, judged afresh from the facts just gathered. */
function targets(step: WindowsState, context: FixContext, facts: NodeFacts, items: readonly PlanItem[]): {name: string; after: SettingState}[] {
	if (step.setting === 'firewall-profile') {
		const firewall = facts.probes.get('firewall')?.facts as {profiles?: {name: string; enabled: boolean}[]} | undefined;
		return (firewall?.profiles ?? []).filter((profile) => !profile.enabled).map((profile) => ({name: profile.name, after: {Enabled: 'True'}}));
	}
	if (step.setting === 'smb1') {
		const smb = facts.probes.get('smb')?.facts as {enableSmb1?: boolean} | undefined;
		return smb?.enableSmb1 ? [{name: 'SMB1', after: {EnableSMB1Protocol: 'False'}}] : [];
	}
	// Services: each violation of the check starts with the service's name.
	const checks = [...new Set(items.map(({finding}) => finding.checkId))].map((id) => context.catalog.byId.get(id)).filter((check) => check !== undefined);
	const findings: Finding[] = [];
	evaluateNode(checks, facts, (finding) => findings.push(finding));
	const names = findings
		.filter((finding) => finding.status === 'fail')
		.flatMap((finding) => (Array.isArray(finding.evidence['violations']) ? (finding.evidence['violations'] as unknown[]) : []))
		.map((violation) => String(violation).split(' ')[0]!)
		.filter(Boolean);
	return [...new Set(names)].map((name) => ({name, after: {StartType: 'Disabled', Status: 'Stopped'}}));
}

function describe(setting: WindowsSetting, name: string, state: SettingState): string {
	if (setting === 'service') return `${name}: ${state['StartType']}, ${state['Status']}`;
	if (setting === 'firewall-profile') return `${name} profile: Enabled ${state['Enabled']}`;
	return `SMB server: EnableSMB1Protocol ${state['EnableSMB1Protocol']}`;
}

function summaryOf(setting: WindowsSetting, name: string, node: NodeRef): string {
	if (setting === 'service') return `stop and disable the ${name} service on ${node.name}`;
	if (setting === 'firewall-profile') return `turn the ${name} firewall profile on on ${node.name}`;
	return `turn the SMBv1 server protocol off on ${node.name}`;
}

const durabilityNote = 'ephemeral: a reimage or upgrade brings the image\'s settings back; raise it with the image owner too';

/** One change per service, profile or SMB setting the finding names; protected services are left out with the reason. */
export async function planWindowsState(session: NodeShell, node: NodeRef, step: WindowsState, facts: NodeFacts, items: readonly PlanItem[], context: FixContext): Promise<{changes: WindowsChange[]; notes: string[]}> {
	const notes: string[] = [];
	const changes: WindowsChange[] = [];
	const fixes = items.map(({finding}) => ({checkId: finding.checkId, target: finding.target}));
	for (const {name, after} of targets(step, context, facts, items)) {
		const problem = nameProblem(step.setting, name);
		if (problem) {
			notes.push(`${name} is not touched: ${problem}`);
			continue;
		}
		const before = await runWindowsState(session, step.setting, name);
		if (stateDigest(step.setting, name, before) === stateDigest(step.setting, name, after)) continue;
		changes.push({
			id: newId('change'),
			type: 'windows-state',
			summary: summaryOf(step.setting, name, node),
			fixes,
			node: {...node, os: 'windows'},
			setting: step.setting,
			name,
			before,
			after,
			beforeDigest: stateDigest(step.setting, name, before),
			afterDigest: stateDigest(step.setting, name, after),
			diff: [`--- ${node.name}:${name} (now)`, `+++ ${node.name}:${name} (planned)`, `-${describe(step.setting, name, before)}`, `+${describe(step.setting, name, after)}`, ''].join('\n'),
			effects: [`runs: ${setBody(step.setting, name, after).replaceAll('\n', '; ')}`, `undo runs: ${setBody(step.setting, name, before).replaceAll('\n', '; ')}`, durabilityNote],
			warnings: step.setting === 'firewall-profile' ? ['check the inbound rules for SSH (22), the kubelet (10250) and your CNI exist first, or the node drops off the network'] : [],
		});
	}
	return {changes, notes};
}

/** Applies one setting: the state read now must be the planned one; set, read back (else put back), re-check, record. */
export async function applyWindowsChange(plan: Plan, change: WindowsChange, options: ApplyOptions): Promise<ChangeResult> {
	if (change.setting === 'sshd-config') return applyWindowsSshd(plan, change, options);
	const base = {changeId: change.id, summary: change.summary};
	const step = (name: StepName, message: string) => options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	const where = `${change.node.name}:${change.name}`;
	const record = (result: LogEntry['result'], message: string, extra: Partial<LogEntry> = {}) => recordChange(plan, change, options, result, message, extra);
	const end = endingOf(change, record);
	const problem = nameProblem(change.setting, change.name);
	if (problem) return {...base, outcome: 'refused', message: problem};
	if (stateDigest(change.setting, change.name, change.before) !== change.beforeDigest || stateDigest(change.setting, change.name, change.after) !== change.afterDigest) {
		return {...base, outcome: 'refused', message: `the plan's recorded state of ${where} does not match its digest: the plan file was edited; plan again`};
	}
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	try {
		const now = await runWindowsState(session, change.setting, change.name);
		const digest = stateDigest(change.setting, change.name, now);
		step('read', `${describe(change.setting, change.name, now)}: ${digest === change.beforeDigest ? 'as planned' : digest === change.afterDigest ? 'already done' : 'changed since the plan'}`);
		if (digest === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${where} is already as wanted: nothing to do`};
		if (digest !== change.beforeDigest) return {...base, outcome: 'refused', message: `${where} changed since the plan was made: plan again and review it`};
		const undo: Undo = {type: 'windows-state', node: change.node, setting: change.setting, name: change.name, state: {...change.before}};
		let after: SettingState;
		try {
			after = await runWindowsState(session, change.setting, change.name, change.after);
		} catch (error) {
			const back = await runWindowsState(session, change.setting, change.name, change.before).then((state) => stateDigest(change.setting, change.name, state) === change.beforeDigest, () => false);
			const message = `${where}: ${messageOf(error)}; ${back ? 'its prior state was put back' : 'putting its prior state back did not complete: check it by hand'}`;
			step('restore', message);
			return end('rolled-back', message);
		}
		step('apply', describe(change.setting, change.name, after));
		if (stateDigest(change.setting, change.name, after) !== change.afterDigest) {
			const message = `${where}: after the change it reads ${describe(change.setting, change.name, after)}`;
			return end('failed', message, {undo});
		}
		return await finishApplied(change, options, session, {what: `${describe(change.setting, change.name, after)} on ${change.node.name}`, undo}, record);
	} catch (error) {
		const message = `${where}: ${messageOf(error)}`;
		return end('failed', message);
	} finally {
		session.close();
	}
}

/** Undo: the setting must still be as the fix left it unless forced; then the recorded state is set and read back. */
export async function undoWindowsState(
	entry: LogEntry,
	undo: Extract<Undo, {type: 'windows-state'}>,
	context: FixContext,
	force: boolean,
	done: UndoDone,
): Promise<UndoOutcome> {
	if (undo.setting === 'sshd-config') return undoWindowsSshd(entry, undo, context, force, done);
	const problem = nameProblem(undo.setting, undo.name);
	// A protected service may be started again: only stopping it is refused.
	if (problem && !(undo.setting === 'service' && protectedService(undo.name))) return {outcome: 'refused', message: problem};
	const session = await openNodeSession(undo.node, context);
	if (typeof session === 'string') return {outcome: 'failed', message: session};
	try {
		const now = await runWindowsState(session, undo.setting, undo.name);
		if (stateDigest(undo.setting, undo.name, now) !== entry.afterDigest && !force) {
			return {outcome: 'refused', message: `${undo.name} on ${undo.node.name} changed since ${entry.id} (${describe(undo.setting, undo.name, now)}); undo would overwrite that. Review it, then pass --force to undo anyway`};
		}
		const restored = await runWindowsState(session, undo.setting, undo.name, undo.state);
		const diff = [`--- ${undo.node.name}:${undo.name} (changed)`, `+++ ${undo.node.name}:${undo.name} (restored)`, `-${describe(undo.setting, undo.name, now)}`, `+${describe(undo.setting, undo.name, restored)}`, ''].join('\n');
		if (stateDigest(undo.setting, undo.name, restored) !== stateDigest(undo.setting, undo.name, undo.state)) {
			return {outcome: 'failed', message: `undo of ${entry.id} left ${describe(undo.setting, undo.name, restored)}, not the recorded ${describe(undo.setting, undo.name, undo.state)}: check it by hand`};
		}
		const verified = await recheckNode(context, session, undo.node, entry.fixes).catch(() => undefined);
		return done(stateDigest(undo.setting, undo.name, now), stateDigest(undo.setting, undo.name, restored), diff, verified, [`${describe(undo.setting, undo.name, restored)}, as before`]);
	} catch (error) {
		if (error instanceof WindowsRemoteError) return {outcome: 'failed', message: `undo of ${entry.id} failed: ${error.message}`};
		throw error;
	} finally {
		session.close();
	}
}

export function describeWindowsUndo(undo: Extract<Undo, {type: 'windows-state'}>): string {
	if (undo.setting === 'sshd-config') return `put ${undo.state['backup']} back over ${undo.name} on ${undo.node.name} and restart sshd`;
	return `set ${describe(undo.setting, undo.name, undo.state)} again on ${undo.node.name}`;
}
