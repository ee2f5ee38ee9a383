import {loadCatalog} from '../catalog/load.js';
import {runAudit} from '../engine/run.js';
import {UsageError} from '../model/errors.js';
import {severityRank} from '../model/status.js';
import {renderJson} from '../report/json.js';
import {renderMarkdown} from '../report/markdown.js';
import {version} from '../version.js';
import {connect} from './connect.js';
import {connectionOptions, parse, reportOptions, sectionsOption, listOption, severityOption} from './options.js';
import {selectChecks} from './select.js';
import {auditSettings, readSettingsFile} from './settings.js';
import {writeAtomically} from './write-output.js';
import {progressPrinter} from './progress.js';

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
  --timeout 60s             per node
Selection and output:
  --sections a,b            images, host, resources, secrets, isolation, monitoring, certificates
  --checks id,prefix*       only these checks
  --format json|markdown    default markdown on a terminal, json otherwise
  --output FILE             write the report to FILE (written whole or not at all)
  --fail-on SEVERITY        low (default), medium, high or critical
  --waivers FILE            default ./.aks-harden.yaml
`;

export async function auditCommand(args: readonly string[]): Promise<number> {
	const {values} = parse(args, {...connectionOptions, ...reportOptions}, 'audit');
	if (values.help) {
		process.stdout.write(auditHelp);
		return 0;
	}
	const format = values.format ?? (process.stdout.isTTY && !values.output ? 'markdown' : 'json');
	if (format !== 'json' && format !== 'markdown' && format !== 'md') throw new UsageError(`--format must be json or markdown, not "${format}"`, 'see `aks-harden audit --help`');
	const failOn = severityOption(values['fail-on'], 'low');
	const catalog = loadCatalog();
	const checks = selectChecks(catalog, {sections: sectionsOption(values.sections), checks: listOption(values.checks)});
	const settingsFile = readSettingsFile(values.waivers);
	const connection = await connect(values, {interactive: false});
	const progress = progressPrinter(process.stderr);
	try {
		const {report, redactor} = await runAudit({
			catalog,
			checks,
			settings: auditSettings(settingsFile, catalog.exceptions, connection.allowedRegistries),
			...(connection.cluster ? {cluster: connection.cluster} : {clusterUnavailable: connection.clusterUnavailable}),
			...(connection.nodes ? {nodes: connection.nodes} : {}),
			version,
			onEvent: progress.onEvent,
		});
		progress.done(report);
		const titles = new Map(catalog.checks.map(({check}) => [check.id, {title: check.title}]));
		const text = redactor.apply(format === 'json' ? renderJson(report) : renderMarkdown(report, titles));
		if (values.output) writeAtomically(values.output, text);
		else process.stdout.write(text);
		const failing = report.findings.some((finding) => finding.status === 'fail' && severityRank(finding.severity) >= severityRank(failOn));
		return failing ? 1 : 0;
	} finally {
		await connection.close();
	}
}
