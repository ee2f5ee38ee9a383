import {pssSummary} from '../model/pss.js';
import {createHash} from 'node:crypto';
import {isAbsolute} from 'node:path';
import {pathToFileURL} from 'node:url';
import type {Finding} from '../model/finding.js';
import type {Report} from '../model/report.js';
import {sectionTitles, type Severity} from '../model/status.js';
import {targetKey, type Target} from '../model/target.js';
import {checkInfo, type ReportContext} from './context.js';
import {attestationText, checkNote, groupByCheck, waiverText} from './common.js';
import {evidenceLines} from './text.js';

type Level = 'error' | 'warning' | 'note' | 'none';
type Kind = 'fail' | 'open' | 'review' | 'notApplicable' | 'pass' | 'informational';

const levels: Readonly<Record<Severity, Level>> = {critical: 'error', high: 'error', medium: 'warning', low: 'note'};
/** GitHub code scanning reads this rule property to rank alerts (CVSS-like, 0–10). */
const securitySeverity: Readonly<Record<Severity, string>> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0'};

/** The uriBaseId of results that have no manifest file: they point at the object in the cluster. */
export const clusterBaseId = 'AKS_HARDEN_CLUSTER';

function logicalKind(target: Target): string {
	if ('cluster' in target) return 'cluster';
	if ('node' in target) return 'node';
	if ('kind' in target) return 'resource';
	return 'namespace';
}

/** The object's address without the container: `Deployment/shop/web`, `Namespace/shop`, `node/moc-1`. */
function objectPath(target: Target): string {
	return targetKey('kind' in target ? {...target, container: undefined} : target);
}

function fileUri(file: string): string {
	if (isAbsolute(file)) return pathToFileURL(file).href;
	return file.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}

function physicalLocation(finding: Finding) {
	if (finding.location) {
		return {
			artifactLocation: {uri: fileUri(finding.location.file)},
			region: {startLine: Math.max(1, finding.location.line)},
		};
	}
	// No file (cluster or node audit): code scanning still wants an artifact, so the object's own
	// address stands in, under a base id that says it is not a path in the repository.
	return {
		artifactLocation: {uri: objectPath(finding.target).split('/').map(encodeURIComponent).join('/'), uriBaseId: clusterBaseId},
		region: {startLine: 1},
	};
}

function kindAndLevel(finding: Finding): {kind: Kind; level: Level} {
	switch (finding.status) {
		case 'fail':
		case 'waived':
		case 'accepted':
			return {kind: 'fail', level: levels[finding.severity]};
		case 'warn':
			return {kind: 'fail', level: 'note'};
		case 'error':
			return {kind: 'open', level: 'none'};
		case 'manual':
			return {kind: 'review', level: 'none'};
		case 'skip':
			return {kind: 'notApplicable', level: 'none'};
		case 'pass':
			return {kind: 'pass', level: 'none'};
	}
}

function messageText(finding: Finding): string {
	const parts = [finding.message];
	if (finding.status === 'manual') parts.push(`Manual check, ${attestationText(finding)}.`);
	else if (finding.status === 'waived') parts.push(`${waiverText(finding)}.`);
	else if (finding.status === 'accepted' && finding.reason) parts.push(`Accepted: ${finding.reason}.`);
	else if ((finding.status === 'error' || finding.status === 'skip') && finding.reason && finding.reason !== finding.message) parts.push(finding.reason);
	return parts.join(' ');
}

function fingerprint(finding: Finding): string {
	return createHash('sha256').update(`${finding.checkId}\u0000${targetKey(finding.target)}`).digest('hex').slice(0, 32);
}

/**
 * SARIF 2.1.0, one run. Rules are the checks (title, rationale, remediation as help); every finding
 * except `pass` is a result: in manifests mode at the manifest file and line, otherwise at the
 * object's address under the `AKS_HARDEN_CLUSTER` base id, and always at a logical location
 * (`Kind/namespace/name[:container]`, `node/NAME`, `Namespace/NAME`, `cluster`). Waived and
 * accepted findings carry an external suppression with the justification; manual ones are `review`
 * results with the attestation; errors are `open`; skips `notApplicable`.
 */
export function renderSarif(report: Report, context: ReportContext): string {
	const byCheck = groupByCheck(report.findings);
	const ruleIndex = new Map<string, number>();
	const rules = [...byCheck].map(([checkId, findings], index) => {
		ruleIndex.set(checkId, index);
		const info = checkInfo(context, findings[0]!);
		const severity = findings[0]!.severity;
		const rationale = info.rationale || info.title;
		const references = Object.entries(info.references ?? {}).map(([name, value]) => `${name} ${value}`);
		// The operator's note belongs to the check: it is on the rule, not copied onto each result.
		const note = checkNote(report, checkId);
		return {
			id: checkId,
			name: checkId.replace(/(^|[.-])([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase()),
			shortDescription: {text: info.title},
			fullDescription: {text: rationale},
			help: {
				text: `${info.remediation}${info.question ? `\n\nManual check: ${info.question}` : ''}`,
				markdown: `**${info.title}**\n\n${rationale}\n\n**Remediation:** ${info.remediation}${info.question ? `\n\n**Manual check:** ${info.question}` : ''}${info.pss ? `\n\n${pssSummary(info.pss)}` : ''}${references.length ? `\n\nReferences: ${references.join(', ')}` : ''}`,
			},
			defaultConfiguration: {level: levels[severity]},
			properties: {
				tags: ['security', 'kubernetes', info.section, ...(info.pss ? [`pss-${info.pss.level}`] : [])],
				precision: 'high',
				'problem.severity': levels[severity] === 'note' ? 'recommendation' : levels[severity],
				'security-severity': securitySeverity[severity],
				section: info.section,
				sectionTitle: sectionTitles[info.section],
				severity,
				...(references.length ? {references} : {}),
				...(note ? {note} : {}),
				...(info.pss ? {pss: {level: info.pss.level, control: info.pss.control, since: info.pss.since, overrides: info.pss.overrides}} : {}),
			},
		};
	});

	const results = report.findings
		.filter((finding) => finding.status !== 'pass')
		.map((finding) => {
			const {kind, level} = kindAndLevel(finding);
			const key = targetKey(finding.target);
			const name = 'node' in finding.target ? finding.target.node : 'cluster' in finding.target ? 'cluster' : 'kind' in finding.target ? finding.target.name : finding.target.namespace;
			const suppression =
				finding.status === 'waived'
					? [{kind: 'external', status: 'accepted', justification: waiverText(finding)}]
					: finding.status === 'accepted'
						? [{kind: 'external', status: 'accepted', justification: `platform component: ${finding.reason ?? ''}`.trim()}]
						: undefined;
			return {
				ruleId: finding.checkId,
				ruleIndex: ruleIndex.get(finding.checkId)!,
				kind,
				level,
				message: {text: messageText(finding)},
				locations: [
					{
						physicalLocation: physicalLocation(finding),
						logicalLocations: [{name, fullyQualifiedName: key, kind: logicalKind(finding.target)}],
					},
				],
				partialFingerprints: {'aksHardenTarget/v1': fingerprint(finding)},
				...(suppression ? {suppressions: suppression} : {}),
				properties: {
					status: finding.status,
					severity: finding.severity,
					target: finding.target,
					evidence: evidenceLines(finding, 50),
					remediation: finding.remediation,
					...(finding.playbook ? {playbook: finding.playbook} : {}),
					...(finding.reason ? {reason: finding.reason} : {}),
					...(finding.attestation ? {attestation: finding.attestation} : {}),
					...(finding.waiver ? {waiver: finding.waiver} : {}),
				},
			};
		});

	const notifications = report.nodes
		.filter((node) => node.reachable === false)
		.map((node) => ({
			level: 'error' as const,
			message: {text: `node ${node.name} (${node.address}) was not reachable${node.error ? `: ${node.error}` : ''}; its checks are errors`},
			descriptor: {id: 'node-unreachable'},
		}));

	const sarif = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: report.tool.name,
						version: report.tool.version,
						semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
						rules,
					},
				},
				invocations: [
					{
						executionSuccessful: true,
						startTimeUtc: report.startedAt,
						endTimeUtc: report.finishedAt,
						...(notifications.length ? {toolExecutionNotifications: notifications} : {}),
					},
				],
				originalUriBaseIds: {
					[clusterBaseId]: {
						description: {
							text: `Objects in the audited cluster${report.cluster.context ? ` (context ${report.cluster.context})` : ''}, addressed Kind/namespace/name, Namespace/name or node/name; not files.`,
						},
					},
				},
				columnKind: 'unicodeCodePoints',
				results,
				properties: {
					cluster: report.cluster,
					summary: report.summary,
					...(report.waivers ? {waivers: report.waivers} : {}),
				},
			},
		],
	};
	return `${JSON.stringify(sarif, null, 2)}\n`;
}
