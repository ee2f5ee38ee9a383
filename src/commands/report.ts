import {loadCatalog} from '../catalog/load.js';
import {noDecisions} from '../engine/decisions.js';
import {buildReport} from '../engine/report.js';
import type {Report} from '../model/report.js';
import {UsageError} from '../model/errors.js';
import {reportContext} from '../report/context.js';
import {readAuditFile} from '../report/read.js';
import {renderReport, reportFormatOption, reportFormats} from '../report/render.js';
import {parse} from './options.js';
import {writeAtomically} from './write-output.js';

export {readAuditFile} from '../report/read.js';

export const reportHelp = `Usage: aks-harden report AUDIT.json [--format FORMAT] [--output FILE]

Render a saved audit (written by \`aks-harden audit --format json --output AUDIT.json\`) in another
format, without touching the cluster again.

  --format FORMAT    ${reportFormats.join(', ')} (default markdown)
                       markdown/md  the compliance checklist, per article section
                       html         one self-contained page: cards, chart, sortable findings
                       junit        a testsuite per section, a testcase per check and target
                       sarif        SARIF 2.1.0 for code scanning (GitHub, Azure DevOps)
                       csv          a row per finding
                       json         the audit itself (schemaVersion 1, the stable contract)
  -o, --output FILE  write to FILE (whole or not at all) instead of stdout
  -h, --help         this help

Exit codes: 0 written, 2 the file is missing, not JSON or not an aks-harden audit.
`;

export const reportCommandOptions = {
	format: {type: 'string'},
	output: {type: 'string', short: 'o'},
	help: {type: 'boolean', short: 'h'},
} as const;

/** `aks-harden report AUDIT.json --format F [--output FILE]`. */
export async function reportCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, reportCommandOptions, 'report');
	if (values.help) {
		process.stdout.write(reportHelp);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length ? `report takes one audit file, not ${positionals.length}` : 'report needs the audit file to render', 'aks-harden report AUDIT.json --format html --output report.html');
	}
	const format = reportFormatOption(values.format, 'markdown');
	const saved = readAuditFile(positionals[0]!);
	const catalog = loadCatalog();
	// Through the one report builder, so a saved audit's counts and score follow the same rules as
	// a fresh one; its decisions were applied when it was written and are carried as recorded.
	const report: Report = {
		...buildReport({
			version: saved.tool.version,
			startedAt: saved.startedAt,
			finishedAt: saved.finishedAt,
			cluster: saved.cluster,
			nodes: saved.nodes,
			findings: saved.findings,
			checkOrder: catalog.checks.map(({check}) => check.id),
			decisions: {...noDecisions, notes: saved.notes ?? {}},
			today: new Date(saved.finishedAt),
		}),
		...(saved.waivers ? {waivers: saved.waivers} : {}),
	};
	// The saved audit was scrubbed by the redactor when it was written; nothing secret is re-read here.
	const text = renderReport(report, format, reportContext(catalog.checks));
	if (values.output) writeAtomically(values.output, text);
	else process.stdout.write(text);
	return 0;
}
