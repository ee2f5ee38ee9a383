// containerd on a real OpenSSH test node: metrics on all interfaces fails host.containerd-config,
// and a registry password written in config.toml is reported by registry host while its value
// (a canary string) appears in no report format, no stdout or stderr, no plan file and no log.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type {Report} from '../../src/model/report.js';
import {binPath} from '../support/cli.js';
import {rootSkip, startLab, type Lab} from '../support/ssh-lab.js';

const CANARY = 'canary-Zq81-registry-password';
const CONFIG = [
	'version = 2',
	'[metrics]',
	'  address = "0.0.0.0:1338"',
	'[plugins."io.containerd.grpc.v1.cri"]',
	'  stream_server_address = "127.0.0.1"',
	'  [plugins."io.containerd.grpc.v1.cri".registry.configs."contoso.azurecr.io".auth]',
	'    username = "puller"',
	`    password = "${CANARY}"`,
	'',
].join('\n');

describe('containerd metrics and plaintext registry credentials on a real node', {skip: rootSkip()}, () => {
	let lab: Lab;
	let work: string;

	before(async () => {
		lab = await startLab({nodes: [{name: 'moc-creds', files: {'/etc/containerd/config.toml': {content: CONFIG, mode: 0o644}}}]});
		work = fs.mkdtempSync(path.join(lab.dir, 'creds-'));
		fs.chmodSync(work, 0o755);
		fs.mkdirSync(path.join(work, 'home'));
	});

	after(async () => {
		await lab?.stop();
	});

	async function cli(args: readonly string[]) {
		const env = ['-u', 'SSH_AUTH_SOCK', '-u', 'KUBECONFIG', `HOME=${path.join(work, 'home')}`, `AKS_HARDEN_STATE_DIR=${path.join(work, 'state')}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...env, process.execPath, binPath, ...args], {timeoutMs: 120_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}
	const node = () => ['--nodes', lab.nodes[0]!.address, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser', '--checks', 'host.containerd-config'];

	test('fails on metrics 0.0.0.0 and names the registry; the password is nowhere', async () => {
		const json = await cli(['audit', ...node(), '--format', 'json']);
		assert.equal(json.code, 1, json.stderr);
		const finding = (JSON.parse(json.stdout) as Report).findings.find((candidate) => candidate.checkId === 'host.containerd-config')!;
		assert.equal(finding.status, 'fail', finding.message);
		assert.match(finding.message, /\[metrics\] address = "0\.0\.0\.0:1338"/);
		assert.match(finding.message, /registry contoso\.azurecr\.io has credentials in plain text in config\.toml \(username, password; values not shown\)/);
		const outputs = [json.stdout, json.stderr];
		for (const format of ['md', 'html', 'junit', 'sarif', 'csv']) {
			const file = path.join(work, `report.${format}`);
			const result = await cli(['audit', ...node(), '--format', format, '--output', file]);
			outputs.push(result.stdout, result.stderr, fs.readFileSync(file, 'utf8'));
		}
		const planned = await cli(['fix', '--plan', path.join(work, 'plan.json'), ...node()]);
		outputs.push(planned.stdout, planned.stderr, fs.readFileSync(path.join(work, 'plan.json'), 'utf8'));
		const stateFiles = fs.existsSync(path.join(work, 'state')) ? fs.readdirSync(path.join(work, 'state'), {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile()) : [];
		for (const entry of stateFiles) outputs.push(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
		assert.ok(outputs.length >= 18);
		for (const [index, text] of outputs.entries()) assert.ok(!text.includes(CANARY), `output ${index} holds the registry password`);
	});
});
