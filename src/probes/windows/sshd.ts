import type {Probe} from '../probe.js';
import {parseSshd} from '../sshd.js';
import {fileAcl, type FileAcl} from './acl.js';
import {isObject, jsonParser, str} from './json.js';

export type WindowsSshdExtra = {
	readonly sshdPath: string;
	/** `%ProgramData%\ssh\administrators_authorized_keys`: the keys any Administrators member logs in with. */
	readonly adminKeys: FileAcl;
};

/**
 * Win32-OpenSSH: `sshd.exe -T -C …` prints the effective configuration in the same form as on
 * Linux, so the same parser reads it; the administrators' key file and its ACL come with it.
 */
export const windowsSshdProbe: Probe = {
	name: 'sshd',
	platforms: ['windows'],
	needsSudo: false,
	command: '& "$env:SystemRoot\\System32\\OpenSSH\\sshd.exe" -T -C user=Administrator,host=<client>,addr=<client>; Get-Acl "$env:ProgramData\\ssh\\administrators_authorized_keys"',
	script: [
		"$exe = Join-Path $env:SystemRoot 'System32\\OpenSSH\\sshd.exe'",
		"if (-not (Test-Path -LiteralPath $exe)) { $c = Get-Command -Name 'sshd.exe' -ErrorAction SilentlyContinue; $exe = if ($c) { $c.Source } else { '' } }",
		"if (-not $exe) { Get-AkhMissing 'sshd.exe'; return }",
		// Without -C sshd -T skips Match blocks (Match Group administrators is in the stock file).
		"$conn = @(([string]$env:SSH_CONNECTION) -split ' ' | Where-Object { $_ })",
		"$addr = if ($conn.Count -ge 1) { $conn[0] } else { '203.0.113.10' }",
		"$spec = 'user=' + $env:USERNAME + ',host=' + $addr + ',addr=' + $addr",
		"if ($conn.Count -ge 4) { $spec = $spec + ',laddr=' + $conn[2] + ',lport=' + $conn[3] }",
		"$dump = (Invoke-AkhNative $exe @('-T', '-C', $spec)).lines -join $akhNl",
		"$keys = Get-AkhAcl (Join-Path $env:ProgramData 'ssh\\administrators_authorized_keys') 'admin-authorized-keys'",
		'ConvertTo-AkhJson ([ordered]@{ sshd = $exe; connection = $spec; dump = $dump; adminKeys = $keys })',
	].join('\n'),
	parse: jsonParser((value) => {
		if (!isObject(value)) return {error: 'unexpected output: not an object'};
		const dump = str(value['dump']);
		const parsed = parseSshd(`__AKH_SSHD_CONNECTION__ ${str(value['connection'])}\n${dump}`);
		if ('error' in parsed) return parsed;
		const adminKeys = fileAcl(value['adminKeys']);
		if (!adminKeys) return {error: 'no ACL for administrators_authorized_keys'};
		const extra: WindowsSshdExtra = {sshdPath: str(value['sshd']), adminKeys};
		return {facts: {...(parsed.facts as object), ...extra}};
	}),
};
