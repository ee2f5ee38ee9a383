import {diffReports} from '../engine/diff.js';
import {UsageError} from '../model/errors.js';
import {severityRank} from '../model/status.js';
import {renderDiffJson, renderDiffText} from '../report/diff.js';
import {readAuditFile} from '../report/read.js';
import {parse, severityOption} from './options.js';
import {writeAtomically} from './write-output.js';

export const diffHelp = `Usage: aks-harden diff OLD.json NEW.json [--format text|json] [--output FILE] [--fail-on-new]

Compare two saved audits of the same cluster: failing findings that are new, fixed or unchanged
(matched by check id and target), failures the new audit could not judge, and per-node drift.

  --format text|json   default text; json is {"new": [...], "fixed": [...], "unchanged": [...],
                       "unknown": [...], "nodes": [...], "score": {...}}
  --output FILE        write to FILE (whole or not at all) instead of stdout
  --fail-on-new        exit 1 when NEW has failing findings OLD did not have
  --fail-on SEVERITY   with --fail-on-new: only count new failures at or above it (default low)
  -h, --help           this help

Only \`fail\` counts as failing. A failure that is an error, skipped or manual in NEW, whose check
did not run, or whose node was not reached, is listed as not judged: neither fixed nor new.
Exit codes: 0 compared (and, with --fail-on-new, nothing new), 1 new failures, 2 a file is unusable.
`;

export const diffOptions = {
	format: {type: 'string'},
	output: {type: 'string', short: 'o'},
	'fail-on-new': {type: 'boolean'},
	'fail-on': {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const;

/** `aks-harden diff OLD NEW [--format text|json] [--output FILE] [--fail-on-new [--fail-on S]]`. */
export async function diffCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, diffOptions, 'diff');
	if (values.help) {
		process.stdout.write(diffHelp);
		return 0;
	}
	if (positionals.length !== 2) throw new UsageError(`diff takes two audit files, OLD and NEW, not ${positionals.length}`, 'aks-harden diff last-week.json today.json');
	const format = values.format ?? 'text';
	if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
	const failOn = severityOption(values['fail-on'], 'low');
	const [oldFile, newFile] = positionals as [string, string];
	const before = readAuditFile(oldFile);
	const after = readAuditFile(newFile);
	const diff = diffReports(before, after);
	const labels = {old: oldFile, new: newFile};
	const text = format === 'json' ? renderDiffJson(diff, before, after, labels) : renderDiffText(diff, before, after, labels);
	if (values.output) writeAtomically(values.output, text);
	else process.stdout.write(text);
	const failing = diff.new.some((finding) => severityRank(finding.severity) >= severityRank(failOn));
	return values['fail-on-new'] && failing ? 1 : 0;
}
