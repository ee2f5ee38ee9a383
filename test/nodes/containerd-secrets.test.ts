// containerd on a real OpenSSH test node: metrics on all interfaces fails host.containerd-config,
// and a registry password written in a 0644 config.toml fails host.containerd-credentials by
// registry host while its value (a canary string) appears in no report format, no stdout or
// stderr, no plan file, no state file and no audit log. The fix makes the file root-only and
// guides the move with a redacted diff; applied and undone on the node, the canary stays unseen.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import type {Environment} from '../../src/commands/environment.js';
import {selectChecks} from '../../src/commands/select.js';
import {auditSettings} from '../../src/commands/settings.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import {runAudit} from '../../src/engine/run.js';
import {AuditLog} from '../../src/fix/audit-log.js';
import type {FixContext} from '../../src/fix/context.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import type {NodeRef} from '../../src/fix/model.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import {planFixes} from '../../src/fix/plan.js';
import {undoChange} from '../../src/fix/undo.js';
import type {NodeInfo} from '../../src/model/report.js';
import {sshNodeSource} from '../../src/transports/node-source.js';
import {connectNode, type SshOptions} from '../../src/transports/ssh.js';
import {walkthroughFixes} from '../../src/ui/fixes.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough} from '../ui/harness.js';
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
	const node = () => ['--nodes', lab.nodes[0]!.address, '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser', '--checks', 'host.containerd-config,host.containerd-credentials'];

	test('fails on metrics 0.0.0.0 and names the registry; the password is nowhere; the fix makes config.toml root-only, guides the move redacted, and undoes', async () => {
		const json = await cli(['audit', ...node(), '--format', 'json']);
		assert.equal(json.code, 1, json.stderr);
		const findings = (JSON.parse(json.stdout) as Report).findings;
		const finding = findings.find((candidate) => candidate.checkId === 'host.containerd-config')!;
		assert.equal(finding.status, 'fail', finding.message);
		assert.match(finding.message, /\[metrics\] address = "0\.0\.0\.0:1338"/);
		const credentials = findings.find((candidate) => candidate.checkId === 'host.containerd-credentials')!;
		process.stdout.write(`${credentials.message}\n`);
		assert.equal(credentials.status, 'fail', credentials.message);
		assert.match(credentials.message, /registry contoso\.azurecr\.io has credentials in plain text in config\.toml \(username, password; values not shown\)/);
		assert.match(credentials.message, /\/etc\/containerd\/config\.toml is 644 root:root, readable beyond root \(want 600 root\)/);
		const outputs = [json.stdout, json.stderr];
		for (const format of ['md', 'html', 'junit', 'sarif', 'csv']) {
			const file = path.join(work, `report.${format}`);
			const result = await cli(['audit', ...node(), '--format', format, '--output', file]);
			outputs.push(result.stdout, result.stderr, fs.readFileSync(file, 'utf8'));
		}
		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, ...node()]);
		process.stdout.write(`${planned.stdout}\n`);
		outputs.push(planned.stdout, planned.stderr, fs.readFileSync(planPath, 'utf8'));
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans.find((candidate) => candidate.playbooks.some((playbook) => playbook.id === 'host.containerd-credentials'))!;
		assert.equal(plan.status, 'ready', plan.reason);
		assert.deepEqual(plan.changes.map((change) => change.summary), [`chmod/chown /etc/containerd/config.toml on ${lab.nodes[0]!.address}: 644 root:root → 600 root:root`]);
		const guidance = plan.notes.join('\n');
		assert.match(guidance, /^-\s+\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."contoso\.azurecr\.io"\.auth\]$/m, 'the guided diff takes the auth table out');
		assert.match(guidance, /^-\s+password = "<redacted>"$/m, 'its value redacted');
		assert.match(planned.stdout, /note: Guided, not applied/);

		const applied = await cli(['fix', '--apply', planPath, ...node()]);
		process.stdout.write(`${applied.stdout}\n${applied.stderr}\n`);
		outputs.push(applied.stdout, applied.stderr);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		const onNode = async (command: string) => (await lab.runInHub('ssh', ['-F', '/dev/null', '-i', lab.clientKeyPath, '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', `clouduser@${lab.nodes[0]!.address}`, command], {timeoutMs: 30_000})).stdout;
		assert.equal((await onNode("sudo stat -c '%a %U:%G' /etc/containerd/config.toml")).trim(), '600 root:root');
		// Compared by digest: the canary itself never comes back into this process's output.
		assert.equal((await onNode('sudo sha256sum /etc/containerd/config.toml')).split(' ')[0], createHash('sha256').update(CONFIG).digest('hex'), 'the content is untouched');
		const after = await cli(['audit', ...node(), '--format', 'json']);
		outputs.push(after.stdout, after.stderr);
		const now = (JSON.parse(after.stdout) as Report).findings.find((candidate) => candidate.checkId === 'host.containerd-credentials')!;
		assert.equal(now.status, 'warn', 'root-only now, but the credential is still to be moved out');
		assert.match(now.message, /imagePullSecret or a kubelet credential provider/);

		const log = fs.readFileSync(path.join(work, 'state', 'changes.jsonl'), 'utf8');
		const id = (JSON.parse(log.trim().split('\n').at(-1)!) as {id: string}).id;
		const undone = await cli(['undo', id, '--yes', ...node().slice(0, -2)]);
		outputs.push(undone.stdout, undone.stderr);
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.equal((await onNode("sudo stat -c '%a %U:%G' /etc/containerd/config.toml")).trim(), '644 root:root', 'undo put the old mode back');
		const stateFiles = fs.existsSync(path.join(work, 'state')) ? fs.readdirSync(path.join(work, 'state'), {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile()) : [];
		for (const entry of stateFiles) outputs.push(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
		assert.ok(outputs.length >= 24);
		for (const [index, text] of outputs.entries()) assert.ok(!text.includes(CANARY), `output ${index} holds the registry password`);
	});

	test('the walkthrough offers the same fix: the headless chmod diff and the redacted guidance, y applies it; the password is in no frame', async () => {
		const target = lab.nodes[0]!;
		const dir = fs.mkdtempSync(path.join(work, 'ui-'));
		const state = fs.mkdtempSync(path.join(dir, 'state-'));
		const sshOptions: SshOptions = {knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, homeDir: dir, sshConfigPath: null, connectSocket: (to) => lab.connectSocket(to)};
		const open = (ref: NodeRef) => connectNode({name: ref.name, address: ref.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]}, sshOptions);
		const info: NodeInfo = {name: target.name, address: target.address, os: 'linux', role: 'worker', reachable: null, error: null};
		const catalog = loadCatalog();
		const checks = selectChecks(catalog, {checks: ['host.containerd-credentials']});
		const settings = auditSettings({waivers: []}, catalog.exceptions);
		const connection: Environment = {
			readerUnavailable: 'no cluster: nodes named on the command line',
			nodes: {list: [info], source: sshNodeSource({keyPaths: [lab.clientKeyPath], ssh: sshOptions}), concurrency: 1},
			info: {context: null, server: null, flavour: 'nodes', isDemo: false},
			close: async () => {},
		};
		const context: FixContext = {catalog, playbooks: loadPlaybooks(undefined, catalog), settings, transport: {openNode: open}, nodes: [info]};
		const audit = await runAudit({catalog, checks, settings, clusterUnavailable: 'none', nodes: connection.nodes!, version: 'test'});
		const [headless] = await planFixes(audit.report.findings, context);
		assert.equal(headless?.status, 'ready', headless?.reason);

		const log = AuditLog.at(state);
		const deps = {...walkthroughDeps(connection, {catalog, checks, settings, values: {}, stateFolder: state}), fixes: walkthroughFixes(context, {log})};
		const ui = await renderWalkthrough({deps, columns: 160, rows: 80, dir});
		try {
			await ui.press(keys.enter);
			await ui.waitForText('done 1/1', {timeoutMs: 120_000});
			await openSection(ui, 1, 'Harden host environment');
			await ui.press(keys.enter);
			await ui.waitForText('Targets:');
			await ui.press('f');
			const review = await ui.waitForText(/Apply this change to 1 target\? y applies/, {timeoutMs: 60_000});
			for (const line of headless!.changes[0]!.diff.trimEnd().split('\n')) assert.ok(review.includes(line), `the review shows "${line}"\n${review}`);
			assert.match(review, /note: Guided, not applied/);
			assert.match(review, /password = "<redacted>"/);
			await ui.press('y');
			const done = await ui.waitForText(/re-running host\.containerd-credentials/, {timeoutMs: 60_000});
			assert.match(done, /1 applied/, done);
			const stat = await (async () => {
				const session = await open(info);
				try {
					return (await session.run("stat -c '%a %U:%G' /etc/containerd/config.toml", {sudo: true, timeoutMs: 10_000})).stdout.trim();
				} finally {
					session.close();
				}
			})();
			assert.equal(stat, '600 root:root');
			await ui.press(keys.escape);
			await ui.waitForText(/root-only, but registry credentials are still written in it/, {timeoutMs: 60_000});
			assert.ok(!ui.frames.some((frame) => frame.includes(CANARY)), 'no frame ever showed the password');
			assert.ok(!fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').includes(CANARY));
		} finally {
			cleanup();
			const entry = log.read().entries.at(-1);
			if (entry) await undoChange(entry.id, {context, log});
		}
	});
});
