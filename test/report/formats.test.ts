import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {Redactor} from '../../src/engine/redact.js';
import {renderReport, reportFormats, reportFormatOption} from '../../src/report/render.js';
import {renderJson} from '../../src/report/json.js';
import {renderMarkdown} from '../../src/report/markdown.js';
import {csvCell} from '../../src/report/csv.js';
import {parseAudit} from '../../src/report/read.js';
import {targetKey} from '../../src/model/target.js';
import {sectionTitles} from '../../src/model/status.js';
import {isUsageError} from '../../src/model/errors.js';
import {score} from '../../src/engine/summary.js';
import {missing} from '../support/prerequisites.js';
import {canary, context, fixtureFindings, fixtureReport, plainCanary} from './fixture.js';

const schemas = fileURLToPath(new URL('./schemas/', import.meta.url));

/** Schema-validate with libxml2's xmllint (Debian libxml2-utils, installed by .ci/run). */
function xmllint(file: string): void {
	try {
		execFileSync('xmllint', ['--noout', '--schema', join(schemas, 'junit.xsd'), file], {stdio: 'pipe'});
	} catch (error) {
		const failure = error as NodeJS.ErrnoException & {stderr?: Buffer};
		if (failure.code === 'ENOENT') throw new Error('the JUnit test needs xmllint: apt-get install libxml2-utils (as .ci/run does)');
		throw new Error(`xmllint rejected ${file}:\n${failure.stderr?.toString() ?? String(error)}`);
	}
}

function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'aks-harden-report-'));
}

/** RFC 4180: quoted fields, doubled quotes, CRLF records (line breaks allowed inside quotes). */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i]!;
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (char === '"') quoted = false;
			else field += char;
		} else if (char === '"' && field === '') quoted = true;
		else if (char === ',') {
			row.push(field);
			field = '';
		} else if (char === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else {
			assert.notEqual(char, '\n', 'a bare LF outside quotes is not RFC 4180');
			assert.notEqual(char, '"', 'a quote inside an unquoted field');
			field += char;
		}
	}
	assert.equal(field, '', 'the file ends with CRLF');
	assert.equal(quoted, false);
	return rows;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SarifLog = {runs: Array<Record<string, any>>};

const sarifValidator = (() => {
	const ajv = new Ajv.default({strict: false, allErrors: true});
	addFormats.default(ajv);
	return ajv.compile(JSON.parse(readFileSync(join(schemas, 'sarif-schema-2.1.0.json'), 'utf8')));
})();

test('every format renders from the one Report; --format values are checked', () => {
	const report = fixtureReport();
	for (const format of reportFormats) {
		const text = renderReport(report, format, context);
		assert.ok(text.length > 100, format);
		assert.ok(text.endsWith('\n'), `${format} ends with a newline`);
	}
	assert.equal(renderReport(report, 'json', context), renderJson(report));
	assert.equal(renderReport(report, 'md', context), renderReport(report, 'markdown', context));
	assert.equal(reportFormatOption(undefined, 'markdown'), 'markdown');
	assert.throws(() => reportFormatOption('pdf', 'markdown'), (error) => isUsageError(error) && /json, markdown, md, html, junit, sarif, csv/.test(error.message));
});

test('markdown: a checklist per article section, a box per check, attestations and waivers', () => {
	const report = fixtureReport();
	const text = renderMarkdown(report, context);
	const checkIds = [...new Set(report.findings.map((finding) => finding.checkId))];
	for (const checkId of checkIds) {
		const lines = text.split('\n').filter((line) => /^- \[[x ]\] /.test(line) && line.includes(`(\`${checkId}\`,`));
		assert.equal(lines.length, 1, `one checklist line for ${checkId}`);
	}
	const line = (checkId: string) => text.split('\n').find((entry) => entry.includes(`(\`${checkId}\`,`))!;
	assert.match(line('isolation.privileged'), /^- \[ \] .*FAIL: 1 fail, 1 accepted/);
	assert.match(line('secrets.etcd-encryption'), /^- \[x\] .*PASS: 1 pass/);
	assert.match(line('images.scanning'), /^- \[x\] .*MANUAL, attested/);
	assert.match(line('monitoring.threat-detection'), /^- \[ \] .*MANUAL, open/);
	assert.match(line('resources.limit-range'), /^- \[ \] .*SKIPPED/);
	assert.match(line('images.allowed-registries'), /^- \[x\] .*ACCEPTED/);
	assert.match(text, /ATTESTED `cluster`: "yes" by alice@contoso\.example at 2025-05-02T09:15:00Z: Trivy runs in the release pipeline/);
	assert.match(text, /OPEN `cluster`: not attested yet/);
	assert.match(text, /Question: Is runtime threat detection deployed/);
	assert.match(text, /waived: `StatefulSet\/legacy\/db:db` \(waived by security@contoso\.example until 2099-12-31: vendor image/);
	assert.match(text, /FAIL `node\/moc-lnx-w1`: sshd permits root login\n {4}- \$ sshd -T -C user=clouduser {2}\(sshd\)/);
	assert.match(text, /FAIL `Deployment\/shop\/web:app \(manifests\/shop\/web\.yaml:12\)`/);
	for (const section of new Set(report.findings.map((finding) => finding.section))) {
		const findings = report.findings.filter((finding) => finding.section === section);
		assert.match(text, new RegExp(`## ${sectionTitles[section]}\\n\\nScore: ${score(findings)} / 100`));
	}
	assert.match(text, /- Score: 35\.5 \/ 100/);
	assert.match(text, /## Waivers[\s\S]*`isolation\.privileged` on `monitoring\/node-agent`[\s\S]*expired 2024-12-31[\s\S]*`images\.digest-pinned` on `shop\/\*`/);
	// A multi-line message stays inside its list item; markup in evidence is escaped.
	assert.doesNotMatch(text, /\na second line/);
	assert.match(text, /\\<script\\>/);
});

test('markdown still accepts the title-only map the audit command passes', () => {
	const titles = new Map([['isolation.privileged', {title: 'No privileged containers'}]]);
	const text = renderMarkdown(fixtureReport(), titles);
	assert.match(text, /\*\*No privileged containers\*\* \(`isolation\.privileged`, high\)/);
	assert.match(text, /Remediation: Remove privileged: true from the securityContext\./);
});

test('junit: valid against the Ant JUnit schema; a suite per section, a case per check × target', {skip: missing('xmllint')}, () => {
	const report = fixtureReport();
	const xml = renderReport(report, 'junit', context);
	const dir = tempDir();
	try {
		const file = join(dir, 'junit.xml');
		writeFileSync(file, xml);
		xmllint(file);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
	const sectionsWithFindings = new Set(report.findings.map((finding) => finding.section));
	assert.equal(xml.match(/<testsuite /g)?.length, sectionsWithFindings.size);
	assert.equal(xml.match(/<testcase /g)?.length, report.findings.length);
	assert.equal(xml.match(/<failure /g)?.length, report.summary.fail);
	assert.equal(xml.match(/<error /g)?.length, report.summary.error);
	assert.equal(xml.match(/<skipped /g)?.length, report.summary.skip + report.summary.manual + report.summary.warn + report.summary.waived);
	for (const finding of report.findings) assert.ok(xml.includes(`name="${finding.checkId} ${targetKey(finding.target)}"`), `${finding.checkId} ${targetKey(finding.target)}`);
	assert.match(xml, /<failure type="high" message="sshd permits root login">[^<]*Remediation: Set PermitRootLogin no/);
	assert.match(xml, /<error type="error" message="cannot check: ssh: connect timed out after 60s">/);
	assert.match(xml, /<skipped message="manual: attested &quot;yes&quot; by alice@contoso\.example at 2025-05-02T09:15:00Z: Trivy/);
	assert.match(xml, /<skipped message="manual: open: not attested yet">/);
	assert.match(xml, /<skipped message="waived by security@contoso\.example until 2099-12-31: vendor image/);
	assert.match(xml, /timestamp="2025-05-02T09:00:00" hostname="moc-prod"/);
	assert.match(xml, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
});

test('junit: an empty audit is still a valid document', {skip: missing('xmllint')}, () => {
	const xml = renderReport(fixtureReport({findings: [], nodes: []}), 'junit', context);
	const dir = tempDir();
	try {
		writeFileSync(join(dir, 'empty.xml'), xml);
		xmllint(join(dir, 'empty.xml'));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('sarif: valid SARIF 2.1.0; rules are checks, results located by file and line or by object', () => {
	const report = fixtureReport();
	const sarif = JSON.parse(renderReport(report, 'sarif', context)) as SarifLog;
	assert.ok(sarifValidator(sarif), JSON.stringify(sarifValidator.errors, null, 2));
	const run = sarif.runs[0]!;
	const ruleIds = run.tool.driver.rules.map((rule: {id: string}) => rule.id);
	assert.deepEqual(ruleIds, [...new Set(report.findings.map((finding) => finding.checkId))]);
	const rule = run.tool.driver.rules.find((entry: {id: string}) => entry.id === 'isolation.privileged');
	assert.equal(rule.shortDescription.text, 'Containers do not run in privileged mode');
	assert.equal(rule.fullDescription.text, 'A privileged container owns its node.');
	assert.match(rule.help.text, /Remove privileged: true/);
	assert.equal(rule.properties['security-severity'], '8.0');
	assert.equal(run.results.length, report.findings.filter((finding) => finding.status !== 'pass').length);
	for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);

	const find = (ruleId: string, key: string) => run.results.find((result: {ruleId: string; locations: Array<{logicalLocations: Array<{fullyQualifiedName: string}>}>}) => result.ruleId === ruleId && result.locations[0]!.logicalLocations[0]!.fullyQualifiedName === key);
	const manifest = find('images.tag-pinned', 'Deployment/shop/web:app');
	assert.deepEqual(manifest.locations[0].physicalLocation, {artifactLocation: {uri: 'manifests/shop/web.yaml'}, region: {startLine: 12}});
	assert.equal(manifest.level, 'warning');
	assert.equal(manifest.kind, 'fail');
	const node = find('host.sshd-config', 'node/moc-lnx-w1');
	assert.equal(node.locations[0].logicalLocations[0].kind, 'node');
	assert.equal(node.locations[0].physicalLocation.artifactLocation.uriBaseId, 'AKS_HARDEN_CLUSTER');
	assert.equal(node.level, 'error');
	const clusterScoped = find('isolation.cluster-admin-bindings', 'ClusterRoleBinding/ops-admin');
	assert.equal(clusterScoped.locations[0].physicalLocation.artifactLocation.uri, 'ClusterRoleBinding/ops-admin');
	const waived = find('images.tag-pinned', 'StatefulSet/legacy/db:db');
	assert.deepEqual(waived.suppressions, [{kind: 'external', status: 'accepted', justification: 'waived by security@contoso.example until 2099-12-31: vendor image, pinned upstream in Q3'}]);
	const attested = find('images.scanning', 'cluster');
	assert.equal(attested.kind, 'review');
	assert.equal(attested.level, 'none');
	assert.equal(attested.properties.attestation.by, 'alice@contoso.example');
	assert.match(attested.message.text, /attested "yes" by alice/);
	assert.match(find('monitoring.threat-detection', 'cluster').message.text, /open: not attested yet/);
	assert.equal(find('host.sshd-config', 'node/moc-win-w2').kind, 'open');
	assert.equal(find('resources.limit-range', 'Namespace/shop').kind, 'notApplicable');
	assert.equal(run.invocations[0].toolExecutionNotifications[0].message.text.includes('moc-win-w2'), true);
	assert.equal(run.properties.summary.score, report.summary.score);
});

test('sarif: absolute manifest paths become file URIs; an empty audit is valid', () => {
	const findings = fixtureFindings().map((finding) => (finding.location ? {...finding, location: {file: '/srv/repo/k8s/my app.yaml', line: 3}} : finding));
	const sarif = JSON.parse(renderReport(fixtureReport({findings}), 'sarif', context)) as SarifLog;
	assert.ok(sarifValidator(sarif), JSON.stringify(sarifValidator.errors));
	assert.ok(sarif.runs[0]!['results'].some((result: {locations: Array<{physicalLocation: {artifactLocation: {uri: string}}}>}) => result.locations[0]!.physicalLocation.artifactLocation.uri === 'file:///srv/repo/k8s/my%20app.yaml'));
	const empty = JSON.parse(renderReport(fixtureReport({findings: [], nodes: []}), 'sarif', context));
	assert.ok(sarifValidator(empty), JSON.stringify(sarifValidator.errors));
});

test('csv: a row per finding that parses back, RFC 4180 quoting, formula cells neutralised', () => {
	const report = fixtureReport();
	const text = renderReport(report, 'csv', context);
	const rows = parseCsv(text);
	const [header, ...body] = rows;
	assert.equal(body.length, report.findings.length);
	for (const row of body) assert.equal(row.length, header!.length);
	const records = body.map((row) => Object.fromEntries(header!.map((column, index) => [column, row[index]!])));
	const injected = records.find((record) => record['check'] === 'resources.limits')!;
	assert.equal(injected['message'], `'=HYPERLINK("http://evil.example","click"), "quoted", and\na second line`);
	assert.equal(injected['file'], 'manifests/shop/web.yaml');
	assert.equal(injected['line'], '12');
	assert.deepEqual(JSON.parse(injected['evidence']!), {'resources.limits': '<unset>', note: '<script>alert("x")</script>'});
	const attested = records.find((record) => record['check'] === 'images.scanning')!;
	assert.equal(attested['attestation'], 'attested');
	assert.equal(attested['attested_by'], 'alice@contoso.example');
	assert.equal(records.find((record) => record['check'] === 'monitoring.threat-detection')!['attestation'], 'open');
	const waived = records.find((record) => record['status'] === 'waived')!;
	assert.equal(waived['waiver_expires'], '2099-12-31');
	const node = records.find((record) => record['target'] === 'node/moc-lnx-w1' && record['check'] === 'host.sshd-config')!;
	assert.equal(node['node'], 'moc-lnx-w1');
	assert.equal(node['kind'], 'Node');
	for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) assert.ok(csvCell(value).replace(/^"/, '').startsWith("'"), value);
	assert.equal(csvCell('a "b", c'), '"a ""b"", c"');
	assert.equal(csvCell('plain'), 'plain');
});

test('a saved audit reads back; anything else is a usage error naming the file', () => {
	const report = fixtureReport();
	assert.deepEqual(parseAudit(JSON.parse(renderJson(report)), 'a.json'), JSON.parse(renderJson(report)));
	const bad: Array<[unknown, RegExp]> = [
		[[], /a\.json: not an aks-harden audit/],
		[{findings: []}, /a\.json: not an aks-harden audit \(no schemaVersion\)/],
		[{...report, schemaVersion: 2}, /a\.json: schemaVersion 2 is not supported/],
		[{...report, findings: [{...report.findings[0], status: 'broken'}]}, /a\.json: not a valid aks-harden audit: findings\[0\]\.status/],
	];
	for (const [value, message] of bad) assert.throws(() => parseAudit(value, 'a.json'), (error) => isUsageError(error) && message.test(error.message));
});

test('secret hygiene: a value the redactor knows appears in no format, neither raw nor escaped', () => {
	const redactor = new Redactor();
	redactor.add(canary);
	redactor.add(plainCanary);
	const report = fixtureReport();
	for (const format of reportFormats) {
		// What the audit command does today: redact the rendered text.
		assert.ok(!redactor.apply(renderReport(report, format, context)).includes(plainCanary), `${format}: plain canary after redactor.apply`);
		// With the redactor handed in, the Report is scrubbed before encoding as well.
		const text = renderReport(report, format, context, {redactor});
		for (const fragment of ['s3cr3t', '7f3a', 'PLAINCANARY']) assert.ok(!text.includes(fragment), `${format}: ${fragment}`);
		assert.match(text, /\\?\[redacted\\?\]/, `${format}: the redaction shows`);
	}
	// Why the Report is scrubbed first: text redaction cannot see a secret the format escaped.
	assert.ok(redactor.apply(renderReport(report, 'html', context)).includes('s3cr3t'));
});
