// Synthetic checks, findings and a fake engine for the walkthrough's UI tests. Feeding screens
// hand-made Finding values and a fake `startAudit` that emits events is acceptable here: the real
// engine (runAudit, evaluate, gather) is tested on its own in test/engine and test/checks.
import type {Catalog, CompiledCheck} from '../../src/catalog/load.js';
import type {Check} from '../../src/model/check.js';
import type {EngineEvent, EngineListener} from '../../src/model/events.js';
import type {Finding} from '../../src/model/finding.js';
import type {NodeInfo, Report} from '../../src/model/report.js';
import type {Status} from '../../src/model/status.js';
import type {Target} from '../../src/model/target.js';
import {summarize} from '../../src/engine/summary.js';
import {auditReducer, initialAuditState, type AuditState} from '../../src/ui/state/audit-state.js';
import type {AuditOptions, ExportFormat, WalkthroughDeps} from '../../src/ui/deps.js';
import {memoryPrefs} from '../../src/commands/prefs.js';
import {fileSessionStore} from '../../src/commands/session-store.js';

export function makeCheck(fields: Partial<Check> & Pick<Check, 'id' | 'title'>): Check {
	const section = fields.id.split('.')[0] as Check['section'];
	return {
		section,
		severity: 'medium',
		scope: 'container',
		rationale: `Why ${fields.title.toLowerCase()} matters, in one paragraph tied to the article.`,
		needs: [],
		probes: [],
		userNamespacesOnly: false,
		onFail: 'fail',
		message: 'message',
		evidence: [],
		remediation: `How to fix: ${fields.title.toLowerCase()}.`,
		manual: false,
		...fields,
	} as Check;
}

export function makeCatalog(checks: readonly Check[]): Catalog {
	const compiled: CompiledCheck[] = checks.map((check) => ({check, file: `checks/${check.section}/${check.id}.yaml`, message: () => check.message}));
	return {
		root: '/nonexistent',
		checks: compiled,
		byId: new Map(compiled.map((item) => [item.check.id, item])),
		exceptions: {systemNamespaces: [], platformRegistries: [], exceptions: []} as unknown as Catalog['exceptions'],
	};
}

export const sampleChecks: readonly Check[] = [
	makeCheck({id: 'images.tag-pinned', title: 'Images are pinned to a tag', severity: 'medium', article: 'Secure images'}),
	makeCheck({id: 'images.scanning', title: 'Images are scanned before deployment', severity: 'high', scope: 'cluster', manual: true, question: 'Does your CI pipeline scan every image for vulnerabilities before it is pushed?', article: 'Secure images'}),
	makeCheck({id: 'host.sshd-config', title: 'sshd refuses root and password logins', severity: 'high', scope: 'node', probes: ['sshd'], platforms: ['linux'], playbook: 'host.sshd-hardening', article: 'Harden host environment'}),
	makeCheck({id: 'resources.limits', title: 'Containers set CPU and memory limits', severity: 'medium', article: 'Limit container resources'}),
	makeCheck({id: 'secrets.literal-env', title: 'No secrets in literal environment values', severity: 'high', article: 'Properly secure secrets'}),
	makeCheck({id: 'isolation.privileged', title: 'Containers do not run in privileged mode', severity: 'high', playbook: 'isolation.unprivileged', article: 'Practice isolation', references: {'cis-kubernetes': '5.2.2'}}),
	makeCheck({id: 'isolation.run-as-root', title: 'Containers do not run as root', severity: 'medium', article: 'Practice isolation'}),
	makeCheck({id: 'monitoring.audit-logging', title: 'API server audit logging is on', severity: 'medium', scope: 'cluster', manual: true, question: 'Is API server audit logging enabled and shipped off the cluster?'}),
	makeCheck({id: 'certificates.apiserver-cert', title: 'API server certificate is valid', severity: 'medium', scope: 'cluster'}),
];

export const sampleNodes: readonly NodeInfo[] = [
	{name: 'moc-lx-cp1', address: '10.0.0.4', os: 'linux', role: 'control-plane', reachable: null, error: null},
	{name: 'moc-lx-w1', address: '10.0.0.5', os: 'linux', role: 'worker', reachable: null, error: null},
	{name: 'moc-win-w2', address: '10.0.0.6', os: 'windows', role: 'worker', reachable: null, error: null},
];

export function finding(check: Check, status: Status, target: Target, fields: Partial<Finding> = {}): Finding {
	return {
		checkId: check.id,
		section: check.section,
		severity: check.severity,
		status,
		target,
		message: status === 'manual' ? (check.question ?? check.title) : `${check.title}: ${status}`,
		evidence: {},
		remediation: check.remediation,
		...(check.playbook ? {playbook: check.playbook} : {}),
		...fields,
	};
}

const byId = (id: string) => sampleChecks.find((check) => check.id === id)!;

/** What the fake engine finds, check by check. */
export function sampleFindings(): Map<string, Finding[]> {
	const web = {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'};
	const api = {kind: 'Deployment', namespace: 'shop', name: 'api', container: 'api'};
	const proxy = {kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', container: 'kube-proxy'};
	const privileged = byId('isolation.privileged');
	const sshd = byId('host.sshd-config');
	return new Map<string, Finding[]>([
		['images.tag-pinned', [finding(byId('images.tag-pinned'), 'fail', web, {message: 'image nginx:latest uses the latest tag', evidence: {'spec.template.spec.containers[0].image': 'nginx:latest'}}), finding(byId('images.tag-pinned'), 'pass', api)]],
		['images.scanning', [finding(byId('images.scanning'), 'manual', {cluster: true}, {reason: "awaiting the operator's attestation"})]],
		[
			'host.sshd-config',
			[
				finding(sshd, 'fail', {node: 'moc-lx-cp1'}, {message: 'sshd permits root login', evidence: {commands: {sshd: 'sudo sshd -T'}, 'sshd.permitrootlogin': 'yes', 'sshd.passwordauthentication': 'no'}}),
				finding(sshd, 'pass', {node: 'moc-lx-w1'}, {evidence: {commands: {sshd: 'sudo sshd -T'}, 'sshd.permitrootlogin': 'no'}}),
				finding(sshd, 'skip', {node: 'moc-win-w2'}, {message: 'Windows node: Windows host probes are not available yet', reason: 'Windows node'}),
			],
		],
		['resources.limits', [finding(byId('resources.limits'), 'pass', web), finding(byId('resources.limits'), 'pass', api)]],
		['secrets.literal-env', [finding(byId('secrets.literal-env'), 'warn', api, {message: 'env DB_PASSWORD is a literal value'})]],
		[
			'isolation.privileged',
			[
				finding(privileged, 'fail', web, {
					message: 'container app runs privileged',
					evidence: {'spec.template.spec.containers[0].securityContext.privileged': true, violations: ['privileged: true', 'allowPrivilegeEscalation unset']},
				}),
				finding(privileged, 'pass', api, {message: 'container api is not privileged'}),
				finding(privileged, 'accepted', proxy, {reason: 'platform component kube-proxy: needs host networking'}),
			],
		],
		['isolation.run-as-root', [finding(byId('isolation.run-as-root'), 'fail', web), finding(byId('isolation.run-as-root'), 'fail', api)]],
		['monitoring.audit-logging', [finding(byId('monitoring.audit-logging'), 'manual', {cluster: true})]],
		['certificates.apiserver-cert', [finding(byId('certificates.apiserver-cert'), 'pass', {cluster: true})]],
	]);
}

/** The audit state once every sample check has run and the run has finished. */
export function finishedAudit(): AuditState {
	const events: EngineEvent[] = [{type: 'run-started', checkIds: sampleChecks.map((check) => check.id)}];
	for (const [checkId, list] of sampleFindings()) {
		for (const item of list) events.push({type: 'finding', finding: item});
		events.push({type: 'check-finished', checkId, scope: 'cluster'});
	}
	events.push({type: 'run-finished', report: {} as never});
	return auditReducer(initialAuditState(sampleNodes), {type: 'engine', run: {kind: 'audit'}, events});
}

export type FakeEngine = {
	readonly startAudit: WalkthroughDeps['startAudit'];
	readonly calls: AuditOptions[];
	/** Let a run that waits for it finish (see `isGated`). */
	readonly release: () => void;
};

/**
 * A stand-in for runAudit: emits run-started, node states, each selected check's findings and
 * check-finished, then run-finished. With `isGated`, node checks wait for `release()` so a test
 * can look at the screens mid-run.
 */
export function fakeEngine({
	catalog,
	findings = sampleFindings(),
	nodes = sampleNodes,
	isGated = false,
}: {readonly catalog: Catalog; readonly findings?: Map<string, Finding[]>; readonly nodes?: readonly NodeInfo[]; readonly isGated?: boolean}): FakeEngine {
	const calls: AuditOptions[] = [];
	let open: () => void = () => {};
	let gate = isGated ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
	const startAudit = async (onEvent: EngineListener, options: AuditOptions) => {
		calls.push(options);
		const ids = options.checkIds ?? catalog.checks.map((compiled) => compiled.check.id);
		const checks = ids.map((id) => catalog.byId.get(id)!.check);
		const emitted: Finding[] = [];
		const emit = (event: EngineEvent) => onEvent(event);
		emit({type: 'run-started', checkIds: ids});
		await Promise.resolve();
		for (const check of checks.filter((c) => c.scope !== 'node')) {
			for (const f of findings.get(check.id) ?? []) {
				emitted.push(f);
				emit({type: 'finding', finding: f});
			}
			emit({type: 'check-finished', checkId: check.id, scope: 'cluster'});
		}
		const nodeChecks = checks.filter((c) => c.scope === 'node');
		if (nodeChecks.length) {
			const included = nodes.filter((node) => !options.excludeNodes?.includes(node.name));
			for (const node of included) emit({type: 'node-state', node, state: 'connecting'});
			await gate;
			for (const node of included) {
				const done = {...node, reachable: node.os === 'linux'};
				emit({type: 'node-state', node: done, state: node.os === 'linux' ? 'done' : 'failed', ...(node.os === 'linux' ? {} : {message: 'no Windows probes'})});
			}
			for (const check of nodeChecks) {
				for (const f of findings.get(check.id) ?? []) {
					if ('node' in f.target && options.excludeNodes?.includes(f.target.node)) continue;
					emitted.push(f);
					emit({type: 'finding', finding: f});
				}
				emit({type: 'check-finished', checkId: check.id, scope: 'node'});
			}
		}
		const report: Report = {
			schemaVersion: 1,
			tool: {name: 'aks-harden', version: '0.0.0-test'},
			startedAt: '2026-05-01T10:00:00.000Z',
			finishedAt: '2026-05-01T10:00:05.000Z',
			cluster: {context: 'aks-test', server: 'https://127.0.0.1:6443', source: 'demo'},
			nodes,
			findings: emitted,
			summary: summarize(emitted),
		};
		emit({type: 'run-finished', report});
		return {report};
	};
	return {
		startAudit,
		calls,
		release: () => {
			open();
			gate = Promise.resolve();
		},
	};
}

export type Exported = {readonly report: Report; readonly format: ExportFormat; readonly path?: string};

export function fakeDeps(overrides: Partial<WalkthroughDeps> & {readonly sessionFile: string; readonly exported?: Exported[]}): WalkthroughDeps {
	const catalog = overrides.catalog ?? makeCatalog(sampleChecks);
	const {sessionFile, ...rest} = overrides;
	const exported = overrides.exported ?? [];
	return {
		sessions: fileSessionStore(sessionFile),
		catalog,
		connection: {context: 'aks-test', server: 'https://127.0.0.1:6443', flavour: 'AKS hybrid', isDemo: true, note: 'no cluster reachable: showing the demo environment'},
		nodes: sampleNodes,
		startAudit: fakeEngine({catalog}).startAudit,
		// Records what would be written; the CLI's own exportReport (walkthrough-start.ts) writes files.
		exportReport: async (report, format, path) => {
			exported.push({report, format, ...(path ? {path} : {})});
			return `/tmp/${path ?? `aks-harden-report.${format}`}`;
		},
		resume: false,
		prefs: memoryPrefs(),
		operator: 'alice',
		now: () => new Date('2026-05-01T10:00:00.000Z'),
		version: '0.0.0-test',
		...rest,
	};
}
