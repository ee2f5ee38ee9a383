import {pssSummary} from '../model/pss.js';
import {loadCatalog} from '../catalog/load.js';
import {UsageError} from '../model/errors.js';
import {sectionTitles} from '../model/status.js';
import {parse, sectionsOption} from './options.js';
import {explainProbePod} from './explain-probe-pod.js';

export const checksHelp = `Usage: aks-harden checks [--section S[,S]] [--format text|json]

List the check catalogue: id, severity, scope and title, grouped by article section. Checks
that implement a Pod Security Standard control say which level ([PSS baseline] or
[PSS restricted]); select them with \`aks-harden audit --checks pss:baseline\` or pss:restricted.
`;

export const explainHelp = `Usage: aks-harden explain CHECK-ID
       aks-harden explain probe-pod

Show what a check looks at, why it matters, how it decides and how to fix what it finds.
\`explain probe-pod\` shows what --node-access kubernetes creates on the cluster (the exact
namespace and pod manifests) and the RBAC it needs.
`;

export const checksOptions = {section: {type: 'string'}, format: {type: 'string'}, help: {type: 'boolean', short: 'h'}} as const;
export const explainOptions = {help: {type: 'boolean', short: 'h'}} as const;

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
	if (!id) throw new UsageError('explain needs a check id', 'list the ids with `aks-harden checks`');
	if (id === 'probe-pod') return explainProbePod();
	const catalog = loadCatalog();
	const compiled = catalog.byId.get(id);
	if (!compiled) {
		const near = catalog.checks.map(({check}) => check.id).filter((other) => other.includes(id.split('.').pop() ?? id)).slice(0, 5);
		throw new UsageError(`no check "${id}"`, near.length ? `did you mean ${near.join(', ')}?` : 'list the ids with `aks-harden checks`');
	}
	const {check} = compiled;
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
				]),
		'',
		'Remediation:',
		wrap(check.remediation),
		...(check.playbook ? ['', `Fix playbook: ${check.playbook}`] : []),
		`Defined in: ${compiled.file}`,
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
