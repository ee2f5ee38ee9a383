import type {ParseArgsConfig} from 'node:util';
import {loadCatalog} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import {sections, severities} from '../model/status.js';
import {didYouMean} from '../model/suggest.js';
import {reportFormats} from '../report/render.js';
import {auditOptions} from './audit.js';
import {baselineOptions} from './baseline.js';
import {checksOptions, explainOptions} from './catalog-commands.js';
import {cleanupOptions} from './cleanup.js';
import {diffOptions} from './diff.js';
import {fixOptions} from './fix.js';
import {parse} from './options.js';
import {reportCommandOptions} from './report.js';
import {undoOptions} from './undo.js';
import {walkthroughOptions} from './walkthrough-start.js';

export const completionHelp = `Usage: aks-harden completion bash|zsh|pwsh

Print a shell completion script for commands, options, check ids and option values.

  bash   echo 'source <(aks-harden completion bash)' >> ~/.bashrc
  zsh    echo 'source <(aks-harden completion zsh)' >> ~/.zshrc
  pwsh   aks-harden completion pwsh | Out-String | Invoke-Expression   (add it to $PROFILE)
`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options of each command, taken from the same tables its parser uses. */
const commandOptions: Readonly<Record<string, Options>> = {
	'': walkthroughOptions,
	audit: auditOptions,
	checks: checksOptions,
	explain: explainOptions,
	report: reportCommandOptions,
	diff: diffOptions,
	fix: fixOptions,
	undo: undoOptions,
	baseline: baselineOptions,
	cleanup: cleanupOptions,
	completion: {help: {type: 'boolean', short: 'h'}},
};

const shells = ['bash', 'zsh', 'pwsh'] as const;
/** Options whose value is a path: the shell completes file names there. */
const pathOptions = ['kubeconfig', 'manifests', 'output', 'waivers', 'inventory', 'ssh-key', 'known-hosts', 'plan', 'apply', 'baseline', 'log', 'export-policies'];

function optionNames(options: Options): string[] {
	return Object.keys(options).map((name) => `--${name}`);
}

function valueLists(checkIds: readonly string[]): Record<string, readonly string[]> {
	return {
		'--format': [...reportFormats, 'text'],
		'--sections': sections,
		'--section': sections,
		'--fail-on': severities,
		'--checks': ['pss:baseline', 'pss:restricted', ...checkIds],
	};
}

export function completionCommand(args: readonly string[]): number {
	const {values, positionals} = parse(args, commandOptions.completion!, 'completion');
	if (values.help) {
		process.stdout.write(completionHelp);
		return 0;
	}
	const shell = positionals[0];
	if (!shell || !(shells as readonly string[]).includes(shell)) {
		throw new UsageError(shell ? `no completion for "${shell}"${didYouMean(shell, shells)}` : 'completion needs a shell', `use one of: ${shells.join(', ')}`);
	}
	const checkIds = loadCatalog().checks.map(({check}) => check.id);
	process.stdout.write(shell === 'pwsh' ? pwshScript(checkIds) : bashScript(checkIds, shell === 'zsh'));
	return 0;
}

const quoteWords = (words: readonly string[]) => words.join(' ');

function bashScript(checkIds: readonly string[], isZsh: boolean): string {
	const commands = Object.keys(commandOptions).filter(Boolean);
	const perCommand = Object.entries(commandOptions)
		.map(([command, options]) => `    ${command ? command : '""'}) opts="${quoteWords(optionNames(options))}${command ? '' : ` ${quoteWords(commands)}`}" ;;`)
		.join('\n');
	const perValue = Object.entries(valueLists(checkIds))
		.map(([option, words]) => `    ${option}) COMPREPLY=($(compgen -W "${quoteWords(words)}" -- "$cur")); return ;;`)
		.join('\n');
	return `# aks-harden ${isZsh ? 'zsh' : 'bash'} completion: source <(aks-harden completion ${isZsh ? 'zsh' : 'bash'})
${isZsh ? 'autoload -U +X bashcompinit && bashcompinit\n' : ''}_aks_harden() {
  local cur prev cmd word
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in ${commands.join('|')}) cmd="$word"; break ;; esac
  done
  case "$prev" in
${perValue}
    explain) COMPREPLY=($(compgen -W "${quoteWords(checkIds)}" -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "${quoteWords(shells)}" -- "$cur")); return ;;
    ${pathOptions.map((name) => `--${name}`).join('|')}|-o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local opts
  case "$cmd" in
${perCommand}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _aks_harden aks-harden
`;
}

function pwshScript(checkIds: readonly string[]): string {
	const list = (words: readonly string[]) => `@(${words.map((word) => `'${word}'`).join(', ')})`;
	const perCommand = Object.entries(commandOptions)
		.map(([command, options]) => `    '${command}' = ${list([...optionNames(options), ...(command ? [] : Object.keys(commandOptions).filter(Boolean))])}`)
		.join('\n');
	const perValue = Object.entries({...valueLists(checkIds), explain: checkIds, completion: shells})
		.map(([option, words]) => `    '${option}' = ${list(words)}`)
		.join('\n');
	return `# aks-harden PowerShell completion: aks-harden completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName aks-harden -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $options = @{
${perCommand}
  }
  $values = @{
${perValue}
  }
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -SkipLast 1) }
  $command = ''
  foreach ($word in $words) { if ($options.ContainsKey($word) -and $word -ne '') { $command = $word; break } }
  $previous = if ($words.Count -gt 0) { $words[-1] } else { '' }
  $candidates = if ($values.ContainsKey($previous)) { $values[$previous] } else { $options[$command] }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
