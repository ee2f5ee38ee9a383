import {ConnectionError, isUsageError, setCommandName} from './model/errors.js';
import {printable, printableLines} from './model/printable.js';
import {version} from './version.js';
import {didYouMean} from './model/suggest.js';

/** For "did you mean"; dispatch below is the authority. */
const commands = ['audit', 'checks', 'explain', 'report', 'diff', 'fix', 'undo', 'baseline', 'cleanup', 'completion', 'help'];

const help = `aks-harden ${version} — harden AKS hybrid clusters and their nodes

Usage:
  aks-harden [options]            interactive walkthrough of the current kubeconfig context
  aks-harden --demo               the walkthrough on the built-in demo environment
  aks-harden audit [options]      headless audit: report on stdout or --output, exit 0/1/2
  aks-harden checks [--section S] list the check catalogue
  aks-harden explain ID           what a check does and how to fix what it finds
  aks-harden report AUDIT.json --format F   render a saved audit (md, html, json, junit, sarif, csv)
  aks-harden diff OLD.json NEW.json         new, fixed and unchanged failures; node drift
  aks-harden fix --plan F | --apply F       guided fixes: plan for review, apply exactly that plan
  aks-harden undo ID                        revert a change recorded in the audit log
  aks-harden baseline capture NODE          record a fresh node's services as its image's baseline
  aks-harden cleanup                        delete probe pods an interrupted --node-access kubernetes run left
  aks-harden completion bash|zsh|pwsh       shell completion for commands, options and check ids

Run \`aks-harden COMMAND --help\` for a command's options. Exit codes: 0 no failing finding at or
above --fail-on, 1 failing findings, 2 the run could not do its job.
`;

/** Commands that run without a terminal UI: Ctrl-C there is a signal, said in one line (interrupt.ts). */
const headless = new Set(['audit', 'report', 'diff', 'fix', 'undo', 'baseline']);

async function dispatch(argv: readonly string[]): Promise<number> {
	const [command, ...rest] = argv;
	// `fix` without --plan/--apply asks at a prompt, which reads Ctrl-C itself.
	if (command && headless.has(command) && (command !== 'fix' || rest.some((arg) => /^--(plan|apply|export-policies|manifests)(=|$)/.test(arg)))) {
		const {handleInterrupts} = await import('./commands/interrupt.js');
		handleInterrupts(command === 'fix' ? `fix ${rest.find((arg) => /^--(plan|apply|export-policies|manifests)/.test(arg))!.replace(/=.*$/, '')}` : command);
	}
	setCommandName(command && commands.includes(command) ? command : undefined);
	switch (command) {
		case 'audit':
			return (await import('./commands/audit.js')).auditCommand(rest);
		case 'checks':
			return (await import('./commands/catalog-commands.js')).checksCommand(rest);
		case 'explain':
			return (await import('./commands/catalog-commands.js')).explainCommand(rest);
		case 'report':
			return (await import('./commands/report.js')).reportCommand(rest);
		case 'diff':
			return (await import('./commands/diff.js')).diffCommand(rest);
		case 'fix':
			return (await import('./commands/fix.js')).fixCommand(rest);
		case 'undo':
			return (await import('./commands/undo.js')).undoCommand(rest);
		case 'baseline':
			return (await import('./commands/baseline.js')).baselineCommand(rest);
		case 'cleanup':
			return (await import('./commands/cleanup.js')).cleanupCommand(rest);
		case 'completion':
			return (await import('./commands/completion.js')).completionCommand(rest);
		case '--version':
		case '-v':
			process.stdout.write(`${version}\n`);
			return 0;
		case '--help':
		case '-h':
		case 'help':
			process.stdout.write(help);
			return 0;
		default:
			if (command && !command.startsWith('-')) {
				process.stderr.write(`aks-harden: unknown command "${printable(command)}"${didYouMean(command, commands)}\n  next: run \`aks-harden --help\`\n`);
				return 2;
			}
			return (await import('./commands/walkthrough.js')).walkthroughCommand(argv);
	}
}

/**
 * Two kinds of fatal error: expected ones (bad arguments, an environment that cannot be reached)
 * print one line and a next step (exit 2); anything else
 * is a bug and keeps its stack so it can be reported.
 */
export async function main(argv: readonly string[]): Promise<void> {
	try {
		process.exitCode = await dispatch(argv);
	} catch (error) {
		if (isUsageError(error) || error instanceof ConnectionError) {
			// Messages quote names, paths and server text: one line each, whatever they hold.
			process.stderr.write(`aks-harden: ${printable(error.message)}\n${error.nextStep ? `  next: ${printable(error.nextStep)}\n` : ''}`);
			process.exitCode = 2;
			return;
		}
		process.stderr.write(`aks-harden: internal error (please report it)\n${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
		process.exitCode = 2;
	}
}
