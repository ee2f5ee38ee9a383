import {loadCatalog} from '../catalog/load.js';
import {runAudit} from '../engine/run.js';
import {UsageError} from '../model/errors.js';
import {severityRank} from '../model/status.js';
import {renderReport, renderReportChunks, reportFormatOption, reportFormats} from '../report/render.js';
import type {Report} from '../model/report.js';
import {reportContext} from '../report/context.js';
import {newFailures} from '../engine/diff.js';
import {readAuditFile} from './report.js';
import {version} from '../version.js';
import {printable} from '../model/printable.js';
import {connectionSettings, noNodeReached, openEnvironment} from './environment.js';
import {connectionOptions, parse, reportOptions, sectionsOption, listOption, severityOption} from './options.js';
import {selectChecks, withoutClusterQuestions} from './select.js';
import {pssVersionOption} from '../model/pss.js';
import {auditSettings, readSettingsFile} from './settings.js';
import {checkOutputTarget, writeChunksAtomically} from './write-output.js';
import {progressPrinter} from './progress.js';
import {interrupts} from './interrupt.js';

export const auditHelp = `Usage: aks-harden audit [options]

Run the checks headless and print a report. Exit 0 when no failing finding is at or above
--fail-on, 1 when there are, 2 when the audit could not run.

Source (default: the current kubeconfig context):
  --demo                    the built-in demo AKS hybrid environment
  --kubeconfig FILE         kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)
  --context NAME            kubeconfig context
  --manifests PATH          audit manifest files or folders instead of a cluster (repeatable)
Nodes (reached over SSH as clouduser on Linux, Administrator on Windows):
  --nodes a,b               audit these nodes (names or addresses) instead of the cluster's
  --no-nodes                cluster checks only
  --inventory FILE          per-node name, address, port, user, key, jump (YAML)
  --ssh-user USER  --ssh-key FILE (repeatable)  --ssh-port N  --jump HOST
  --known-hosts FILE        default ~/.ssh/known_hosts
  --accept-new-host-keys    trust and record unknown host keys (otherwise refused)
  --concurrency N           nodes probed at once (default 16)
  --timeout 60s             bounds each node, each API request and the credential plugin
Selection and output:
  --sections a,b            images, host, resources, secrets, isolation, monitoring, certificates
  --checks id,prefix*       only these checks; pss:baseline and pss:restricted select the
                            Pod Security Standard checks exactly as PSA runs them at that level
  --pss-version v1.N|latest judge every namespace at this PSS version instead of the one its
                            pod-security.kubernetes.io/enforce-version label declares
                            (latest = the API server's version; the newest known with --manifests)
  --format FORMAT           json, markdown, html, junit, sarif or csv
                            (default markdown on a terminal, json otherwise)
  -o, --output FILE         write the report to FILE (written whole or not at all)
  --fail-on SEVERITY        low (default), medium, high or critical
  --fail-on-error           exit 2 when any check could not be judged (error: a missing permission,
                            an unreachable node); without it errors are reported, not failed
  --waivers FILE            settings and decisions: waivers, attestations, notes
                            (default ./.aks-harden.yaml)
  --baseline OLD.json       compare with an earlier audit
  --fail-on-new             with --baseline: exit 1 only for failures that are new
  -h, --help                this help
`;

export const auditOptions = {...connectionOptions, ...reportOptions, baseline: {type: 'string'}, 'fail-on-new': {type: 'boolean'}} as const;

export async function auditCommand(args: readonly string[]): Promise<number> {
	const {values} = parse(args, auditOptions, 'audit');
	if (values.help) {
		process.stdout.write(auditHelp);
		return 0;
	}
	const format = reportFormatOption(values.format, process.stdout.isTTY && !values.output ? 'markdown' : 'json');
	if (values['fail-on-new'] && !values.baseline) throw new UsageError('--fail-on-new needs --baseline OLD.json', 'save an earlier audit with --format json --output and pass it');
	// Read the baseline before touching the cluster: a bad file should cost nothing.
	const baseline = values.baseline ? readAuditFile(values.baseline) : undefined;
	if (values.output) checkOutputTarget(values.output);
	const failOn = severityOption(values['fail-on'], 'low');
	const catalog = loadCatalog();
	const selected = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)});
	const checks = values.manifests?.length ? withoutClusterQuestions(selected, listOption(values.checks)) : selected;
	const pssVersion = pssVersionOption(values['pss-version']);
	const settingsFile = readSettingsFile(values.waivers);
	interrupts.written = () => `nothing was written${values.output ? ` (${values.output} is as it was)` : ''}`;
	const environment = await openEnvironment(connectionSettings(values, settingsFile));
	const progress = progressPrinter(process.stderr, {nodes: environment.nodes?.list.length ?? 0});
	interrupts.beforeMessage = progress.wipe;
	try {
		// Only the report and the redactor are kept: the listed objects can go before the report is written.
		const {report: audited, redactor} = await runAudit({
			catalog,
			checks,
			settings: auditSettings(settingsFile, catalog.exceptions, environment.allowedRegistries, pssVersion),
			...(environment.reader ? {cluster: environment.reader} : {clusterUnavailable: environment.readerUnavailable}),
			...(environment.nodes ? {nodes: environment.nodes} : {}),
			version,
			onEvent: progress.onEvent,
			decisions: settingsFile,
		});
		const unreached = noNodeReached(audited);
		if (unreached) {
			progress.failed(audited);
			throw unreached;
		}
		const report = audited;
		progress.done(report);
		for (const waiver of report.waivers?.expired ?? []) process.stderr.write(`aks-harden: waiver expired ${waiver.expires}: ${printable(waiver.check)} ${printable(waiver.target)}\n`);
		// A file is written piece by piece (a 10,000-pod report is never held whole); the terminal
		// gets the report whole or not at all.
		if (values.output) writeChunksAtomically(values.output, renderReportChunks(report, format, reportContext(catalog.checks), {redactor}));
		else process.stdout.write(renderReport(report, format, reportContext(catalog.checks), {redactor}));
		const atOrAbove = (finding: Report['findings'][number]) => finding.status === 'fail' && severityRank(finding.severity) >= severityRank(failOn);
		if (baseline && values['fail-on-new']) {
			const fresh = newFailures(baseline, report, failOn);
			process.stderr.write(`aks-harden: ${fresh.length} new failing finding(s) since ${values.baseline}\n`);
			return fresh.length ? 1 : 0;
		}
		// A check that could not be judged (a missing permission, an unreachable node) is not a
		// failure of the cluster; a pipeline that must judge everything asks for exit 2 on it.
		const unjudged = values['fail-on-error'] ? report.findings.filter((finding) => finding.status === 'error').length : 0;
		if (unjudged) {
			process.stderr.write(`aks-harden: ${unjudged} finding${unjudged === 1 ? '' : 's'} could not be judged (error) and --fail-on-error is set\n`);
			return 2;
		}
		return report.findings.some(atOrAbove) ? 1 : 0;
	} finally {
		await environment.close();
	}
}
