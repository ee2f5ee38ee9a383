// Windows node probes. No Windows machine or PowerShell runs here (and no PowerShell parser is
// published on npm that this project ships), so the script is checked structurally — balanced
// brackets and quotes as PowerShell tokenises them, ASCII only, every probe present, the encoded
// command decoding back to the loader — and the node is a stand-in that answers the script it is
// sent with recorded output framed exactly as the script's Invoke-AkhProbe writes it (CRLF lines).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {NodeInfo} from '../../src/model/report.js';
import {buildWindowsNodeScript, decodePowerShell, windowsExecCommand, windowsLoader} from '../../src/engine/windows-script.js';
import {splitNodeOutput} from '../../src/engine/node-script.js';
import {windowsProbes} from '../../src/probes/windows/index.js';
import {probeResult} from '../../src/probes/result.js';
import * as fixtures from '../../src/probes/fixtures/windows-server-2022.js';
import {sshNodeSource, type ConnectNode} from '../../src/transports/node-source.js';
import type {RunOptions, SshTarget} from '../../src/transports/ssh.js';
import {canWrite} from '../../src/probes/windows/acl.js';
import {structureProblems} from '../support/powershell-structure.js';

const all = [...windowsProbes.values()];

test('the Windows script is balanced, ASCII, and runs every probe in its own framed block', () => {
	const script = buildWindowsNodeScript(all, 'abcdef0123456789');
	assert.deepEqual(structureProblems(script), []);
	assert.match(script, /^[\x09\x0a\x20-\x7e]*$/, 'ASCII only: the loader reads stdin as UTF-8, the console may not be');
	for (const probe of all) {
		assert.equal(structureProblems(probe.script).length, 0, `${probe.name}: ${structureProblems(probe.script).join('; ')}`);
		assert.ok(script.includes(`Invoke-AkhProbe '${probe.name}' {\n`), `${probe.name} has its block`);
		// Every body answers in JSON: ConvertTo-AkhJson or the missing-cmdlet marker.
		assert.match(probe.script, /ConvertTo-AkhJson|Get-AkhMissing/, probe.name);
	}
	assert.equal(script.match(/^Invoke-AkhProbe /gm)?.length, all.length);
});

test('the checker itself finds what it is there to find', () => {
	assert.deepEqual(structureProblems("if ($a) { 'x' }"), []);
	assert.match(structureProblems("if ($a) { 'x' ").join(), /never closes/);
	assert.match(structureProblems("Write-Output 'it''s").join(), /never closes/);
	assert.match(structureProblems('@(1, 2]').join(), /closes \(/);
	assert.deepEqual(structureProblems("'{' # } not code"), []);
});

test('one short command line, whatever the default shell: the encoded part decodes to the loader', () => {
	const command = windowsExecCommand();
	const match = /^powershell\.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(command);
	assert.ok(match, command);
	assert.equal(decodePowerShell(match[1]!), windowsLoader);
	assert.ok(command.length < 8191, 'cmd.exe cuts command lines at 8191 characters');
	assert.deepEqual(structureProblems(windowsLoader), []);
	assert.match(windowsLoader, /\[Console\]::In\.ReadToEnd\(\)/);
});

/** What Invoke-AkhProbe writes for one probe on Windows: CRLF in the text, LF around the markers. */
function frame(marker: string, name: string, text: string, stderr = '', rc = 0): string {
	const tag = `__AKH_${marker}`;
	return `${tag}_BEGIN ${name}\n${text.replace(/\n/g, '\r\n')}\n${tag}_STDERR ${name}\n${stderr}\n${tag}_END ${name} ${rc}\n`;
}

/** A stand-in Windows node: reads the probe blocks and marker out of the script it is sent. */
function windowsStandIn(outputs: Readonly<Record<string, string>>, seen: {command?: string; user?: string; sudo?: boolean; script?: string}): ConnectNode {
	return async (target: SshTarget) => {
		seen.user = target.user;
		return {
			async run(script: string, opts?: RunOptions) {
				seen.command = opts?.command;
				seen.sudo = opts?.sudo;
				seen.script = script;
				const marker = /'__AKH_([A-Za-z0-9]+)_BEGIN '/.exec(script)![1]!;
				const names = [...script.matchAll(/^Invoke-AkhProbe '([a-z-]+)' \{$/gm)].map((m) => m[1]!);
				const stdout = names.map((name) => (name in outputs ? frame(marker, name, outputs[name]!) : frame(marker, name, '', 'The term is not recognized', 1))).join('');
				return {stdout: stdout.replace(/\n/g, '\r\n'), stderr: '', code: 0};
			},
			close() {},
		};
	};
}

const windowsNode: NodeInfo = {name: 'moc-w7n2k4xq1b', address: '10.0.0.7', os: 'windows', role: 'worker', reachable: null, error: null};

test('a Windows node: one PowerShell exec as Administrator, no sudo, every probe parsed', async () => {
	const seen: {command?: string; user?: string; sudo?: boolean; script?: string} = {};
	const source = sshNodeSource({ssh: {knownHostsPath: '/nonexistent', acceptNewHostKeys: false, timeoutMs: 5000}, connect: windowsStandIn(fixtures.windowsDemoOutputs, seen)});
	const facts = await source.gather(windowsNode, [...windowsProbes.keys(), 'sysctl'], new AbortController().signal);
	assert.equal(seen.user, 'Administrator');
	assert.equal(seen.command, windowsExecCommand());
	assert.equal(seen.sudo, false);
	assert.equal(facts.node.reachable, true);
	for (const name of windowsProbes.keys()) assert.equal(facts.probes.get(name)?.error, undefined, `${name}: ${facts.probes.get(name)?.error}`);
	assert.match(facts.probes.get('sysctl')!.error!, /does not run on windows nodes/);
	assert.ok(!seen.script!.includes("Invoke-AkhProbe 'sysctl'"), 'Linux probes are not sent to Windows');
	const sshd = facts.probes.get('sshd')!.facts as {passwordauthentication: string; adminKeys: {others: string[]}};
	assert.equal(sshd.passwordauthentication, 'yes');
	assert.deepEqual(sshd.adminKeys.others, ['BUILTIN\\Users (ReadAndExecute, Synchronize)']);
});

test('a probe that threw on the node is an error with its message, and the others still parse', async () => {
	const outputs = {...fixtures.windowsCleanOutputs};
	delete (outputs as Record<string, string>)['defender'];
	const source = sshNodeSource({ssh: {knownHostsPath: '/nonexistent', acceptNewHostKeys: false, timeoutMs: 5000}, connect: windowsStandIn(outputs, {})});
	const facts = await source.gather(windowsNode, ['defender', 'firewall'], new AbortController().signal);
	assert.match(facts.probes.get('defender')!.error!, /The term is not recognized/);
	assert.equal(facts.probes.get('firewall')!.error, undefined);
});

test('a missing cmdlet is a reason, not a crash', () => {
	const result = probeResult(windowsProbes.get('defender')!, {output: fixtures.windowsDefenderAbsent, stderr: '', exitCode: 0});
	assert.match(result.error!, /cmdlet not found: Get-MpComputerStatus \(Microsoft Defender is not installed\)/);
	const firewall = probeResult(windowsProbes.get('firewall')!, {output: '{"missing":"Get-NetFirewallProfile"}\n', stderr: '', exitCode: 0});
	assert.equal(firewall.error, 'cmdlet not found: Get-NetFirewallProfile');
	const garbage = probeResult(windowsProbes.get('smb')!, {output: 'Get-SmbServerConfiguration : Access denied\n', stderr: '', exitCode: 0});
	assert.match(garbage.error!, /^not JSON: Get-SmbServerConfiguration : Access denied/);
});

test('parsers take PowerShell 5.1 shapes: one element for an array, enum numbers, /Date()/', () => {
	const services = windowsProbes.get('services')!.parse('{"Name":"Spooler","DisplayName":"Print Spooler","Status":4,"StartType":2}\n');
	assert.deepEqual(services, {facts: {enabled: ['Spooler'], running: ['Spooler'], services: [{name: 'Spooler', displayName: 'Print Spooler', status: 'Running', startType: 'Automatic'}]}});
	const firewall = windowsProbes.get('firewall')!.parse('{"Name":"Public","Enabled":0,"DefaultInboundAction":4}\n') as {facts: {profiles: unknown[]; absent: string[]}};
	assert.deepEqual(firewall.facts.profiles, [{name: 'Public', enabled: false, defaultInbound: 'Block'}]);
	assert.deepEqual(firewall.facts.absent, ['Domain', 'Private']);
	const hotfixes = windowsProbes.get('hotfixes')!.parse('{"now":"/Date(1764840600000)/","hotfixes":{"HotFixID":"KB1","InstalledOn":"/Date(1762905600000)/"}}\n') as {facts: {daysSinceLatest: number}};
	assert.equal(hotfixes.facts.daysSinceLatest, 22);
	const accounts = windowsProbes.get('accounts')!.parse('{"administrators":{"Name":"H\\\\Administrator","SID":{"BinaryLength":28,"Value":"S-1-5-21-1-2-3-500"},"ObjectClass":"User","PrincipalSource":1},"membersError":"","guest":null}\n') as {facts: unknown};
	assert.deepEqual(accounts.facts, {administrators: [{name: 'H\\Administrator', sid: 'S-1-5-21-1-2-3-500', objectClass: 'User', source: 'Local'}], guest: null});
});

test('file rights that allow a change are told from read-only ones, by name or by number', () => {
	assert.equal(canWrite('ReadAndExecute, Synchronize'), false);
	assert.equal(canWrite('Modify, Synchronize'), true);
	assert.equal(canWrite('FullControl'), true);
	assert.equal(canWrite('268435456'), true, 'GENERIC_ALL');
	assert.equal(canWrite('-1610612736'), false, 'GENERIC_READ | GENERIC_EXECUTE');
});

test('the kubelet is read from its Windows command line, quotes and all', () => {
	const result = windowsProbes.get('kubelet-config')!.parse(fixtures.windowsKubeletReadOnlyPort) as {facts: {flags: Record<string, string>; effective: {readOnlyPort: number}; flagsSource: string}};
	assert.equal(result.facts.flags['config'], 'c:\\k\\kubelet-config.yaml');
	assert.equal(result.facts.flags['kubeconfig'], 'c:\\k\\config');
	assert.equal(result.facts.flagsSource, 'process');
	assert.equal(result.facts.effective.readOnlyPort, 10255);
});

test('every recorded Windows output parses through its probe', () => {
	for (const [name, output] of Object.entries(fixtures.windowsDemoOutputs)) {
		const frames = splitNodeOutput(frame('abcdef0123456789', name, output).replace(/\r\n/g, '\n'), 'abcdef0123456789', [name]);
		const result = probeResult(windowsProbes.get(name)!, frames.get(name)!);
		assert.equal(result.error, undefined, `${name}: ${result.error}`);
	}
});

test('a Windows finding never gets a Linux fix: each resolves to a Windows playbook or none', async () => {
	const {loadCatalog, forNodeOs} = await import('../../src/catalog/load.js');
	const {loadPlaybooks} = await import('../../src/fix/load.js');
	const catalog = loadCatalog();
	const playbooks = loadPlaybooks(undefined, catalog);
	for (const compiled of catalog.checks) {
		if (compiled.check.scope !== 'node' || !compiled.check.platforms?.includes('windows')) continue;
		const {check} = forNodeOs(compiled, 'windows');
		const loaded = playbooks.forFinding({checkId: check.id, ...(check.playbook ? {playbook: check.playbook} : {})});
		if (loaded) assert.match(loaded.playbook.id, /^host\.windows-/, `${check.id} on Windows resolves to ${loaded.playbook.id}`);
	}
});

test('a windows variant is only for a check on both OS', async () => {
	const {CheckSchema} = await import('../../src/model/check.js');
	const base = {id: 'host.x', section: 'host', title: 't', severity: 'low', scope: 'node', rationale: 'r', probes: ['sshd'], assert: 'true', message: 'm', remediation: 'r'};
	assert.ok(CheckSchema.safeParse({...base, platforms: ['linux', 'windows'], windows: {assert: 'false'}}).success);
	const linuxOnly = CheckSchema.safeParse({...base, platforms: ['linux'], windows: {assert: 'false'}});
	assert.ok(!linuxOnly.success);
	assert.match(linuxOnly.error.issues[0]!.message, /a windows variant is for a check on both linux and windows nodes/);
});

test('a Windows baseline capture records auto-start and running services, per-user instances folded', async () => {
	const {captureBaseline} = await import('../../src/probes/baseline-capture.js');
	const {unitMatches} = await import('../../src/probes/baselines.js');
	const {parse} = await import('yaml');
	const withPerUser = `${JSON.stringify([...JSON.parse(fixtures.windowsServicesClean), {Name: 'CDPUserSvc_3a4b5', DisplayName: 'Connected Devices Platform User Service_3a4b5', Status: 'Running', StartType: 'Automatic'}])}\n`;
	const facts = (windowsProbes.get('services')!.parse(withPerUser) as {facts: {enabled: string[]; running: string[]}}).facts;
	const doc = parse(captureBaseline(facts, 'windows-server-2022', {node: 'moc-w7n2k4xq1b', capturedAt: '2026-12-04T10:00:00Z'})) as {units: string[]};
	assert.ok(doc.units.includes('CDPUserSvc_*'));
	assert.ok(!doc.units.includes('CDPUserSvc_3a4b5'));
	assert.ok(doc.units.includes('kubelet') && doc.units.includes('hns'), 'running Manual services are recorded too');
	for (const name of [...facts.enabled, ...facts.running]) assert.ok(unitMatches(name, doc.units), name);
	assert.ok(!unitMatches('Spooler', doc.units));
});
