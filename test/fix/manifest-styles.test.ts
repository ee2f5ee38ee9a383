// `fix --manifests --write` over files written the way real tools write them (test/fix/manifest-styles:
// kubectl get -o yaml and -o json, Helm template output, kustomize build, flow style, anchors and
// aliases, multi-document with comments, CRLF, odd indentation). Every file must still parse, keep
// every byte outside the edited nodes, and pass the fixed checks on a re-audit through the binary.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {diffChars, diffLines} from 'diff';
import {parseAllDocuments} from 'yaml';
import type {Report} from '../../src/model/report.js';
import {hasNoStack, runCli} from '../support/cli.js';

type Json = Record<string, any>;

const corpus = fileURLToPath(new URL('./manifest-styles', import.meta.url));
const checks = 'isolation.privileged,isolation.privilege-escalation,isolation.seccomp';
/** The words the three playbooks may write: nothing else may appear in a file. */
const added = ['false', 'allowPrivilegeEscalation', 'seccompProfile', 'type', 'RuntimeDefault', 'securityContext'];

let dir: string;
let originals: Map<string, string>;

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-manifest-styles-'));
	cpSync(corpus, dir, {recursive: true});
	originals = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
});
after(() => rmSync(dir, {recursive: true, force: true}));

function docs(name: string): Json[] {
	const parsed = parseAllDocuments(readFileSync(join(dir, name), 'utf8'));
	assert.ok(Array.isArray(parsed), name);
	for (const doc of parsed) assert.deepEqual(doc.errors.map((error) => error.message), [], `${name} parses`);
	return parsed.map((doc) => doc.toJS() as Json);
}

function containers(doc: Json): Json[] {
	const spec = doc['kind'] === 'CronJob' ? doc['spec'].jobTemplate.spec.template.spec : doc['spec'].template.spec;
	return spec.containers;
}

describe('fix --manifests --write over the style corpus', () => {
	test('every file is fixed, parses, and a re-audit passes', async () => {
		const before = await runCli(['audit', '--manifests', dir, '--checks', checks, '--format', 'json']);
		const failing = (JSON.parse(before.stdout) as Report).findings.filter((finding) => finding.status === 'fail');
		assert.ok(failing.length >= 20, `the corpus fails first (${failing.length})`);

		const fixed = await runCli(['fix', '--manifests', dir, '--write', '--checks', checks]);
		assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
		for (const name of originals.keys()) assert.match(fixed.stdout, new RegExp(`fixed .*${name.replace('.', '\\.')}`), `${name} was fixed`);
		for (const name of originals.keys()) docs(name);

		const again = await runCli(['audit', '--manifests', dir, '--checks', checks, '--format', 'json']);
		const report = JSON.parse(again.stdout) as Report;
		assert.deepEqual(report.findings.filter((finding) => finding.status !== 'pass').map((finding) => `${finding.checkId} ${JSON.stringify(finding.target)}`), []);
		assert.equal(report.findings.length, (JSON.parse(before.stdout) as Report).findings.length, 'the same objects, all passing');

		const twice = await runCli(['fix', '--manifests', dir, '--write', '--checks', checks]);
		assert.match(twice.stdout, /nothing to change/);
	});

	test('outside the edited nodes every byte is as written, comments included', () => {
		for (const [name, text] of originals) {
			const now = readFileSync(join(dir, name), 'utf8');
			// Line by line, then character by character within a changed line: only `true` values and
			// empty `{}` go, only the fix's own words come. (A character diff of the whole file could
			// pair an inserted `securityContext:` with a `status:` below it and report nonsense.)
			const check = (part: {value: string; added?: boolean; removed?: boolean}) => {
				if (!part.added && !part.removed) return;
				const words = part.value.split(/[^A-Za-z]+/).filter(Boolean);
				const allowed = part.added ? added : ['true'];
				for (const word of words) assert.ok(allowed.some((whole) => whole.includes(word)), `${name}: ${part.added ? 'added' : 'removed'} ${JSON.stringify(part.value)}`);
				if (part.removed) assert.match(part.value, /^[true{}\s]*$/, `${name}: removed ${JSON.stringify(part.value)}`);
			};
			const lines = diffLines(text, now);
			for (let i = 0; i < lines.length; i++) {
				const part = lines[i]!;
				const next = lines[i + 1];
				if (part.removed && next?.added) {
					for (const change of diffChars(part.value, next.value)) check(change);
					i++;
				} else {
					check(part);
				}
			}
			for (const comment of text.match(/#[^\r\n]*/g) ?? []) assert.ok(now.includes(comment), `${name} keeps ${comment}`);
		}
	});

	test('kubectl style: sequences stay at their key, securityContext lands in the container after a last env list', () => {
		const now = readFileSync(join(dir, 'kubectl-get.yaml'), 'utf8');
		assert.match(now, /^ {6}containers:\n {6}- image: registry\.example\.com\/billing:4\.2\.0$/m, 'still kubectl-style');
		assert.match(now, /^ {8}- name: PORT\n {10}value: "9100"\n {8}securityContext:\n {10}allowPrivilegeEscalation: false$/m);
		const [deployment] = docs('kubectl-get.yaml');
		const [billing, exporter] = containers(deployment!);
		assert.equal(billing!.securityContext.privileged, false);
		assert.equal(exporter!.securityContext.allowPrivilegeEscalation, false);
		for (const entry of [...billing!.env, ...exporter!.env]) assert.deepEqual(Object.keys(entry), ['name', 'value'], 'no env entry got a securityContext');
		assert.ok(now.includes('status:\n  availableReplicas: 2\n'), 'status kept as kubectl printed it');
	});

	test('odd indentation: the new keys follow the file\'s own step', () => {
		const now = readFileSync(join(dir, 'odd-indent.yaml'), 'utf8');
		assert.match(now, /^ {16}securityContext:\n {19}allowPrivilegeEscalation: false\n {19}seccompProfile:\n {22}type: RuntimeDefault\n/m);
		// The pod-level profile (what PSA reads first) at the pod spec's own step.
		assert.match(now, /^ {9}securityContext:\n {12}seccompProfile:\n {15}type: RuntimeDefault\n$/m);
		assert.deepEqual(Object.keys(containers(docs('odd-indent.yaml')[0]!)[0]!.env[0]), ['name', 'value']);
	});

	test('CRLF stays CRLF; JSON stays JSON; flow stays flow; anchors and aliases stay', () => {
		const crlf = readFileSync(join(dir, 'crlf.yaml'), 'utf8');
		assert.equal(crlf.split('\n').length - 1, crlf.split('\r\n').length - 1, 'every line ends in CRLF');
		assert.match(crlf, /privileged: false\r\n/);

		const json = JSON.parse(readFileSync(join(dir, 'kubectl-get.json'), 'utf8')) as Json;
		assert.deepEqual(containers(json)[0]!.securityContext, {privileged: false, allowPrivilegeEscalation: false, seccompProfile: {type: 'RuntimeDefault'}});

		const flow = readFileSync(join(dir, 'flow-style.yaml'), 'utf8');
		assert.match(flow, /^ {8}- \{name: agent, image: "example\.com\/agent:2\.1", securityContext: \{privileged: false, runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: \{type: RuntimeDefault\}\}\}$/m);
		assert.match(flow, /args: \[--quiet, "--to=collector:4317"\], securityContext: \{/);

		const anchors = readFileSync(join(dir, 'anchors.yaml'), 'utf8');
		for (const token of ['labels: &labels', 'matchLabels: *labels', 'securityContext: &context', 'securityContext: *context']) assert.ok(anchors.includes(token), `keeps ${token}`);
		const [render, upload] = containers(docs('anchors.yaml')[0]!);
		assert.deepEqual(upload!.securityContext, render!.securityContext, 'the alias still shares the fixed context');

		const multi = readFileSync(join(dir, 'multi-doc.yaml'), 'utf8');
		assert.ok(multi.startsWith('# Payments: everything in one file, reviewed together.\n# Do not reorder the documents: CI diffs them by position.\n---\n'));
		assert.ok(multi.endsWith('data:\n  mode: "strict"\n...\n'));
		assert.match(multi, /privileged: false {3}# FIXME\n/);
		assert.deepEqual(docs('multi-doc.yaml').map((doc) => doc['kind']), ['Namespace', 'Deployment', 'ConfigMap']);
		assert.equal(docs('helm-template.yaml')[1]!['spec'].template.spec.containers[0].securityContext.allowPrivilegeEscalation, false);
	});

	test('an edit that would change another object through a shared anchor is refused: exit 2, nothing written', async () => {
		const folder = mkdtempSync(join(dir, 'shared-'));
		const file = join(folder, 'list.yaml');
		const text = [
			'apiVersion: v1',
			'kind: List',
			'items:',
			'  - apiVersion: apps/v1',
			'    kind: Deployment',
			'    metadata: {name: web, namespace: shop}',
			'    spec:',
			'      selector: {matchLabels: {app: web}}',
			'      template:',
			'        metadata: {labels: {app: web}}',
			'        spec:',
			'          containers:',
			'            - name: app',
			'              image: nginx:1.25.3',
			'              securityContext: &shared',
			'                privileged: true',
			'  - apiVersion: v1',
			'    kind: Pod',
			'    metadata: {name: debug, namespace: shop}',
			'    spec:',
			'      containers:',
			'        - name: debug',
			'          image: busybox:1.36',
			'          securityContext: *shared',
			'',
		].join('\n');
		writeFileSync(file, text);
		const result = await runCli(['fix', '--manifests', file, '--write', '--checks', 'isolation.privileged']);
		assert.equal(result.code, 2, result.stdout + result.stderr);
		assert.match(result.stderr, /list\.yaml: document 1 would not read back as planned .*: nothing was written/);
		assert.ok(hasNoStack(result.stderr));
		assert.equal(readFileSync(file, 'utf8'), text, 'the file is untouched');
		assert.deepEqual(readdirSync(folder), ['list.yaml'], 'no temp file');
		rmSync(folder, {recursive: true});
	});
});
