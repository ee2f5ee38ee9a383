import type {Finding} from '../../src/model/finding.js';
import type {NodeInfo, Report} from '../../src/model/report.js';
import {summarize} from '../../src/engine/summary.js';
import {reportContext, type ReportContext} from '../../src/report/context.js';
import type {Check} from '../../src/model/check.js';

/** A string that must never survive redaction, in any format. Quotes, `&` and `<` on purpose. */
export const canary = 'CANARY-s3cr3t"<&>\'-value-7f3a';
export const plainCanary = 'PLAINCANARYVALUE0123456789';

type CheckDef = Pick<Check, 'id' | 'section' | 'title' | 'severity' | 'rationale' | 'remediation'> & {question?: string; references?: Record<string, string>};

const defs: CheckDef[] = [
	{id: 'images.tag-pinned', section: 'images', title: 'Images are pinned to a tag other than latest', severity: 'medium', rationale: 'A moving tag means the running code can change without a deployment.', remediation: 'Pin every image to an immutable version tag or a digest.', references: {'cis-kubernetes': '5.5.1'}},
	{id: 'images.scanning', section: 'images', title: 'Images are scanned for vulnerabilities', severity: 'medium', rationale: 'Known CVEs in images are the commonest way in.', remediation: 'Scan images in the pipeline and in the cluster.', question: 'Are the images deployed here scanned for known vulnerabilities elsewhere?'},
	{id: 'images.allowed-registries', section: 'images', title: 'Images come from allowed registries', severity: 'high', rationale: 'Untrusted registries can serve anything.', remediation: 'Pull only from allowed registries; mirror the rest into ACR.'},
	{id: 'host.sshd-config', section: 'host', title: 'sshd refuses root and password logins', severity: 'high', rationale: 'Root and password logins make brute force worthwhile.', remediation: 'Set PermitRootLogin no and PasswordAuthentication no in a drop-in.'},
	{id: 'host.sysctl', section: 'host', title: 'Kernel network hardening sysctls are set', severity: 'low', rationale: 'Redirects and source routing help an attacker on the node network.', remediation: 'Set net.ipv4.conf.all.accept_redirects=0 and friends in /etc/sysctl.d.'},
	{id: 'resources.limits', section: 'resources', title: 'Containers declare CPU and memory limits', severity: 'medium', rationale: 'One container without limits can starve its node.', remediation: 'Set resources.limits.cpu and resources.limits.memory on every container.'},
	{id: 'resources.limit-range', section: 'resources', title: 'Namespaces have a LimitRange', severity: 'low', rationale: 'A LimitRange gives defaults to containers that forget.', remediation: 'Create a LimitRange in every user namespace.'},
	{id: 'secrets.literal-env', section: 'secrets', title: 'No secret values in plain environment variables', severity: 'critical', rationale: 'Literal env values are readable by anyone who can read the pod spec.', remediation: 'Move the value to a Secret and reference it with secretKeyRef.'},
	{id: 'secrets.etcd-encryption', section: 'secrets', title: 'Secrets are encrypted at rest in etcd', severity: 'high', rationale: 'Unencrypted etcd backups expose every secret.', remediation: 'Enable KMS encryption for the cluster.'},
	{id: 'isolation.privileged', section: 'isolation', title: 'Containers do not run in privileged mode', severity: 'high', rationale: 'A privileged container owns its node.', remediation: 'Remove privileged: true from the securityContext.', references: {'cis-kubernetes': '5.2.2'}},
	{id: 'isolation.cluster-admin-bindings', section: 'isolation', title: 'cluster-admin is bound only where needed', severity: 'critical', rationale: 'cluster-admin can do anything.', remediation: 'Bind a narrower ClusterRole.'},
	{id: 'monitoring.threat-detection', section: 'monitoring', title: 'Runtime threat detection is deployed', severity: 'medium', rationale: 'Attacks that get past admission are only seen at run time.', remediation: 'Enable Microsoft Defender for Containers or deploy Falco.', question: 'Is runtime threat detection deployed for this cluster (Defender, Falco, other)?'},
	{id: 'certificates.pki-expiry', section: 'certificates', title: 'Node PKI certificates are not close to expiry', severity: 'high', rationale: 'Expired certificates take the control plane down.', remediation: 'Rotate the certificates (Update-AksHciCertificates).'},
];

export const context: ReportContext = reportContext(
	defs.map((def) => ({scope: 'cluster', needs: [], probes: [], userNamespacesOnly: false, onFail: 'fail', message: def.title, evidence: [], manual: false, ...def}) as unknown as Check),
);

const base = (id: string): Pick<Finding, 'checkId' | 'section' | 'severity' | 'remediation'> => {
	const def = defs.find((entry) => entry.id === id)!;
	return {checkId: def.id, section: def.section, severity: def.severity, remediation: def.remediation};
};

export const nodes: NodeInfo[] = [
	{name: 'moc-lnx-cp1', address: '10.0.0.4', os: 'linux', role: 'control-plane', reachable: true, error: null},
	{name: 'moc-lnx-w1', address: '10.0.0.5', os: 'linux', role: 'worker', reachable: true, error: null},
	{name: 'moc-win-w2', address: '10.0.0.6', os: 'windows', role: 'worker', reachable: false, error: 'ssh: connect timed out after 60s'},
];

/** Every status; a manual finding attested and one open; waived; manifests location; node findings; commands. */
export function fixtureFindings(): Finding[] {
	return [
		{...base('images.tag-pinned'), status: 'fail', target: {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}, message: 'container app uses image shop/web:latest', evidence: {'spec.template.spec.containers[0].image': 'shop/web:latest'}, location: {file: 'manifests/shop/web.yaml', line: 12}, playbook: 'images.pin-tag'},
		{...base('images.tag-pinned'), status: 'pass', target: {kind: 'Deployment', namespace: 'shop', name: 'api', container: 'api'}, message: 'container api pins shop/api:1.4.2', evidence: {}, location: {file: 'manifests/shop/api.yaml', line: 1}},
		{...base('images.tag-pinned'), status: 'waived', target: {kind: 'StatefulSet', namespace: 'legacy', name: 'db', container: 'db'}, message: 'container db uses image mysql:latest', evidence: {'spec.template.spec.containers[0].image': 'mysql:latest'}, reason: 'vendor image, pinned upstream in Q3', waiver: {justification: 'vendor image, pinned upstream in Q3', approver: 'security@contoso.example', expires: '2099-12-31'}},
		{...base('images.scanning'), status: 'manual', target: {cluster: true}, message: 'no in-cluster image scanner found: image scanning must be attested', evidence: {}, reason: 'Are the images deployed here scanned for known vulnerabilities elsewhere?', attestation: {answer: 'yes', note: 'Trivy runs in the release pipeline; findings reviewed by the platform team', by: 'alice@contoso.example', at: '2025-05-02T09:15:00Z'}},
		{...base('images.allowed-registries'), status: 'accepted', target: {kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', container: 'kube-proxy'}, message: 'container kube-proxy pulls from mcr.microsoft.com', evidence: {registry: 'mcr.microsoft.com'}, reason: 'AKS hybrid platform component (kube-proxy)'},
		{...base('host.sshd-config'), status: 'fail', target: {node: 'moc-lnx-w1'}, message: 'sshd permits root login', evidence: {commands: {sshd: 'sshd -T -C user=clouduser'}, 'sshd.permitrootlogin': 'yes', 'sshd.passwordauthentication': 'no'}, playbook: 'host.sshd-hardening'},
		{...base('host.sshd-config'), status: 'pass', target: {node: 'moc-lnx-cp1'}, message: 'sshd refuses root and password logins', evidence: {commands: {sshd: 'sshd -T -C user=clouduser'}}},
		{...base('host.sshd-config'), status: 'error', target: {node: 'moc-win-w2'}, message: 'cannot check: ssh: connect timed out after 60s', evidence: {}, reason: 'ssh: connect timed out after 60s'},
		{...base('host.sysctl'), status: 'warn', target: {node: 'moc-lnx-w1'}, message: 'net.ipv4.conf.all.accept_redirects is 1', evidence: {commands: {sysctl: 'sysctl -a 2>/dev/null'}, 'sysctl.net.ipv4.conf.all.accept_redirects': '1'}},
		{...base('resources.limits'), status: 'fail', target: {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}, message: '=HYPERLINK("http://evil.example","click"), "quoted", and\na second line', evidence: {'resources.limits': '<unset>', note: '<script>alert("x")</script>'}, location: {file: 'manifests/shop/web.yaml', line: 12}},
		{...base('resources.limit-range'), status: 'skip', target: {namespace: 'shop'}, message: 'LimitRange list not readable', evidence: {}, reason: 'forbidden: cannot list limitranges'},
		{...base('secrets.literal-env'), status: 'fail', target: {kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app'}, message: 'container app sets DB_PASSWORD as a literal', evidence: {'env.DB_PASSWORD': canary, 'env.API_TOKEN': plainCanary}, location: {file: 'manifests/shop/web.yaml', line: 12}},
		{...base('secrets.etcd-encryption'), status: 'pass', target: {cluster: true}, message: 'KMS encryption is enabled', evidence: {provider: 'kms'}},
		{...base('isolation.privileged'), status: 'fail', target: {kind: 'DaemonSet', namespace: 'monitoring', name: 'node-agent', container: 'agent'}, message: 'container agent runs privileged', evidence: {'spec.template.spec.containers[0].securityContext.privileged': true}, playbook: 'isolation.unprivileged'},
		{...base('isolation.privileged'), status: 'accepted', target: {kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node', container: 'calico-node'}, message: 'container calico-node runs privileged', evidence: {'spec.template.spec.containers[0].securityContext.privileged': true}, reason: 'CNI: calico-node needs host networking'},
		{...base('isolation.cluster-admin-bindings'), status: 'fail', target: {kind: 'ClusterRoleBinding', name: 'ops-admin'}, message: 'ClusterRoleBinding ops-admin grants cluster-admin', evidence: {violations: ['Group ops', 'User bob@contoso.example']}},
		{...base('monitoring.threat-detection'), status: 'manual', target: {cluster: true}, message: 'no runtime threat detection found: it must be attested', evidence: {}, reason: 'Is runtime threat detection deployed for this cluster (Defender, Falco, other)?'},
		{...base('certificates.pki-expiry'), status: 'pass', target: {node: 'moc-lnx-cp1'}, message: 'all certificates valid for 300+ days', evidence: {commands: {pki: 'openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver.crt'}, 'pki.minDays': 301}},
	];
}

export function fixtureReport(overrides: Partial<Report> = {}): Report {
	const findings = overrides.findings ? [...overrides.findings] : fixtureFindings();
	return {
		schemaVersion: 1,
		tool: {name: 'aks-harden', version: '0.1.0'},
		startedAt: '2025-05-02T09:00:00.123Z',
		finishedAt: '2025-05-02T09:01:30.456Z',
		cluster: {context: 'moc-prod', server: 'https://10.0.0.10:6443', source: 'cluster'},
		nodes,
		findings,
		summary: summarize(findings),
		waivers: {
			expired: [{check: 'isolation.privileged', target: 'monitoring/node-agent', approver: 'security@contoso.example', expires: '2024-12-31', justification: 'agent vendor fix pending'}],
			unused: [{check: 'images.digest-pinned', target: 'shop/*', approver: 'security@contoso.example', expires: '2099-01-01', justification: 'digests after the migration'}],
		},
		...overrides,
		...(overrides.findings ? {summary: overrides.summary ?? summarize(findings)} : {}),
	};
}
