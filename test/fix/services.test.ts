// The services fix on real systemd nodes (systemd-nspawn, systemd as PID 1, reached over sshd):
// an avahi stand-in installed the way its package installs it, really listening, found by
// host.services on an image without a baseline, stopped + disabled + masked by the binary's
// `fix --plan` / `fix --apply`, and put back exactly by `undo`.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type {ServiceChange} from '../../src/fix/model.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import type {Report} from '../../src/model/report.js';
import {connectNode, type NodeShell} from '../../src/transports/ssh.js';
import {binPath} from '../support/cli.js';
import {systemdSkip, startSystemdNodes, type Lab, type LabNode} from '../support/ssh-lab.js';
import {avahiStandin, enableStandins} from '../support/unit-standins.js';

const STATES = 'for u in avahi-daemon.service avahi-daemon.socket; do printf "%s %s %s\\n" "$u" "$(systemctl is-enabled $u)" "$(systemctl is-active $u)"; done; ls -l /etc/systemd/system/dbus-org.freedesktop.Avahi.service 2>/dev/null | sed "s/.* -> /alias -> /"';

describe('the services fix on systemd nodes', {skip: systemdSkip(), timeout: 10 * 60_000}, () => {
	let lab: Lab;
	let node: LabNode;
	let guarded: LabNode;
	let work: string;
	let home: string;
	let state: string;

	before(async () => {
		lab = await startSystemdNodes([
			{name: 'deb-avahi', files: avahiStandin},
			{name: 'deb-guarded', files: avahiStandin},
		]);
		[node, guarded] = lab.nodes as [LabNode, LabNode];
		for (const target of lab.nodes) {
			const enabled = await onNode(target, (session) => session.run(enableStandins(['avahi-daemon.service']), {sudo: true, timeoutMs: 60_000}));
			assert.equal(enabled.code, 0, enabled.stdout + enabled.stderr);
		}
		work = fs.mkdtempSync(path.join(lab.dir, 'services-'));
		fs.chmodSync(work, 0o755);
		home = path.join(work, 'home');
		state = path.join(work, 'state');
		fs.mkdirSync(home);
	});

	after(async () => {
		await lab?.stop();
	});

	async function onNode<T>(target: LabNode, use: (session: NodeShell) => Promise<T>): Promise<T> {
		const session = await connectNode(
			{name: target.name, address: target.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]},
			{knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, homeDir: home, sshConfigPath: null, connectSocket: (t) => lab.connectSocket(t)},
		);
		try {
			return await use(session);
		} finally {
			session.close();
		}
	}
	const states = (target: LabNode) => onNode(target, async (session) => (await session.run(STATES, {sudo: true, timeoutMs: 30_000})).stdout);
	const listening = (target: LabNode) => onNode(target, async (session) => (await session.run('ss -H -lnu "sport = :5353"', {sudo: true, timeoutMs: 30_000})).stdout.trim());

	async function cli(args: readonly string[], env: readonly string[] = []) {
		const envArgs = ['-u', 'SSH_AUTH_SOCK', '-u', 'KUBECONFIG', `HOME=${home}`, `AKS_HARDEN_STATE_DIR=${state}`, 'NO_COLOR=1', ...env];
		const result = await lab.runInHub('env', [...envArgs, process.execPath, binPath, ...args], {timeoutMs: 180_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}
	const sshArgs = () => ['--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];

	async function servicesFinding(target: LabNode, env: readonly string[] = []) {
		const result = await cli(['audit', '--nodes', target.address, ...sshArgs(), '--checks', 'host.services', '--format', 'json'], env);
		return (JSON.parse(result.stdout) as Report).findings.find((finding) => finding.checkId === 'host.services');
	}

	test('no baseline, avahi-daemon enabled: host.services fails naming it; the plan masks it and its socket; apply; undo restores exactly', async () => {
		const original = await states(node);
		assert.equal(original, 'avahi-daemon.service enabled active\navahi-daemon.socket enabled active\nalias -> /usr/local/lib/systemd/system/avahi-daemon.service\n');
		assert.match(await listening(node), /0\.0\.0\.0:5353/, 'the stand-in really listens');

		const finding = await servicesFinding(node);
		assert.equal(finding?.status, 'fail', finding?.message);
		assert.match(finding!.message, /avahi-daemon\.service \(enabled, running; never needed on a node: mDNS/);
		assert.match(finding!.message, /image debian-12 has no service baseline.*aks-harden baseline capture /);

		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, '--nodes', node.address, ...sshArgs(), '--checks', 'host.services']);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready', JSON.stringify(plan, null, 2));
		assert.equal(plan.risk, 'guided');
		assert.deepEqual(plan.playbooks.map((playbook) => playbook.id), ['host.services-disable']);
		const changes = plan.changes as ServiceChange[];
		assert.deepEqual(changes.map((change) => change.units), [['avahi-daemon.service', 'avahi-daemon.socket']], 'the socket goes with the service it starts');
		assert.ok(!changes.some((change) => change.units.some((unit) => /^(ssh|systemd-|dbus|cron)/.test(unit))), 'no protected unit');
		assert.match(planned.stdout, /stop, disable and mask avahi-daemon\.service and avahi-daemon\.socket/);
		assert.match(planned.stdout, /unit file: \/usr\/local\/lib\/systemd\/system\/avahi-daemon\.service \(not owned by a package\)/);
		assert.match(planned.stdout, /listens on: .*avahi-daemon\.socket: \/run\/avahi-daemon\/socket.*avahi-daemon\.service: 0\.0\.0\.0:5353 udp/);
		assert.match(planned.stdout, /-avahi-daemon\.service: enabled, active/);
		assert.match(planned.stdout, /\+avahi-daemon\.service: masked, inactive/);
		assert.equal(await states(node), original, 'planning changes nothing');

		const applied = await cli(['fix', '--apply', planPath, ...sshArgs()]);
		assert.equal(applied.code, 0, applied.stdout + applied.stderr);
		assert.match(applied.stdout, /applied: avahi-daemon\.service, avahi-daemon\.socket stopped, disabled and masked/);
		// Re-verified: no never-needed unit left, and still no baseline for the image.
		assert.match(applied.stdout, /the check does not pass yet: no unit on the never-needed list is enabled or running .* has no service baseline/);
		assert.equal(await states(node), 'avahi-daemon.service masked inactive\navahi-daemon.socket masked inactive\n');
		assert.equal(await listening(node), '', 'nothing listens on 5353 any more');
		assert.equal((await servicesFinding(node))?.status, 'warn', 'a re-audit: nothing never-needed, baseline missing');

		const entry = fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)).find((candidate) => candidate.result === 'applied');
		assert.equal(entry.target, `node/${node.address}:avahi-daemon.service`);
		assert.equal(entry.undo.type, 'service-state');
		assert.deepEqual(entry.undo.states.map((unit: {unit: string; enabled: string; active: string}) => `${unit.unit} ${unit.enabled} ${unit.active}`), ['avahi-daemon.service enabled active', 'avahi-daemon.socket enabled active']);

		const again = await cli(['fix', '--apply', planPath, ...sshArgs()]);
		assert.equal(again.code, 0);
		assert.match(again.stdout, /already stopped and masked: nothing to do/);

		const undone = await cli(['undo', entry.id, '--yes', ...sshArgs()]);
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.match(undone.stdout, /undone: undid .*avahi-daemon\.service enabled active, avahi-daemon\.socket enabled active, as before/);
		assert.equal(await states(node), original, 'enablement, running state and the alias link are back');
		assert.match(await listening(node), /0\.0\.0\.0:5353/);
		assert.equal((await servicesFinding(node))?.status, 'fail');

		const twice = await cli(['undo', entry.id, '--yes', ...sshArgs()]);
		assert.equal(twice.code, 1);
		assert.match(twice.stderr, /already undone/);
	});

	test('a unit outside a captured baseline that is protected (ssh) is refused with the reason; avahi is still planned', async () => {
		const baselines = path.join(work, 'baselines');
		fs.mkdirSync(baselines, {recursive: true});
		// A baseline that, wrongly, leaves out ssh.service and the rest of the image.
		fs.writeFileSync(path.join(baselines, 'debian-12.yaml'), 'image: debian-12\nunits: [systemd-*, getty@*, dbus, cron, e2scrub_reap]\n');
		const env = [`AKS_HARDEN_BASELINES=${baselines}`];
		const finding = await servicesFinding(guarded, env);
		assert.equal(finding?.status, 'fail');
		assert.match(finding!.message, /ssh\.service \(enabled, running; not in the debian-12 baseline\)/);
		const planPath = path.join(work, 'guarded.json');
		const planned = await cli(['fix', '--plan', planPath, '--nodes', guarded.address, ...sshArgs(), '--checks', 'host.services'], env);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready');
		assert.deepEqual((plan.changes as ServiceChange[]).map((change) => change.unit), ['avahi-daemon.service']);
		assert.ok(plan.notes.some((note) => /^ssh\.service is not touched: it is protected \(SSH is how Microsoft log collection/.test(note)), plan.notes.join('\n'));
		assert.match(planned.stdout, /note: ssh\.service is not touched: it is protected/);

		// An edited plan file that names ssh is refused whole (its integrity digest no longer matches), and ssh keeps running.
		const file = JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile;
		const change = file.plans[0]!.changes[0] as ServiceChange;
		file.plans[0]!.changes = [{...change, unit: 'ssh.service', units: ['ssh.service']}];
		fs.writeFileSync(planPath, JSON.stringify(file));
		const applied = await cli(['fix', '--apply', planPath, ...sshArgs()]);
		assert.equal(applied.code, 2, applied.stdout + applied.stderr);
		assert.match(applied.stderr, /edited since it was planned/);
		assert.equal(await onNode(guarded, async (session) => (await session.run('systemctl is-active ssh.service', {sudo: true, timeoutMs: 20_000})).stdout.trim()), 'active');
	});
});
