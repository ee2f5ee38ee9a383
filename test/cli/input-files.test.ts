// Every file named on the command line, given something that is not a regular file: a FIFO
// (a plain read would block forever) or /dev/zero (a plain read would fill the memory). Each is
// refused with one line, exit 2, no stack trace, while the run's own bound is still far away.
// The kubeconfig's certificate files go through the same reader, for the context in use only.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {hasNoStack, runCli} from '../support/cli.js';

let dir: string;
let fifo: string;
let server: ApiServer;
const env = () => ({HOME: dir, XDG_STATE_HOME: join(dir, 'state')});

before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'akh-input-files-'));
	fifo = join(dir, 'pipe');
	await execa('mkfifo', [fifo]);
	server = await startApiServer({objects: demoObjects()});
});
after(async () => {
	await server.close();
	rmSync(dir, {recursive: true, force: true});
});

async function refused(args: readonly string[], line: RegExp): Promise<void> {
	// 30 s: far beyond what a refusal takes; a blocked read or a memory fill never ends by itself.
	const result = await runCli(args, {env: env(), cwd: dir, timeoutMs: 30_000});
	assert.equal(result.code, 2, `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
	assert.match(result.stderr, line, args.join(' '));
	assert.match(result.stderr, /^ {2}next: /m, `a next step: ${result.stderr}`);
	assert.ok(hasNoStack(result.stderr), result.stderr);
}

const inputs: ReadonlyArray<{option: string; args: (path: string) => string[]; line: (path: string) => string}> = [
	{option: 'fix --apply', args: (path) => ['fix', '--apply', path], line: (path) => `cannot read plan ${path}: it is KIND, not a regular file`},
	{option: 'report', args: (path) => ['report', path, '--format', 'json'], line: (path) => `${path}: it is KIND, not a regular file`},
	{option: 'diff', args: (path) => ['diff', path, path], line: (path) => `${path}: it is KIND, not a regular file`},
	{option: 'audit --baseline', args: (path) => ['audit', '--demo', '--baseline', path], line: (path) => `${path}: it is KIND, not a regular file`},
	{option: '--waivers', args: (path) => ['audit', '--demo', '--waivers', path], line: (path) => `cannot read ${path}: it is KIND, not a regular file`},
	{option: '--inventory', args: (path) => ['audit', '--no-nodes', '--demo', '--inventory', path], line: (path) => `cannot read inventory ${path}: it is KIND, not a regular file`},
	{option: '--kubeconfig', args: (path) => ['audit', '--kubeconfig', path, '--no-nodes'], line: (path) => `cannot read kubeconfig ${path}: it is KIND, not a regular file`},
	{option: '--ssh-key', args: (path) => ['audit', '--nodes', '127.0.0.1', '--ssh-port', '1', '--ssh-key', path], line: (path) => `${path}: cannot use this --ssh-key \\(it is KIND, not a regular file\\)`},
	{option: '--set NAME=@FILE', args: (path) => ['fix', '--manifests', join(dir, 'pod.yaml'), '--checks', 'isolation.run-as-user', '--set', `runAsUser=@${path}`], line: (path) => `--set runAsUser: cannot read ${path}: it is KIND, not a regular file`},
];

const escape = (text: string) => text.replace(/[/.]/g, '\\$&');

for (const {option, args, line} of inputs) {
	test(`${option}: a named pipe and /dev/zero are refused, never read`, async () => {
		writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: a\n      image: x\n');
		await refused(args(fifo), new RegExp(escape(line(fifo)).replace('KIND', 'a named pipe')));
		await refused(args('/dev/zero'), new RegExp(escape(line('/dev/zero')).replace('KIND', 'a device')));
	});
}

test('a settings file over its limit is refused by its size, not read whole', async () => {
	const big = join(dir, 'big.yaml');
	writeFileSync(big, `# ${'x'.repeat(17 * 1024 * 1024)}\nwaivers: []\n`);
	await refused(['audit', '--demo', '--waivers', big], /cannot read .*big\.yaml: it is over the 16 MB limit for this kind of file/);
});

test("the kubeconfig's certificate-authority file: read for the context in use, refused when it is a pipe", async () => {
	const ca = join(dir, 'ca.crt');
	writeFileSync(ca, server.caPem);
	const kubeconfig = (caPath: string) => {
		const file = join(dir, 'kubeconfig');
		writeFileSync(
			file,
			stringify({
				apiVersion: 'v1',
				kind: 'Config',
				clusters: [
					{name: 'lab', cluster: {server: server.url, 'certificate-authority': caPath}},
					// Another context's file is never opened, as kubectl never opens it.
					{name: 'other', cluster: {server: 'https://127.0.0.1:1', 'certificate-authority': fifo}},
				],
				users: [{name: 'admin', user: {token: server.token}}],
				contexts: [
					{name: 'lab', context: {cluster: 'lab', user: 'admin'}},
					{name: 'other', context: {cluster: 'other', user: 'admin'}},
				],
				'current-context': 'lab',
			}),
		);
		return file;
	};
	const works = await runCli(['audit', '--kubeconfig', kubeconfig('ca.crt'), '--no-nodes', '--checks', 'isolation.privileged', '--format', 'json'], {env: env(), cwd: dir, timeoutMs: 60_000});
	assert.ok(works.code === 0 || works.code === 1, works.stderr);
	assert.ok(JSON.parse(works.stdout).findings.length > 0, 'the audit reached the API server through the CA file');
	await refused(['audit', '--kubeconfig', kubeconfig(fifo), '--no-nodes'], new RegExp(`kubeconfig .*kubeconfig: cannot read its certificate-authority ${escape(fifo)}: it is a named pipe, not a regular file`));
});

test('a plan or a saved audit nested 20,000 levels deep: one line naming the limit, not a stack overflow', async () => {
	const levels = 20_000;
	const deep = `${'{"x":'.repeat(levels)}1${'}'.repeat(levels)}`;
	const plan = join(dir, 'deep-plan.json');
	writeFileSync(plan, `{"version":"1","cluster":null,"plans":[{"id":"p","changes":[{"type":"kube","body":${deep}}]}]}`);
	await refused(['fix', '--apply', plan], /deep-plan\.json: nested more than 200 levels deep \(limit\); no plan is/);
	const audit = join(dir, 'deep-audit.json');
	writeFileSync(audit, `{"findings":[{"evidence":${deep}}]}`);
	await refused(['report', audit, '--format', 'markdown'], /deep-audit\.json: nested more than 200 levels deep \(limit\); no aks-harden audit is/);
});
