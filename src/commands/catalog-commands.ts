import {pssSummary} from '../model/pss.js';
import {loadCatalog} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import {sectionTitles} from '../model/status.js';
import {parse, sectionsOption} from './options.js';
import {explainProbePod} from './explain-probe-pod.js';
import {forNodeOs, type CompiledCheck} from '../catalog/load.js';
import {buildNodeScript} from '../engine/node-script.js';
import {buildWindowsNodeScript, windowsExecCommand, windowsLoader} from '../engine/windows-script.js';
import {probesForOs} from '../probes/index.js';

/** A stand-in for the marker, which is random on every run. */
const shownMarker = 'RUNMARKER';

/** The script a node of this OS gets for these checks, with the command that runs it. */
export function nodeScriptText(os: 'linux' | 'windows', checks: readonly CompiledCheck[], id?: string): string {
	const known = probesForOs(os);
	const names = new Set<string>();
	for (const compiled of checks) {
		if (compiled.check.scope !== 'node' || !compiled.check.platforms?.includes(os)) continue;
		for (const name of forNodeOs(compiled, os).check.probes) names.add(name);
	}
	const probes = [...names].map((name) => known.get(name)).filter((probe) => probe !== undefined);
	const what = id ? `the probes of ${id}` : 'every node check';
	if (!probes.length) return `No ${os} probe: ${id ?? 'the catalogue'} has no check for ${os} nodes.\n`;
	if (os === 'linux') {
		return [
			`# Linux nodes, ${what}: run over SSH as \`sudo -n sh -s\` (\`sh -s\` for probes that need no root), the script below on stdin.`,
			`# Probes: ${probes.map((probe) => probe.name).join(', ')}. ${shownMarker} stands for the marker, random on every run.`,
			buildNodeScript(probes, shownMarker),
		].join('\n');
	}
	return [
		`# Windows nodes, ${what}: one exec over SSH as Administrator, whatever the node's default shell:`,
		windowsExecCommand(),
		'# The -EncodedCommand part decodes (base64 of UTF-16LE) to this loader:',
		windowsLoader,
		`# It runs the script below, sent on stdin. Probes: ${probes.map((probe) => probe.name).join(', ')}.`,
		`# ${shownMarker} stands for the marker, random on every run.`,
		buildWindowsNodeScript(probes, shownMarker),
	].join('\n');
}

export const checksHelp = `Usage: aks-harden checks [--section S[,S]] [--format text|json]

List the check catalogue: id, severity, scope and title, grouped by article section. Checks
that implement a Pod Security Standard control say which level ([PSS baseline] or
[PSS restricted]); select them with \`aks-harden audit --checks pss:baseline\` or pss:restricted.
`;

export const explainHelp = `Usage: aks-harden explain CHECK-ID
       aks-harden explain --node-script linux|windows [CHECK-ID]
       aks-harden explain probe-pod

Show what a check looks at, why it matters, how it decides and how to fix what it finds.

--node-script OS prints, without connecting anywhere, the one script aks-harden runs on each
node of that OS (every node check's probes, or only those of CHECK-ID) and the command line
that runs it, so it can be read before it runs on a node.
\`explain probe-pod\` shows what --node-access kubernetes creates on the cluster (the exact
namespace and pod manifests) and the RBAC it needs.
`;

export const checksOptions = {section: {type: 'string'}, format: {type: 'string'}, help: {type: 'boolean', short: 'h'}} as const;
export const explainOptions = {'node-script': {type: 'string'}, help: {type: 'boolean', short: 'h'}} as const;

export function checksCommand(args: readonly string[]): number {
	const {values} = parse(args, checksOptions, 'checks');
	if (values.help) {
		process.stdout.write(checksHelp);
		return 0;
	}
	const catalog = loadCatalog();
	const wanted = sectionsOption(values.section);
	const checks = catalog.checks.filter(({check}) => !wanted || wanted.includes(check.section));
	if (values.format === 'json') {
		process.stdout.write(`${JSON.stringify(checks.map(({check}) => check), null, 2)}\n`);
		return 0;
	}
	if (values.format && values.format !== 'text') throw new UsageError(`--format must be text or json, not "${values.format}"`, 'see `aks-harden checks --help`');
	let section = '';
	for (const {check} of checks) {
		if (check.section !== section) {
			section = check.section;
			process.stdout.write(`${section === checks[0]!.check.section ? '' : '\n'}${sectionTitles[check.section]} (${section})\n`);
		}
		const kind = check.manual ? 'manual' : check.scope;
		const pss = check.pss ? ` [PSS ${check.pss.level}]` : '';
		process.stdout.write(`  ${check.id.padEnd(38)} ${check.severity.padEnd(8)} ${kind.padEnd(9)} ${check.title}${pss}\n`);
	}
	process.stdout.write(`\n${checks.length} checks. Details: aks-harden explain ID\n`);
	return 0;
}

export function explainCommand(args: readonly string[]): number {
	const {values, positionals} = parse(args, explainOptions, 'explain');
	if (values.help) {
		process.stdout.write(explainHelp);
		return 0;
	}
	const id = positionals[0];
	if (id === 'probe-pod' && values['node-script'] === undefined) return explainProbePod();
	const os = values['node-script'];
	if (os !== undefined && os !== 'linux' && os !== 'windows') throw new UsageError(`--node-script must be linux or windows, not "${os}"`, 'see `aks-harden explain --help`');
	if (!id && !os) throw new UsageError('explain needs a check id', 'list the ids with `aks-harden checks`');
	const catalog = loadCatalog();
	const compiled = id ? catalog.byId.get(id) : undefined;
	if (id && !compiled) {
		const near = catalog.checks.map(({check}) => check.id).filter((other) => other.includes(id.split('.').pop() ?? id)).slice(0, 5);
		throw new UsageError(`no check "${id}"`, near.length ? `did you mean ${near.join(', ')}?` : 'list the ids with `aks-harden checks`');
	}
	if (os) {
		process.stdout.write(nodeScriptText(os, compiled ? [compiled] : catalog.checks, id));
		return 0;
	}
	const {check} = compiled!;
	const windows = compiled!.windows?.check;
	const lines = [
		`${check.id} — ${check.title}`,
		'',
		`Section:     ${sectionTitles[check.section]} (${check.section})`,
		`Severity:    ${check.severity}`,
		`Scope:       ${check.scope}${check.platforms ? ` (${check.platforms.join(', ')} nodes)` : ''}`,
		...(check.references ? [`References:  ${Object.entries(check.references).map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
		...(check.pss ? [`Pod Security: ${pssSummary(check.pss)}`] : []),
		'',
		'Why it matters:',
		wrap(check.rationale),
		'',
		...(check.manual
			? ['Asked of the operator:', wrap(check.question ?? '')]
			: [
					'How it decides (CEL):',
					...(check.when ? [`  applies when: ${check.when}`] : []),
					`  passes when:  ${check.assert}`,
					...(check.warnWhen ? [`  warns when:   it passes and ${check.warnWhen}`] : []),
					...(check.probes.length ? [`  reads probes: ${check.probes.join(', ')}`] : []),
					...(check.needs.length ? [`  reads:        ${check.needs.join(', ')}`] : []),
					...(windows
						? [
								'On Windows nodes:',
								...(windows.assert !== check.assert ? [`  passes when:  ${windows.assert}`] : []),
								`  reads probes: ${windows.probes.join(', ')} (PowerShell; see \`aks-harden explain --node-script windows ${check.id}\`)`,
							]
						: []),
				]),
		'',
		'Remediation:',
		wrap(check.remediation),
		...(windows && windows.remediation !== check.remediation ? ['', 'Remediation on Windows nodes:', wrap(windows.remediation)] : []),
		...(check.playbook ? ['', `Fix playbook: ${check.playbook}${windows && windows.playbook !== check.playbook ? ' (Linux nodes)' : ''}`] : []),
		...(windows?.playbook && windows.playbook !== check.playbook ? [`Fix playbook on Windows nodes: ${windows.playbook}`] : []),
		`Defined in: ${compiled!.file}`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

function wrap(text: string, width = 92): string {
	const words = text.replace(/\s+/g, ' ').trim().split(' ');
	const lines: string[] = [];
	let line = ' ';
	for (const word of words) {
		if (line.length + word.length + 1 > width) {
			lines.push(line);
			line = ' ';
		}
		line += ` ${word}`;
	}
	lines.push(line);
	return lines.join('\n');
}
