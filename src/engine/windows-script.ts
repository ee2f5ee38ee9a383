// One Windows node, one PowerShell script, one SSH exec (DESIGN §4). Windows OpenSSH runs the
// exec'd command through its default shell (cmd.exe unless an operator changed DefaultShell), and
// cmd.exe cuts command lines at 8191 characters: the whole probe script encoded would not fit.
// So the command line carries only a short loader, itself passed with -EncodedCommand (no quoting
// survives both cmd.exe and PowerShell), and the loader runs the probe script it reads from stdin.
// Frames are the Linux ones, so splitNodeOutput reads both. Pure: no I/O here.
import type {ScriptProbe} from './node-script.js';

const probeName = /^[a-z][a-z0-9-]*$/;

function check(marker: string): void {
	if (!/^[A-Za-z0-9]{8,64}$/.test(marker)) throw new Error(`node script marker must be 8–64 letters or digits, got ${JSON.stringify(marker)}`);
}

/** `-EncodedCommand` takes base64 of the script's UTF-16LE bytes. */
export function encodePowerShell(script: string): string {
	return Buffer.from(script, 'utf16le').toString('base64');
}

export function decodePowerShell(encoded: string): string {
	return Buffer.from(encoded, 'base64').toString('utf16le');
}

/** Reads the probe script from stdin as UTF-8 and runs it; errors outside a probe end the run. */
export const windowsLoader = [
	"$ErrorActionPreference = 'Stop'",
	'[Console]::InputEncoding = New-Object System.Text.UTF8Encoding $false',
	'$akhScript = [Console]::In.ReadToEnd()',
	'& ([scriptblock]::Create($akhScript))',
].join('; ');

/** The one command exec'd on a Windows node: the same under cmd.exe and PowerShell as DefaultShell. */
export function windowsExecCommand(): string {
	return `powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encodePowerShell(windowsLoader)}`;
}

/**
 * Functions every probe body may use, defined once at the top of the script. `ConvertTo-AkhJson`
 * always emits an array as an array (PowerShell 5.1 unwraps one-element arrays in a pipeline).
 */
const prelude = [
	'function ConvertTo-AkhJson($Value) { ConvertTo-Json -InputObject $Value -Depth 6 -Compress }',
	'function Test-AkhCommand([string]$Name) { [bool](Get-Command -Name $Name -ErrorAction SilentlyContinue) }',
	'function Get-AkhMissing([string]$Name) { ConvertTo-AkhJson ([ordered]@{ missing = $Name }) }',
	// Windows PowerShell 5.1 turns a native command's stderr line into a terminating error under
	// 'Stop' once 2>&1 redirects it: native tools run under 'Continue', their stderr kept as text.
	'function Invoke-AkhNative([string]$Exe, [string[]]$Arguments) {',
	"  $ErrorActionPreference = 'Continue'",
	'  $lines = @(& $Exe @Arguments 2>&1 | ForEach-Object { [string]$_ })',
	'  [ordered]@{ code = $LASTEXITCODE; lines = $lines }',
	'}',
	// SIDs, not names: group and account names are localised ("VORDEFINIERT\\Administratoren").
	'function Get-AkhSid($Identity) { try { $Identity.Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { \'\' } }',
	'function Get-AkhAcl([string]$Path, [string]$Kind) {',
	'  if (-not (Test-Path -LiteralPath $Path)) { return [ordered]@{ path = $Path; kind = $Kind; exists = $false } }',
	'  $acl = Get-Acl -LiteralPath $Path',
	'  $entries = @($acl.Access | ForEach-Object { [ordered]@{ identity = [string]$_.IdentityReference; sid = (Get-AkhSid $_.IdentityReference); rights = [string]$_.FileSystemRights; type = [string]$_.AccessControlType; inherited = [bool]$_.IsInherited } })',
	'  $owner = try { (New-Object System.Security.Principal.NTAccount $acl.Owner).Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { \'\' }',
	'  [ordered]@{ path = $Path; kind = $Kind; exists = $true; owner = [string]$acl.Owner; ownerSid = $owner; protected = [bool]$acl.AreAccessRulesProtected; access = $entries }',
	'}',
	'function Get-AkhServicePath([string]$Name) {',
	'  $p = Get-CimInstance -ClassName Win32_Process -Filter ("Name=\'" + $Name + ".exe\'") -ErrorAction SilentlyContinue | Select-Object -First 1',
	'  if ($p -and $p.CommandLine) { return [ordered]@{ source = \'process\'; commandLine = [string]$p.CommandLine; executable = [string]$p.ExecutablePath } }',
	'  $s = Get-CimInstance -ClassName Win32_Service -Filter ("Name=\'" + $Name + "\'") -ErrorAction SilentlyContinue',
	'  if ($s) { return [ordered]@{ source = \'service\'; commandLine = [string]$s.PathName; executable = \'\' } }',
	'  return $null',
	'}',
];

/**
 * The Windows node's script. Each probe body runs in its own scriptblock under try/catch: one
 * that throws (a cmdlet missing from this Windows edition, access denied) is framed with its
 * error and exit status 1 and the next probe still runs. There is no per-probe timeout as on
 * Linux (PowerShell jobs cost a process each); the whole run is bounded by --timeout.
 */
export function buildWindowsNodeScript(probes: readonly ScriptProbe[], marker: string): string {
	check(marker);
	const tag = `__AKH_${marker}`;
	const out: string[] = [
		"# aks-harden Windows node probes: read-only. Each probe's output is framed by a marker for this run.",
		"$ErrorActionPreference = 'Stop'",
		// Warnings, progress and information go to the console, not the pipeline a frame captures:
		// silenced so nothing lands between a frame's markers.
		"$ProgressPreference = 'SilentlyContinue'",
		"$WarningPreference = 'SilentlyContinue'",
		"$InformationPreference = 'SilentlyContinue'",
		"$VerbosePreference = 'SilentlyContinue'",
		'[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false',
		'$akhNl = [string][char]10',
		...prelude,
		'function Invoke-AkhProbe([string]$Name, [scriptblock]$Body) {',
		`  [Console]::Out.Write('${tag}_BEGIN ' + $Name + $akhNl)`,
		"  $rc = 0; $err = ''",
		'  try { $text = (& $Body | Out-String -Width 8192) } catch { $text = \'\'; $err = [string]$_.Exception.Message; $rc = 1 }',
		'  [Console]::Out.Write($text)',
		`  [Console]::Out.Write($akhNl + '${tag}_STDERR ' + $Name + $akhNl + $err + $akhNl + '${tag}_END ' + $Name + ' ' + $rc + $akhNl)`,
		'}',
	];
	for (const probe of probes) {
		if (!probeName.test(probe.name)) throw new Error(`probe name ${JSON.stringify(probe.name)} is not a plain name`);
		out.push(`Invoke-AkhProbe '${probe.name}' {`, ...probe.script.split('\n').map((line) => `  ${line}`), '}');
	}
	out.push('exit 0', '');
	return out.join('\n');
}

/** Windows output ends lines with CRLF; frames and parsers read LF. */
export function normaliseWindowsOutput(stdout: string): string {
	return stdout.replace(/\r\n/g, '\n');
}

