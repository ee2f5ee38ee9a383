// Host fixes in the walkthrough against a real systemd node (systemd-nspawn, reached over sshd):
// the real audit through the SSH node source, and the same planner and applier `aks-harden fix`
// uses (walkthroughFixes over a FixContext). The review shows the plan headless planning makes —
// the same diff lines — and asks for the same confirmation: one unit is one target, so two
// units are typed as 2. Only the terminal is simulated (ink-testing-library).
import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
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
import {planFixes} from '../../src/fix/plan.js';
import {renderPlan} from '../../src/fix/render.js';
import type {NodeInfo} from '../../src/model/report.js';
import {walkthroughFixes} from '../../src/ui/fixes.js';
import {sshNodeSource} from '../../src/transports/node-source.js';
import {connectNode, type SshOptions} from '../../src/transports/ssh.js';
import {systemdSkip, startSystemdNodes, type Lab, type LabNode} from '../support/ssh-lab.js';
import {cleanup, keys} from '../support/render.js';
import {avahiStandin, cupsStandin, enableStandins} from '../support/unit-standins.js';
import {auditPackageFiles, INSTALL_AUDITD} from '../support/audit-package.js';
import {openSection, renderWalkthrough, type Harness} from './harness.js';

describe('host fixes in the walkthrough on a systemd node', {skip: systemdSkip(), timeout: 10 * 60_000}, () => {
	let lab: Lab;
	let node: LabNode;
	let dir: string;

	before(async () => {
		const audit = auditPackageFiles();
		const kubernetes = {'/etc/kubernetes/kubelet.conf': {content: 'apiVersion: v1\nkind: Config\n', mode: 0o600}, '/etc/containerd/config.toml': {content: 'version = 2\n'}};
		lab = await startSystemdNodes([{name: 'deb-walk', files: {...avahiStandin, ...cupsStandin, ...kubernetes, ...(typeof audit === 'string' ? {} : audit)}}]);
		node = lab.nodes[0]!;
		dir = fs.mkdtempSync(path.join(lab.dir, 'ui-'));
		const enabled = await onNode(enableStandins(['avahi-daemon.service', 'cups.service']));
		assert.equal(enabled.code, 0, enabled.stdout);
	});
	afterEach(() => cleanup());
	after(async () => {
		await lab?.stop();
	});

	const sshOptions = (): SshOptions => ({
		knownHostsPath: lab.knownHostsPath,
		acceptNewHostKeys: false,
		timeoutMs: 20_000,
		agentSocket: null,
		homeDir: dir,
		sshConfigPath: null,
		connectSocket: (target) => lab.connectSocket(target),
	});
	const open = (ref: NodeRef) => connectNode({name: ref.name, address: ref.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]}, sshOptions());
	async function onNode(command: string) {
		const session = await open(node);
		try {
			return await session.run(command, {sudo: true, timeoutMs: 60_000});
		} finally {
			session.close();
		}
	}
	const info = (): NodeInfo => ({name: node.name, address: node.address, os: 'linux', role: 'worker', reachable: null, error: null});

	function setUp(state: string, checkIds: readonly string[] = ['host.services']) {
		const catalog = loadCatalog();
		const checks = selectChecks(catalog, {checks: [...checkIds]});
		const settings = auditSettings({waivers: []}, catalog.exceptions);
		const source = sshNodeSource({keyPaths: [lab.clientKeyPath], ssh: sshOptions()});
		const connection: Environment = {
			readerUnavailable: 'no cluster: nodes named on the command line',
			openNode: open,
			nodes: {list: [info()], source, concurrency: 1},
			info: {context: null, server: null, flavour: 'nodes', isDemo: false},
			close: async () => {},
		};
		const context: FixContext = {catalog, playbooks: loadPlaybooks(undefined, catalog), settings, transport: {openNode: open}, nodes: [info()]};
		const deps = walkthroughDeps(connection, {catalog, checks, settings, stateFolder: state});
		return {catalog, checks, settings, connection, context, deps: {...deps, fixes: walkthroughFixes(context, {log: AuditLog.at(state)})}};
	}

	test('f on host.services shows each unit, its file, sockets and the headless diff; two units are typed as 2; applied, masked, re-checked', async () => {
		const state = fs.mkdtempSync(path.join(dir, 'state-'));
		const {catalog, checks, settings, connection, context, deps} = setUp(state);

		// Headless first: the plan `aks-harden fix --plan` would write for this node.
		const audit = await runAudit({catalog, checks, settings, clusterUnavailable: 'none', nodes: connection.nodes!, version: 'test'});
		const [headless] = await planFixes(audit.report.findings, context);
		assert.equal(headless?.status, 'ready', headless?.reason);
		assert.equal(headless!.changes.length, 2);
		const text = renderPlan(headless!);
		assert.match(text, /touches 2 targets/);

		const ui: Harness = await renderWalkthrough({deps, columns: 140, rows: 70, dir});
		await ui.press(keys.enter);
		await ui.waitForText('done 1/1', {timeoutMs: 120_000});
		await openSection(ui, 1, 'Harden host environment');
		await ui.press(keys.enter);
		await ui.waitForText('Targets:');
		await ui.press('f');
		const review = await ui.waitForText(/This touches 2 targets: type 2 and press ⏎/, {timeoutMs: 60_000});
		assert.match(review, /risk: guided · durability: ephemeral: a node upgrade or reimage discards it/);
		assert.match(review, /• stop, disable and mask avahi-daemon\.service and avahi-daemon\.socket on deb-walk/);
		assert.match(review, /• stop, disable and mask cups\.service and cups\.socket on deb-walk/);
		assert.match(review, /effect: unit file: \/usr\/local\/lib\/systemd\/system\/cups\.service \(not owned by a package\)/);
		assert.match(review, /effect: listens on: cups\.socket: 0\.0\.0\.0:631 \(Stream\)/);
		// Every diff line of the headless plan is on the review screen.
		for (const change of headless!.changes) {
			for (const line of change.diff.trimEnd().split('\n')) assert.ok(review.includes(line), `the review shows "${line}"\n${review}`);
		}
		assert.equal((await onNode('systemctl is-active cups.socket avahi-daemon.service')).stdout, 'active\nactive\n', 'nothing changed before the confirmation');

		await ui.press('y');
		await ui.waitForText('this touches 2 targets: type 2 and press ⏎');
		await ui.type('1');
		await ui.press(keys.enter);
		await ui.waitForText('you typed 1, but this touches 2 targets: nothing was applied');
		assert.equal((await onNode('systemctl is-enabled cups.socket avahi-daemon.service')).stdout, 'enabled\nenabled\n', 'a wrong count changes nothing');
		await ui.press(keys.backspace);
		await ui.type('2');
		await ui.press(keys.enter);
		const done = await ui.waitForText(/re-running host\.services/, {timeoutMs: 120_000});
		assert.match(done, /2 applied/, done);
		const after = await onNode('for u in avahi-daemon.service avahi-daemon.socket cups.service cups.socket; do echo "$u $(systemctl is-enabled $u) $(systemctl is-active $u)"; done');
		assert.equal(after.stdout, 'avahi-daemon.service masked inactive\navahi-daemon.socket masked inactive\ncups.service masked inactive\ncups.socket masked inactive\n');
		const log = fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as {result: string; target: string});
		assert.deepEqual(log.map((entry) => `${entry.result} ${entry.target}`).sort(), [`applied node/${node.name}:avahi-daemon.service`, `applied node/${node.name}:cups.service`]);
		await ui.press(keys.escape);
		// The re-run: nothing never-needed left; the image still has no baseline.
		await ui.waitForText(/› ! node\/deb-walk +no unit on the never-needed list is enabled or running on deb-walk, but image debian-12/, {timeoutMs: 60_000});
	});

	test('f on host.auditd shows the rules drop-in diff as headless planning does; y writes it and reports the reload', async (t) => {
		const packages = auditPackageFiles();
		if (typeof packages === 'string') return t.skip(packages);
		const installed = await onNode(INSTALL_AUDITD);
		assert.equal(installed.stdout, 'install ok installed\n');
		const state = fs.mkdtempSync(path.join(dir, 'state-'));
		const {catalog, checks, settings, connection, context, deps} = setUp(state, ['host.auditd']);
		const audit = await runAudit({catalog, checks, settings, clusterUnavailable: 'none', nodes: connection.nodes!, version: 'test'});
		const [headless] = await planFixes(audit.report.findings, context);
		assert.equal(headless?.status, 'ready', headless?.reason);

		const ui: Harness = await renderWalkthrough({deps, columns: 140, rows: 70, dir});
		await ui.press(keys.enter);
		await ui.waitForText('done 1/1', {timeoutMs: 120_000});
		await openSection(ui, 1, 'Harden host environment');
		await ui.press(keys.enter);
		await ui.waitForText('Targets:');
		await ui.press('f');
		const review = await ui.waitForText('Apply this change to 1 target?', {timeoutMs: 60_000});
		assert.match(review, /• create \/etc\/audit\/rules\.d\/50-aks-harden\.rules on deb-walk: watch \/etc\/kubernetes, \/etc\/containerd/);
		assert.match(review, /note: auditd is not running/);
		for (const line of headless!.changes[0]!.diff.trimEnd().split('\n')) assert.ok(review.includes(line), `the review shows "${line}"`);
		assert.equal((await onNode('test -e /etc/audit/rules.d/50-aks-harden.rules && echo present || echo absent')).stdout, 'absent\n');

		await ui.press('y');
		// The container has no kernel audit: the file is written and merged, the kernel load fails and says so.
		const done = await ui.waitForText(/1 applied; re-running host\.auditd/, {timeoutMs: 120_000});
		assert.match(done, /✔ applied: applied to deb-walk:\/etc\/audit\/rules\.d\/50-aks-harden\.rules/);
		assert.match(done, /validate: valid/);
		assert.match(done, /reload: reload failed: augenrules --load exited 1/);
		assert.equal((await onNode('grep -c "^-w .* -k aks-harden$" /etc/audit/rules.d/50-aks-harden.rules /etc/audit/audit.rules')).stdout, '/etc/audit/rules.d/50-aks-harden.rules:2\n/etc/audit/audit.rules:2\n');
	});
});
