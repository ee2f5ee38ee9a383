// The mistakes a newcomer makes first, through the real binary: each is one line that names the
// problem, a next step, exit 2 and no stack trace.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {binPath, hasNoStack, runCli} from '../support/cli.js';

function expectOneLine(result: {code: number; stdout: string; stderr: string}, pattern: RegExp, next?: RegExp): void {
	assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
	assert.match(result.stderr, pattern);
	if (next) assert.match(result.stderr, next);
	assert.ok(hasNoStack(result.stderr), `no stack trace:\n${result.stderr}`);
	assert.equal(result.stdout, '');
}

test('an old Node: one line with the version found and needed, exit 2, before anything loads', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-oldnode-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	// The shim reads process.versions.node; a preload makes this Node 22 report 20.11.1, as Node 20 would.
	const preload = join(dir, 'old-node.mjs');
	writeFileSync(preload, "Object.defineProperty(process, 'versions', {value: {...process.versions, node: '20.11.1'}});\n");
	const result = spawnSync(process.execPath, ['--import', preload, binPath, 'audit', '--demo'], {encoding: 'utf8'});
	assert.equal(result.status, 2);
	assert.equal(result.stdout, '');
	assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
	assert.match(result.stderr, /needs Node\.js 22 or later, found 20\.11\.1; install Node 22/);
	// A real older Node, where the machine has one (Debian's nodejs package is 18 or 20).
	const system = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
		const probe = spawnSync(path, ['-p', 'process.versions.node'], {encoding: 'utf8'});
		return probe.status === 0 && Number(probe.stdout.split('.')[0]) < 22;
	});
	if (!system) return;
	const real = spawnSync(system, [binPath, '--version'], {encoding: 'utf8'});
	assert.equal(real.status, 2);
	assert.match(real.stderr, /^aks-harden: needs Node\.js 22 or later, found \d+\.\d+\.\d+; /);
	assert.equal(real.stderr.trim().split('\n').length, 1);
});

test('a mistyped flag, command, check id or section: "did you mean", exit 2', async () => {
	expectOneLine(await runCli(['audit', '--fromat', 'json']), /^aks-harden: audit: unknown option --fromat; did you mean --format\?$/m, /next: see `aks-harden audit --help`/);
	expectOneLine(await runCli(['audti', '--demo']), /unknown command "audti"; did you mean audit\?/, /next: run `aks-harden --help`/);
	expectOneLine(await runCli(['audit', '--demo', '--checks', 'isolation.privilegd']), /no check matches "isolation\.privilegd"; did you mean isolation\.privileged\?/);
	expectOneLine(await runCli(['audit', '--demo', '--sections', 'isolaton']), /unknown section "isolaton"; did you mean isolation\?/);
	expectOneLine(await runCli(['audit', '--demo', '--format']), /--format needs a value/);
	expectOneLine(await runCli(['completion', 'bsh']), /no completion for "bsh"; did you mean bash\?/);
});

test('a bad option value points to the help of the command it was given to', async () => {
	expectOneLine(await runCli(['undo', 'chg-x', '--ssh-port', '0']), /--ssh-port must be a positive whole number, not "0"/, /next: see `aks-harden undo --help`/);
	expectOneLine(await runCli(['fix', '--plan', 'p.json', '--timeout', '5q']), /--timeout must be a duration/, /next: see `aks-harden fix --help`/);
	expectOneLine(await runCli(['audit', '--demo', '--pss-version', '1.30']), /--pss-version must be latest or v1\.N/, /next: see `aks-harden audit --help`/);
});

test('--format lists the formats and says what to do for a PDF', async () => {
	const result = await runCli(['audit', '--demo', '--format', 'pdf']);
	expectOneLine(result, /--format must be one of json, markdown, md, html, junit, sarif, csv, not "pdf"/, /next: for a PDF, write --format html and print it/);
});

test('a missing kubeconfig is said in words, never as a raw errno', async () => {
	const result = await runCli(['audit', '--kubeconfig', '/nonexistent/kubeconfig']);
	expectOneLine(result, /cannot read kubeconfig \/nonexistent\/kubeconfig: no such file or folder/, /next: /);
	assert.doesNotMatch(result.stderr, /ENOENT/);
});

test('help: the walkthrough has its own, with --resume; audit lists -o; report cites no internal document', async () => {
	const walkthrough = await runCli(['--demo', '--help']);
	assert.equal(walkthrough.code, 0);
	assert.match(walkthrough.stdout, /^Usage: aks-harden \[options\]/);
	assert.match(walkthrough.stdout, /--resume\s+pick up this cluster's saved session/);
	assert.doesNotMatch(walkthrough.stdout, /aks-harden audit \[options\]|--format FORMAT/);
	assert.match((await runCli(['audit', '--help'])).stdout, /-o, --output FILE/);
	assert.doesNotMatch((await runCli(['report', '--help'])).stdout, /DESIGN/);
	assert.match((await runCli(['--help'])).stdout, /aks-harden completion bash\|zsh\|pwsh/);
});

test('completion: bash completes commands, options, values and check ids in a real bash', async (t) => {
	const result = await runCli(['completion', 'bash']);
	assert.equal(result.code, 0);
	const dir = mkdtempSync(join(tmpdir(), 'akh-completion-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const script = join(dir, 'aks-harden.bash');
	writeFileSync(script, result.stdout);
	const complete = (...words: string[]) =>
		execFileSync('bash', ['-c', `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _aks_harden; printf '%s\\n' "\${COMPREPLY[@]}"`, 'complete', script, 'aks-harden', ...words], {encoding: 'utf8'})
			.trim()
			.split('\n');
	assert.deepEqual(complete('au'), ['audit']);
	assert.deepEqual(complete('audit', '--fail'), ['--fail-on', '--fail-on-error', '--fail-on-new']);
	assert.deepEqual(complete('audit', '--format', 'sa'), ['sarif']);
	assert.deepEqual(complete('audit', '--sections', 'iso'), ['isolation']);
	assert.ok(complete('explain', 'isolation.priv').includes('isolation.privileged'));
	assert.ok(complete('--re').includes('--resume'), 'the walkthrough options at the top level');
	for (const shell of ['zsh', 'pwsh']) {
		const other = await runCli(['completion', shell]);
		assert.equal(other.code, 0);
		assert.match(other.stdout, /isolation\.privileged/);
	}
});

test('manifests mode: live-cluster checks are skip with the reason; cluster questions only when asked', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-prmode-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	writeFileSync(join(dir, 'web.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "nginx:1.25"}]\n');
	type Finding = {checkId: string; status: string; message: string};
	const audit = async (...extra: string[]) => JSON.parse((await runCli(['audit', '--manifests', dir, '--format', 'json', ...extra])).stdout) as {findings: Finding[]};
	const all = await audit();
	assert.deepEqual(all.findings.filter((f) => f.status === 'error'), [], 'nothing is an error for lack of a cluster');
	assert.deepEqual(all.findings.filter((f) => f.status === 'manual'), [], 'no cluster questions in a pull-request audit');
	const etcd = all.findings.find((f) => f.checkId === 'secrets.etcd-encryption');
	assert.equal(etcd?.status, 'skip');
	assert.match(etcd!.message, /needs a live cluster/);
	const asked = await audit('--checks', 'images.ci-scanning');
	assert.deepEqual(asked.findings.map((f) => [f.checkId, f.status]), [['images.ci-scanning', 'manual']]);
});

test('a YAML error names the offending line, not the one before it', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-yamlline-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	// Line 5 is indented too far; the parser stops at the end of line 4.
	const manifest = join(dir, 'pod.yaml');
	writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   labels: {app: web}\nspec: {}\n');
	expectOneLine(await runCli(['audit', '--manifests', manifest, '--format', 'json']), new RegExp(`${manifest.replace(/[/.]/g, '\\$&')}:5: `), /next: fix the YAML syntax at that line/);
	const settings = join(dir, 'aks-harden.yaml');
	writeFileSync(settings, 'waivers:\n  - check: isolation.privileged\n    target: Deployment/shop/web\n     reason: vendor image\n');
	expectOneLine(await runCli(['audit', '--demo', '--waivers', settings, '--format', 'json']), new RegExp(`${settings.replace(/[/.]/g, '\\$&')}:4: `));
	const tabs = join(dir, 'tabs.yaml');
	writeFileSync(tabs, 'waivers:\n\t- check: isolation.privileged\n');
	expectOneLine(await runCli(['audit', '--demo', '--waivers', tabs, '--format', 'json']), new RegExp(`${tabs.replace(/[/.]/g, '\\$&')}:2: Tabs`));
});

test('an unknown walkthrough flag: did you mean, and a help that exists', async () => {
	const result = await runCli(['--demo', '--resum']);
	expectOneLine(result, /^aks-harden: walkthrough: unknown option --resum; did you mean --resume\?$/m, /next: see `aks-harden --demo --help`/);
	const help = await runCli(['--demo', '--help']);
	assert.equal(help.code, 0, 'the help it points to is there');
});

test('Ctrl-C during a headless audit: one line, nothing written, exit 130', async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-ctrlc-'));
	// An API server that accepts the connection and never answers: the audit waits on it.
	const sockets: Socket[] = [];
	const server: Server = createServer((socket) => sockets.push(socket));
	const connected = new Promise<void>((resolve) => server.once('connection', () => resolve()));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	t.after(() => {
		for (const socket of sockets) socket.destroy();
		server.close();
		rmSync(dir, {recursive: true, force: true});
	});
	const port = (server.address() as AddressInfo).port;
	const kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(
		kubeconfig,
		`apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
	);
	const output = join(dir, 'report.json');
	const child = spawn(process.execPath, [binPath, 'audit', '--kubeconfig', kubeconfig, '--no-nodes', '--output', output], {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	await connected;
	child.kill('SIGINT');
	assert.equal(await exited, 130);
	assert.equal(stderr, `aks-harden: audit interrupted: nothing was written (${output} is as it was)\n`);
	assert.equal(stdout, '');
	assert.equal(existsSync(output), false);
});
