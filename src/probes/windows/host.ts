// The Windows host probes that have no Linux twin, and the Windows forms of listening-ports and
// accounts. Each prints one JSON value; a cmdlet this edition lacks is `{"missing": …}`.
import type {ListeningPort} from '../listening-ports.js';
import type {Probe, ProbeParse} from '../probe.js';
import {fileAcl, type FileAcl} from './acl.js';
import {asArray, bool, dateMs, enumName, isObject, jsonParser, str} from './json.js';

function missingGuard(cmdlet: string): string {
	return `if (-not (Test-AkhCommand '${cmdlet}')) { Get-AkhMissing '${cmdlet}'; return }`;
}

// ---------------------------------------------------------------- listening ports

export type WindowsPortsFacts = {readonly source: 'Get-NetTCPConnection'; readonly ports: readonly ListeningPort[]};

function isLoopback(address: string): boolean {
	return address.startsWith('127.') || address === '::1';
}

export function parseWindowsPorts(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	const seen = new Map<string, ListeningPort>();
	for (const [key, proto] of [['tcp', 'tcp'], ['udp', 'udp']] as const) {
		for (const row of asArray(value[key])) {
			const port = Number(row['port']);
			if (!Number.isInteger(port)) continue;
			const address = str(row['address']);
			const entry: ListeningPort = {proto, address, port, process: str(row['process']), loopback: isLoopback(address)};
			seen.set(`${proto} ${address} ${port}`, entry);
		}
	}
	const ports = [...seen.values()].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto) || a.address.localeCompare(b.address));
	const facts: WindowsPortsFacts = {source: 'Get-NetTCPConnection', ports};
	return {facts};
}

export const windowsPortsProbe: Probe = {
	name: 'listening-ports',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-NetTCPConnection -State Listen; Get-NetUDPEndpoint',
	script: [
		missingGuard('Get-NetTCPConnection'),
		'$names = @{}; Get-Process | ForEach-Object { $names[[int]$_.Id] = $_.ProcessName }',
		'$tcp = @(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue | ForEach-Object { [ordered]@{ address = [string]$_.LocalAddress; port = [int]$_.LocalPort; pid = [int]$_.OwningProcess; process = [string]$names[[int]$_.OwningProcess] } })',
		'$udp = @(Get-NetUDPEndpoint -ErrorAction SilentlyContinue | ForEach-Object { [ordered]@{ address = [string]$_.LocalAddress; port = [int]$_.LocalPort; pid = [int]$_.OwningProcess; process = [string]$names[[int]$_.OwningProcess] } })',
		'ConvertTo-AkhJson ([ordered]@{ tcp = $tcp; udp = $udp })',
	].join('\n'),
	parse: jsonParser(parseWindowsPorts),
};

// ---------------------------------------------------------------- firewall

export type FirewallFacts = {
	readonly profiles: ReadonlyArray<{readonly name: string; readonly enabled: boolean; readonly defaultInbound: string}>;
	/** Domain, Private or Public when the node did not report it. */
	readonly absent: readonly string[];
};

// Get-NetFirewallProfile's Action enum: NotConfigured 0, Allow 2, Block 4.
const actionNames: Record<number, string> = {0: 'NotConfigured', 2: 'Allow', 4: 'Block'};

export function parseFirewall(value: unknown): ProbeParse {
	const rows = asArray(value);
	if (!rows.length) return {error: 'Get-NetFirewallProfile returned no profile'};
	const profiles = rows.map((row) => ({name: str(row['Name']), enabled: bool(row['Enabled']) === true, defaultInbound: enumName(row['DefaultInboundAction'], actionNames)}));
	const facts: FirewallFacts = {profiles, absent: ['Domain', 'Private', 'Public'].filter((name) => !profiles.some((p) => p.name === name))};
	return {facts};
}

export const windowsFirewallProbe: Probe = {
	name: 'firewall',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-NetFirewallProfile -PolicyStore ActiveStore | Select-Object Name, Enabled, DefaultInboundAction',
	script: [
		missingGuard('Get-NetFirewallProfile'),
		// ActiveStore: what is in force, group policy included, not only the local settings.
		'$rows = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object { [ordered]@{ Name = [string]$_.Name; Enabled = [string]$_.Enabled; DefaultInboundAction = [string]$_.DefaultInboundAction } })',
		'ConvertTo-AkhJson $rows',
	].join('\n'),
	parse: jsonParser(parseFirewall),
};

// ---------------------------------------------------------------- SMB

export type SmbFacts = {
	readonly enableSmb1: boolean;
	readonly requireSigning: boolean;
	/** The SMB1Protocol optional feature's state, '' when the node cannot say. */
	readonly smb1Feature: string;
};

export function parseSmb(value: unknown): ProbeParse {
	if (!isObject(value) || !isObject(value['server'])) return {error: 'unexpected output: no server configuration'};
	const server = value['server'];
	const smb1 = bool(server['EnableSMB1Protocol']);
	if (smb1 === null) return {error: 'Get-SmbServerConfiguration has no EnableSMB1Protocol'};
	const facts: SmbFacts = {enableSmb1: smb1, requireSigning: bool(server['RequireSecuritySignature']) === true, smb1Feature: str(value['feature'])};
	return {facts};
}

export const windowsSmbProbe: Probe = {
	name: 'smb',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-SmbServerConfiguration | Select-Object EnableSMB1Protocol, RequireSecuritySignature; Get-WindowsOptionalFeature -Online -FeatureName SMB1Protocol',
	script: [
		missingGuard('Get-SmbServerConfiguration'),
		'$s = Get-SmbServerConfiguration',
		"$feature = ''",
		"try { if (Test-AkhCommand 'Get-WindowsOptionalFeature') { $f = Get-WindowsOptionalFeature -Online -FeatureName SMB1Protocol -ErrorAction Stop; if ($f) { $feature = [string]$f.State } } } catch { $feature = '' }",
		'ConvertTo-AkhJson ([ordered]@{ server = [ordered]@{ EnableSMB1Protocol = [bool]$s.EnableSMB1Protocol; EnableSMB2Protocol = [bool]$s.EnableSMB2Protocol; RequireSecuritySignature = [bool]$s.RequireSecuritySignature }; feature = $feature })',
	].join('\n'),
	parse: jsonParser(parseSmb),
};

// ---------------------------------------------------------------- accounts

export type WindowsAccountsFacts = {
	readonly administrators: ReadonlyArray<{readonly name: string; readonly sid: string; readonly objectClass: string; readonly source: string}>;
	/** The built-in Guest account (RID 501); null when the node has none. */
	readonly guest: {readonly name: string; readonly enabled: boolean} | null;
};

// PrincipalSource: Unknown 0, Local 1, ActiveDirectory 2, AzureAD 3, MicrosoftAccount 4.
const principalSources: Record<number, string> = {0: 'Unknown', 1: 'Local', 2: 'ActiveDirectory', 3: 'AzureAD', 4: 'MicrosoftAccount'};

export function parseWindowsAccounts(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	if (str(value['membersError'])) return {error: `cannot list the Administrators group: ${str(value['membersError'])}`};
	const administrators = asArray(value['administrators']).map((row) => ({
		name: str(row['Name']),
		sid: isObject(row['SID']) ? str(row['SID']['Value']) : str(row['SID']),
		objectClass: str(row['ObjectClass']),
		source: enumName(row['PrincipalSource'], principalSources),
	}));
	const guestRow = asArray(value['guest'])[0];
	const facts: WindowsAccountsFacts = {administrators, guest: guestRow ? {name: str(guestRow['Name']), enabled: bool(guestRow['Enabled']) === true} : null};
	return {facts};
}

export const windowsAccountsProbe: Probe = {
	name: 'accounts',
	platforms: ['windows'],
	needsSudo: false,
	command: "Get-LocalGroupMember -SID S-1-5-32-544; Get-LocalUser | Where-Object { $_.SID -like '*-501' }",
	script: [
		missingGuard('Get-LocalGroupMember'),
		// By SID: the group is "Administratoren" on a German image.
		"$members = @(); $err = ''",
		"try { $members = @(Get-LocalGroupMember -SID 'S-1-5-32-544' -ErrorAction Stop | ForEach-Object { [ordered]@{ Name = [string]$_.Name; SID = [string]$_.SID.Value; ObjectClass = [string]$_.ObjectClass; PrincipalSource = [string]$_.PrincipalSource } }) } catch { $err = [string]$_.Exception.Message }",
		"$guest = @(Get-LocalUser | Where-Object { $_.SID.Value -like '*-501' } | ForEach-Object { [ordered]@{ Name = [string]$_.Name; Enabled = [bool]$_.Enabled } })",
		'ConvertTo-AkhJson ([ordered]@{ administrators = $members; membersError = $err; guest = $guest })',
	].join('\n'),
	parse: jsonParser(parseWindowsAccounts),
};

// ---------------------------------------------------------------- Defender

export type DefenderFacts = {
	readonly serviceEnabled: boolean;
	readonly antivirusEnabled: boolean;
	readonly realTimeProtectionEnabled: boolean;
	/** Days since the antivirus signatures were updated (Defender says 65535 when never). */
	readonly signatureAgeDays: number;
	readonly runningMode: string;
};

export function parseDefender(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	if (str(value['error'])) return {error: `Get-MpComputerStatus failed: ${str(value['error'])} (is the WinDefend service running?)`};
	const age = Number(value['AntivirusSignatureAge']);
	if (!Number.isFinite(age)) return {error: 'Get-MpComputerStatus has no AntivirusSignatureAge'};
	const facts: DefenderFacts = {
		serviceEnabled: bool(value['AMServiceEnabled']) === true,
		antivirusEnabled: bool(value['AntivirusEnabled']) === true,
		realTimeProtectionEnabled: bool(value['RealTimeProtectionEnabled']) === true,
		signatureAgeDays: age,
		runningMode: str(value['AMRunningMode']),
	};
	return {facts};
}

export const windowsDefenderProbe: Probe = {
	name: 'defender',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-MpComputerStatus | Select-Object AMServiceEnabled, AntivirusEnabled, RealTimeProtectionEnabled, AntivirusSignatureAge, AMRunningMode',
	script: [
		// Absent when Defender was removed (Uninstall-WindowsFeature Windows-Defender).
		"if (-not (Test-AkhCommand 'Get-MpComputerStatus')) { Get-AkhMissing 'Get-MpComputerStatus (Microsoft Defender is not installed)'; return }",
		"try { $m = Get-MpComputerStatus -ErrorAction Stop } catch { ConvertTo-AkhJson ([ordered]@{ error = [string]$_.Exception.Message }); return }",
		'ConvertTo-AkhJson ([ordered]@{ AMServiceEnabled = [bool]$m.AMServiceEnabled; AntivirusEnabled = [bool]$m.AntivirusEnabled; RealTimeProtectionEnabled = [bool]$m.RealTimeProtectionEnabled; AntivirusSignatureAge = [int]$m.AntivirusSignatureAge; AMRunningMode = [string]$m.AMRunningMode })',
	].join('\n'),
	parse: jsonParser(parseDefender),
};

// ---------------------------------------------------------------- hotfixes

export type HotfixFacts = {
	readonly count: number;
	readonly latest: {readonly id: string; readonly installedOn: string} | null;
	/** Whole days from the latest InstalledOn to the node's clock when it ran; null when none has a date. */
	readonly daysSinceLatest: number | null;
	readonly checkedAt: string;
};

export function parseHotfixes(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	const now = dateMs(value['now']);
	if (now === null) return {error: 'the node did not say what time it is'};
	let latest: {id: string; installedOn: string; ms: number} | null = null;
	const rows = asArray(value['hotfixes']);
	for (const row of rows) {
		// InstalledOn is empty for some updates (and unparsable on some locales): those are skipped.
		const ms = dateMs(row['InstalledOn']);
		if (ms === null) continue;
		if (!latest || ms > latest.ms) latest = {id: str(row['HotFixID']), installedOn: new Date(ms).toISOString().slice(0, 10), ms};
	}
	const facts: HotfixFacts = {
		count: rows.length,
		latest: latest ? {id: latest.id, installedOn: latest.installedOn} : null,
		daysSinceLatest: latest ? Math.floor((now - latest.ms) / 86_400_000) : null,
		checkedAt: new Date(now).toISOString(),
	};
	return {facts};
}

export const windowsHotfixProbe: Probe = {
	name: 'hotfixes',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-HotFix | Select-Object HotFixID, Description, InstalledOn',
	script: [
		missingGuard('Get-HotFix'),
		"$rows = @(Get-HotFix | ForEach-Object { [ordered]@{ HotFixID = [string]$_.HotFixID; Description = [string]$_.Description; InstalledOn = $(if ($_.InstalledOn) { $_.InstalledOn.ToUniversalTime().ToString('o') } else { '' }) } })",
		"ConvertTo-AkhJson ([ordered]@{ now = (Get-Date).ToUniversalTime().ToString('o'); hotfixes = $rows })",
	].join('\n'),
	parse: jsonParser(parseHotfixes),
};

// ---------------------------------------------------------------- audit policy

/** Subcategories CIS Windows Server 17.x wants audited, by GUID (names are localised). */
export const requiredAudit: ReadonlyArray<{readonly guid: string; readonly name: string; readonly want: 'Success' | 'Failure' | 'Success and Failure'}> = [
	{guid: '{0CCE923F-69AE-11D9-BED3-505054503030}', name: 'Credential Validation', want: 'Success and Failure'},
	{guid: '{0CCE9237-69AE-11D9-BED3-505054503030}', name: 'Security Group Management', want: 'Success'},
	{guid: '{0CCE9235-69AE-11D9-BED3-505054503030}', name: 'User Account Management', want: 'Success and Failure'},
	{guid: '{0CCE9215-69AE-11D9-BED3-505054503030}', name: 'Logon', want: 'Success and Failure'},
	{guid: '{0CCE9217-69AE-11D9-BED3-505054503030}', name: 'Account Lockout', want: 'Failure'},
	{guid: '{0CCE921B-69AE-11D9-BED3-505054503030}', name: 'Special Logon', want: 'Success'},
	{guid: '{0CCE922F-69AE-11D9-BED3-505054503030}', name: 'Audit Policy Change', want: 'Success'},
	{guid: '{0CCE9230-69AE-11D9-BED3-505054503030}', name: 'Authentication Policy Change', want: 'Success'},
];

export type AuditPolicyFacts = {
	readonly required: ReadonlyArray<{readonly name: string; readonly guid: string; readonly want: string; readonly setting: string; readonly ok: boolean}>;
};

function covers(setting: string, want: string): boolean {
	const has = (word: string) => setting.includes(word);
	return want === 'Success and Failure' ? has('Success') && has('Failure') : has(want);
}

export function parseAuditPolicy(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	if (str(value['error'])) return {error: `auditpol failed: ${str(value['error'])}`};
	const rows = asArray(value['rows']);
	if (!rows.length) return {error: 'auditpol printed no subcategory'};
	const byGuid = new Map(rows.map((row) => [str(row['Subcategory GUID']).toUpperCase(), str(row['Inclusion Setting'])]));
	const facts: AuditPolicyFacts = {
		required: requiredAudit.map((entry) => {
			const setting = byGuid.get(entry.guid) ?? 'not reported';
			return {...entry, setting, ok: covers(setting, entry.want)};
		}),
	};
	return {facts};
}

export const windowsAuditPolicyProbe: Probe = {
	name: 'audit-policy',
	platforms: ['windows'],
	needsSudo: false,
	command: 'auditpol /get /category:* /r | ConvertFrom-Csv',
	script: [
		"$exe = Join-Path $env:SystemRoot 'System32\\auditpol.exe'",
		"if (-not (Test-Path -LiteralPath $exe)) { Get-AkhMissing 'auditpol.exe'; return }",
		// /r prints CSV: Machine Name, Policy Target, Subcategory, Subcategory GUID, Inclusion Setting, …
		"$run = Invoke-AkhNative $exe @('/get', '/category:*', '/r')",
		'$out = @($run.lines | Where-Object { $_.Trim() })',
		"if ($run.code -ne 0) { ConvertTo-AkhJson ([ordered]@{ error = ($out | Select-Object -First 1) }); return }",
		"$rows = @($out | ConvertFrom-Csv | ForEach-Object { [ordered]@{ 'Subcategory' = $_.Subcategory; 'Subcategory GUID' = $_.'Subcategory GUID'; 'Inclusion Setting' = $_.'Inclusion Setting' } })",
		'ConvertTo-AkhJson ([ordered]@{ rows = $rows })',
	].join('\n'),
	parse: jsonParser(parseAuditPolicy),
};

// ---------------------------------------------------------------- file ACLs

export type WindowsFileAclFacts = {readonly files: readonly FileAcl[]; readonly missing: readonly string[]};

export function parseWindowsFileAcls(value: unknown): ProbeParse {
	const all = asArray(value).map(fileAcl).filter((acl): acl is FileAcl => acl !== undefined);
	if (!all.length) return {error: 'no file ACL reported'};
	const facts: WindowsFileAclFacts = {files: all.filter((acl) => acl.exists), missing: all.filter((acl) => !acl.exists).map((acl) => acl.path)};
	return {facts};
}

export const windowsFileAclProbe: Probe = {
	name: 'file-modes',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-Acl <kubelet and containerd folders, their config files, the kubeconfig, sshd_config, host keys>',
	script: [
		'$paths = New-Object System.Collections.ArrayList',
		"$k = Get-AkhServicePath 'kubelet'",
		'if ($k) {',
		"  if ($k.executable) { [void]$paths.Add(@((Split-Path -Parent $k.executable), 'kubelet-dir')) }",
		"  if ($k.commandLine -match '--config[= ]+\"?([^\" ]+)') { [void]$paths.Add(@($Matches[1], 'kubelet-config')) }",
		"  if ($k.commandLine -match '--kubeconfig[= ]+\"?([^\" ]+)') { [void]$paths.Add(@($Matches[1], 'kubelet-kubeconfig')) }",
		'}',
		"if (Test-Path -LiteralPath 'C:\\k') { [void]$paths.Add(@('C:\\k', 'kubelet-dir')) }",
		"$c = Get-AkhServicePath 'containerd'",
		"if ($c -and $c.executable) { [void]$paths.Add(@((Split-Path -Parent $c.executable), 'containerd-dir')) }",
		"[void]$paths.Add(@((Join-Path $env:ProgramFiles 'containerd\\config.toml'), 'containerd-config'))",
		"[void]$paths.Add(@((Join-Path $env:ProgramData 'ssh\\sshd_config'), 'sshd-config'))",
		"Get-ChildItem -Path (Join-Path $env:ProgramData 'ssh') -Filter 'ssh_host_*_key' -ErrorAction SilentlyContinue | ForEach-Object { [void]$paths.Add(@($_.FullName, 'ssh-host-key')) }",
		'$seen = @{}',
		'$rows = @(foreach ($p in $paths) { if (-not $seen.ContainsKey($p[0])) { $seen[$p[0]] = 1; Get-AkhAcl $p[0] $p[1] } })',
		'ConvertTo-AkhJson $rows',
	].join('\n'),
	parse: jsonParser(parseWindowsFileAcls),
};
