// Guided fixes on Windows nodes. No Windows machine runs here: the node is a stand-in that keeps
// services, firewall profiles and the SMB setting in memory, answers the probe script from them
// (as the recorded outputs do) and carries out the few cmdlets the fix scripts use — Set-Service,
// Stop-Service, Start-Service, Set-NetFirewallProfile, Set-SmbServerConfiguration — exactly as
// the scripts spell them. What is real: planning from a fresh audit, the recorded prior state,
// the digests, the protected list, apply, re-check, the audit log and undo.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import {evaluateNode} from '../../src/engine/evaluate.js';
import {windowsExecCommand} from '../../src/engine/windows-script.js';
import {applyPlan, AuditLog, loadPlaybooks, planFixes, undoChange, type FixContext} from '../../src/fix/index.js';
import {protectedService} from '../../src/fix/host/windows-state.js';
import type {WindowsChange} from '../../src/fix/model.js';
import type {Finding} from '../../src/model/finding.js';
import type {NodeInfo} from '../../src/model/report.js';
import {windowsOs2022} from '../../src/probes/fixtures/windows-server-2022.js';
import {sshNodeSource} from '../../src/transports/node-source.js';
import type {NodeSession, RunOptions} from '../../src/transports/ssh.js';
import {structureProblems} from '../support/powershell-structure.js';

type Service = {Name: string; DisplayName: string; Status: string; StartType: string};
type WindowsState = {services: Service[]; profiles: Record<string, string>; smb1: boolean; commands: string[]};

function initialState(): WindowsState {
	const s = (Name: string, Status: string, StartType: string): Service => ({Name, DisplayName: Name, Status, StartType});
	return {
		services: [s('kubelet', 'Running', 'Automatic'), s('containerd', 'Running', 'Automatic'), s('sshd', 'Running', 'Automatic'), s('W32Time', 'Running', 'Automatic'), s('Spooler', 'Running', 'Automatic'), s('XblGameSave', 'Stopped', 'Automatic')],
		profiles: {Domain: 'True', Private: 'True', Public: 'False'},
		smb1: true,
		commands: [],
	};
}

const j = (value: unknown) => `${JSON.stringify(value)}\r\n`;

/** The probes the fixes read, answered from the state as the probe script would print them. */
function probeOutput(name: string, state: WindowsState): string | undefined {
	if (name === 'services') return j(state.services);
	if (name === 'service-baseline') return windowsOs2022;
	if (name === 'firewall') return j(Object.entries(state.profiles).map(([Name, Enabled]) => ({Name, Enabled, DefaultInboundAction: 'NotConfigured'})));
	if (name === 'smb') return j({server: {EnableSMB1Protocol: state.smb1, EnableSMB2Protocol: true, RequireSecuritySignature: false}, feature: 'Disabled'});
	return undefined;
}

/** Carries out one fix block: its cmdlets in order, then the read that ends it. */
function stateBlock(body: string, state: WindowsState): string {
	for (const line of body.split('\n').map((text) => text.trim())) {
		let m: RegExpExecArray | null;
		if ((m = /^Set-Service -Name '([^']+)' -StartupType (\w+)$/.exec(line))) state.services.find((s) => s.Name === m![1])!.StartType = m[2]!;
		else if ((m = /^Stop-Service -Name '([^']+)' -Force$/.exec(line))) state.services.find((s) => s.Name === m![1])!.Status = 'Stopped';
		else if ((m = /^Start-Service -Name '([^']+)'$/.exec(line))) state.services.find((s) => s.Name === m![1])!.Status = 'Running';
		else if ((m = /^Set-NetFirewallProfile -Name '(\w+)' -Enabled (\w+)$/.exec(line))) state.profiles[m[1]!] = m[2]!;
		else if ((m = /^Set-SmbServerConfiguration -EnableSMB1Protocol \$(true|false) -Force -Confirm:\$false$/.exec(line))) state.smb1 = m[1] === 'true';
		else continue;
		state.commands.push(line);
	}
	let m: RegExpExecArray | null;
	if ((m = /Get-Service -Name '([^']+)'/.exec(body))) {
		const service = state.services.find((s) => s.Name === m![1])!;
		return j({Status: service.Status, StartType: service.StartType});
	}
	if ((m = /Get-NetFirewallProfile -Name '(\w+)'/.exec(body))) return j({Enabled: state.profiles[m[1]!]});
	return j({EnableSMB1Protocol: state.smb1 ? 'True' : 'False'});
}

function windowsStandIn(state: WindowsState): NodeSession {
	return {
		async run(script: string, opts?: RunOptions) {
			assert.equal(opts?.command, windowsExecCommand(), 'every exec on a Windows node is the PowerShell command');
			assert.deepEqual(structureProblems(script), [], 'every script sent is balanced');
			const tag = /'__AKH_([A-Za-z0-9]+)_BEGIN '/.exec(script)![1]!;
			let stdout = '';
			for (const [, name, body] of script.matchAll(/^Invoke-AkhProbe '([a-z-]+)' \{\n([\s\S]*?)\n\}$/gm)) {
				const text = name === 'state' ? stateBlock(body!, state) : probeOutput(name!, state);
				stdout += `__AKH_${tag}_BEGIN ${name}\n${text ?? ''}\n__AKH_${tag}_STDERR ${name}\n${text === undefined ? 'not answered by the stand-in' : ''}\n__AKH_${tag}_END ${name} ${text === undefined ? 1 : 0}\n`;
			}
			return {stdout: stdout.replace(/\n/g, '\r\n'), stderr: '', code: 0};
		},
		close() {},
	};
}

const node: NodeInfo = {name: 'moc-w7n2k4xq1b', address: '10.0.0.7', os: 'windows', role: 'worker', reachable: true, error: null};
const catalog = loadCatalog();
const playbooks = loadPlaybooks(undefined, catalog);
const checks = ['host.services', 'host.firewall', 'host.smb1'].map((id) => catalog.byId.get(id)!);

async function audit(state: WindowsState): Promise<Finding[]> {
	const source = sshNodeSource({ssh: {knownHostsPath: '/nonexistent', acceptNewHostKeys: false, timeoutMs: 5000}, connect: async () => windowsStandIn(state)});
	const facts = await source.gather(node, ['services', 'service-baseline', 'firewall', 'smb'], new AbortController().signal);
	const findings: Finding[] = [];
	evaluateNode(checks, facts, (finding) => findings.push(finding));
	return findings;
}

function contextFor(state: WindowsState): FixContext {
	return {catalog, playbooks, settings: {allowedRegistries: []}, transport: {openNode: async (ref) => (assert.equal(ref.os, 'windows'), windowsStandIn(state))}, nodes: [node]};
}

test('Windows: Spooler, an Xbox service, the Public profile and SMBv1 are fixed, checked again, and undone exactly', async () => {
	const state = initialState();
	const findings = await audit(state);
	assert.deepEqual(findings.map((f) => [f.checkId, f.status]), [['host.services', 'fail'], ['host.firewall', 'fail'], ['host.smb1', 'fail']]);
	const context = contextFor(state);
	const plans = await planFixes(findings, context);
	assert.deepEqual(plans.map((plan) => [plan.playbooks[0]!.id, plan.status, plan.changes.length]), [
		['host.windows-services-disable', 'ready', 2],
		['host.windows-firewall-on', 'ready', 1],
		['host.windows-smb1-off', 'ready', 1],
	]);
	const spooler = plans[0]!.changes.find((change) => (change as WindowsChange).name === 'Spooler') as WindowsChange;
	assert.deepEqual(spooler.before, {Status: 'Running', StartType: 'Automatic'});
	assert.match(spooler.diff, /-Spooler: Automatic, Running\n\+Spooler: Disabled, Stopped/);
	assert.deepEqual(state.commands, [], 'planning changes nothing');

	const log = new AuditLog([join(mkdtempSync(join(tmpdir(), 'akh-win-')), 'changes.jsonl')]);
	const results = [];
	for (const plan of plans) results.push(...(await applyPlan(plan, {context, confirmedCount: new Set(plan.changes.map((c) => (c as WindowsChange).name)).size, log})));
	assert.deepEqual(results.map((result) => result.outcome), ['applied', 'applied', 'applied', 'applied'], results.map((r) => r.message).join('\n'));
	// The first service leaves the other still failing the check; after the second it passes.
	assert.match(results[0]!.message, /the check does not pass yet/);
	for (const result of results.slice(1)) assert.match(result.message, /the check passes now/, result.summary);
	assert.deepEqual(state.services.find((s) => s.Name === 'Spooler'), {Name: 'Spooler', DisplayName: 'Spooler', Status: 'Stopped', StartType: 'Disabled'});
	assert.equal(state.profiles['Public'], 'True');
	assert.equal(state.smb1, false);
	assert.deepEqual((await audit(state)).map((f) => f.status), ['pass', 'pass', 'pass']);

	const spoolerResult = results.find((result) => result.summary.includes('Spooler'))!;
	const undone = await undoChange(spoolerResult.logId!, {context, log});
	assert.equal(undone.outcome, 'undone', undone.message);
	assert.deepEqual(state.services.find((s) => s.Name === 'Spooler'), {Name: 'Spooler', DisplayName: 'Spooler', Status: 'Running', StartType: 'Automatic'});
	const again = await undoChange(spoolerResult.logId!, {context, log});
	assert.equal(again.outcome, 'refused', 'an undo is done once');
});

test('Windows: a plan edited to stop a protected service is refused at apply, and the node is untouched', async () => {
	const state = initialState();
	const context = contextFor(state);
	const [plan] = await planFixes((await audit(state)).filter((f) => f.checkId === 'host.services'), context);
	const edited = {...plan!, changes: [{...(plan!.changes[0] as WindowsChange), name: 'sshd'}]};
	const [result] = await applyPlan(edited, {context, confirmedCount: 1});
	assert.equal(result!.outcome, 'refused');
	assert.match(result!.message, /sshd is protected \(SSH is how the platform and the operator reach the node/);
	assert.deepEqual(state.commands, []);
	for (const name of ['kubelet', 'KubeProxy', 'containerd', 'hns', 'wssdagent', 'mocguestagent', 'WinDefend', 'mpssvc']) assert.ok(protectedService(name), name);
	assert.equal(protectedService('Spooler'), undefined);
});

test('Windows: a service that changed since the plan is not touched', async () => {
	const state = initialState();
	const context = contextFor(state);
	const [plan] = await planFixes((await audit(state)).filter((f) => f.checkId === 'host.services'), context);
	state.services.find((s) => s.Name === 'Spooler')!.StartType = 'Manual';
	const spoolerOnly = {...plan!, changes: plan!.changes.filter((change) => (change as WindowsChange).name === 'Spooler')};
	const [result] = await applyPlan(spoolerOnly, {context, confirmedCount: 1});
	assert.equal(result!.outcome, 'refused');
	assert.match(result!.message, /changed since the plan/);
	assert.deepEqual(state.commands, []);
});
