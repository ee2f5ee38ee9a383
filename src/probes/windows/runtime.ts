// The kubelet and containerd on a Windows node: found by their process (or service) command line,
// since AKS hybrid does not document their paths on Windows; their config files read as they are.
import {parse as parseYaml} from 'yaml';
import {effectiveKubelet, parseFlags, type KubeletFacts} from '../kubelet-config.js';
import {parseContainerdConfig, type ContainerdFacts} from '../containerd-config.js';
import type {Probe, ProbeParse} from '../probe.js';
import {SECTION} from '../shell.js';
import {asArray, isObject, jsonParser, str} from './json.js';

/** A Windows command line split as CommandLineToArgvW does for the cases services use: quotes group, backslashes stay. */
export function windowsArgs(commandLine: string): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	let any = false;
	for (const char of commandLine) {
		if (char === '"') {
			quoted = !quoted;
			any = true;
		} else if (/\s/.test(char) && !quoted) {
			if (current || any) out.push(current);
			current = '';
			any = false;
		} else {
			current += char;
		}
	}
	if (current || any) out.push(current);
	return out;
}

export function parseWindowsKubelet(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	const commandLine = str(value['commandLine']);
	const source = str(value['source']);
	const args = windowsArgs(commandLine);
	const flags = commandLine ? parseFlags(args.slice(1)) : {};
	const configPath = str(value['configPath']);
	let config: Record<string, unknown> | null = null;
	if (typeof value['config'] === 'string') {
		try {
			const parsed: unknown = parseYaml(value['config']);
			if (parsed !== null && parsed !== undefined && typeof parsed !== 'object') return {error: `cannot parse kubelet config ${configPath}: not a YAML mapping`};
			config = isObject(parsed) ? parsed : {};
		} catch (error) {
			return {error: `cannot parse kubelet config ${configPath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`};
		}
	}
	if (!commandLine && config === null) return {error: 'kubelet not found: no kubelet.exe process, no kubelet service'};
	const facts: KubeletFacts = {
		configPath,
		config,
		dropIns: [],
		flags,
		flagsSource: source === 'process' ? 'process' : commandLine ? 'service' : 'none',
		effective: effectiveKubelet(config, flags),
	};
	return {facts};
}

export const windowsKubeletProbe: Probe = {
	name: 'kubelet-config',
	platforms: ['windows'],
	needsSudo: false,
	command: '(Get-CimInstance Win32_Process -Filter "Name=\'kubelet.exe\'").CommandLine; Get-Content <--config file>',
	script: [
		"$k = Get-AkhServicePath 'kubelet'",
		"if (-not $k) { ConvertTo-AkhJson ([ordered]@{ source = 'none'; commandLine = ''; configPath = ''; config = $null }); return }",
		"$cfg = ''",
		"if ($k.commandLine -match '--config[= ]+\"?([^\" ]+)') { $cfg = $Matches[1] }",
		'$text = $null',
		'if ($cfg -and (Test-Path -LiteralPath $cfg)) { $text = Get-Content -LiteralPath $cfg -Raw }',
		'ConvertTo-AkhJson ([ordered]@{ source = $k.source; commandLine = $k.commandLine; configPath = $cfg; config = $text })',
	].join('\n'),
	parse: jsonParser(parseWindowsKubelet),
};

/** The same facts as on Linux: the probe's JSON is put back into the sections the Linux parser reads. */
export function parseWindowsContainerd(value: unknown): ProbeParse {
	if (!isObject(value)) return {error: 'unexpected output: not an object'};
	const parts: string[] = [];
	if (typeof value['dump'] === 'string' && value['dump'].trim()) parts.push(`${SECTION} dump`, value['dump']);
	else if (typeof value['file'] === 'string') parts.push(`${SECTION} file ${str(value['configFile']).replaceAll(' ', '%20')}`, value['file']);
	else return {error: `no containerd configuration found (containerd ${str(value['executable']) || 'not found'}, config ${str(value['configFile']) || 'unknown'})`};
	if (str(value['dumpError'])) parts.push(`${SECTION} dump-error`, str(value['dumpError']));
	for (const host of asArray(value['hosts'])) parts.push(`${SECTION} hosts ${str(host['host'])} ${str(host['file']).replaceAll(' ', '%20')}`, str(host['text']));
	const parsed = parseContainerdConfig(parts.join('\n'));
	if ('error' in parsed) return parsed;
	// Section headers split on spaces; the paths (C:\Program Files\…) are given back whole.
	const facts = parsed.facts as ContainerdFacts;
	return {facts: {...facts, registries: facts.registries.map((entry) => (entry.file ? {...entry, file: entry.file.replaceAll('%20', ' ')} : entry))}};
}

export const windowsContainerdProbe: Probe = {
	name: 'containerd-config',
	platforms: ['windows'],
	needsSudo: false,
	command: '& containerd.exe --config <config.toml> config dump',
	script: [
		"$c = Get-AkhServicePath 'containerd'",
		"$exe = ''; $cfg = Join-Path $env:ProgramFiles 'containerd\\config.toml'",
		'if ($c) {',
		'  $argv = $c.commandLine',
		"  if ($c.executable) { $exe = $c.executable } elseif ($argv -match '^\\s*\"([^\"]+)\"') { $exe = $Matches[1] } elseif ($argv -match '^\\s*(\\S+)') { $exe = $Matches[1] }",
		"  if ($argv -match '--config[= ]+\"?([^\"]+?)\"?(\\s+-|\\s*$)') { $cfg = $Matches[1] }",
		'}',
		"$dump = ''; $dumpError = ''",
		'if ($exe -and (Test-Path -LiteralPath $exe)) {',
		"  $run = Invoke-AkhNative $exe @('--config', $cfg, 'config', 'dump')",
		"  if ($run.code -eq 0) { $dump = $run.lines -join $akhNl } else { $dumpError = ($run.lines | Select-Object -First 1) }",
		'}',
		'$file = $null',
		"if (-not $dump -and (Test-Path -LiteralPath $cfg)) { $file = Get-Content -LiteralPath $cfg -Raw }",
		// Registry host folders (config_path): each <host>\\hosts.toml as it is.
		'$hosts = @()',
		"$text = if ($dump) { $dump } else { [string]$file }",
		"if ($text -match 'config_path\\s*=\\s*[\"'']([^\"'']+)[\"'']') {",
		"  $dir = $Matches[1] -replace '\\\\\\\\', '\\'",
		"  foreach ($d in @($dir -split ';')) { if (Test-Path -LiteralPath $d) { $hosts += @(Get-ChildItem -LiteralPath $d -Directory | ForEach-Object { $f = Join-Path $_.FullName 'hosts.toml'; if (Test-Path -LiteralPath $f) { [ordered]@{ host = $_.Name; file = $f; text = (Get-Content -LiteralPath $f -Raw) } } }) } }",
		'}',
		'ConvertTo-AkhJson ([ordered]@{ executable = $exe; configFile = $cfg; dump = $dump; dumpError = $dumpError; file = $file; hosts = $hosts })',
	].join('\n'),
	parse: jsonParser(parseWindowsContainerd),
};
