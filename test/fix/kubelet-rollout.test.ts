// The kubelet fix rolled out over a 3-node test cluster: systemd test nodes (debootstrap +
// systemd-nspawn, real sshd, real systemctl) and the in-process HTTPS API server for Nodes,
// cordon, evictions and PodDisruptionBudgets. The binary runs headless (`fix --plan`, then
// `fix --apply`) from inside the lab's hub namespace.
//
// A real kubelet cannot run here. Each node's `kubelet.service` is a stand-in: a shell script
// that reads the real --config file and exits non-zero when it is not a KubeletConfiguration or
// names a clientCAFile that does not exist (as the real kubelet refuses to start then); while it
// runs, a socket-activated healthz on 127.0.0.1:10248 answers `ok`. The Node's Ready condition
// is kept by this test, not by the node: every half second it asks each node
// `systemctl is-active kubelet` over SSH and writes Ready True/False into the API server.
// After the main rollout, the refusals run on the same cluster: the last Ready node of a pool
// and a single-node pool, a PodDisruptionBudget that blocks the drain, a file changed since
// planning, and the SSH connection cut before and after the rename (in-process, to cut it there).
// Last, the walkthrough (ink-testing-library; only the terminal is simulated) fixes node-1 alone
// in its pool: the same diff as headless planning, y, then the node name typed as --confirm-node.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import {auditSettings} from '../../src/commands/settings.js';
import {startApiServer, type ApiServer} from '../../src/demo/api-server.js';
import {applyPlan} from '../../src/fix/apply.js';
import {AuditLog} from '../../src/fix/audit-log.js';
import {KubernetesWriter} from '../../src/transports/kubernetes-writer.js';
import type {FixContext} from '../../src/fix/context.js';
import {loadPlaybooks} from '../../src/fix/load.js';
import {readPlanFile} from '../../src/fix/plan-file.js';
import {loadKubeconfig} from '../../src/transports/kubeconfig.js';
import type {Environment} from '../../src/commands/environment.js';
import {selectChecks} from '../../src/commands/select.js';
import {walkthroughDeps} from '../../src/commands/walkthrough-start.js';
import {runAudit} from '../../src/engine/run.js';
import {planFixes} from '../../src/fix/plan.js';
import type {NodeInfo} from '../../src/model/report.js';
import {sshNodeSource} from '../../src/transports/node-source.js';
import type {SshOptions} from '../../src/transports/ssh.js';
import {walkthroughFixes} from '../../src/ui/fixes.js';
import {cleanup, keys} from '../support/render.js';
import {openSection, renderWalkthrough} from '../ui/harness.js';
import type {KubeObject} from '../../src/model/kube.js';
import type {PlanFile} from '../../src/fix/plan-file.js';
import {connectNode, type NodeShell} from '../../src/transports/ssh.js';
import {binPath} from '../support/cli.js';
import {rootSkip, startSystemdNodes, type Lab, type LabNode} from '../support/ssh-lab.js';
import {nodeObject} from '../support/node-object.js';

const CONFIG = '/var/lib/kubelet/config.yaml';
const ORIGINAL = ['apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', 'authentication:', '  anonymous:', '    enabled: true', 'readOnlyPort: 10255', ''].join('\n');

const STAND_IN = `#!/bin/sh
# kubelet stand-in: validates its --config as the kubelet would, then stays up.
cfg=/var/lib/kubelet/config.yaml
for a in "$@"; do case "$a" in --config=*) cfg=\${a#--config=} ;; esac; done
grep -q '^kind: KubeletConfiguration$' "$cfg" || { echo "not a KubeletConfiguration: $cfg" >&2; exit 1; }
ca=$(sed -n 's/^ *clientCAFile: *//p' "$cfg")
if [ -n "$ca" ] && [ ! -r "$ca" ]; then echo "unable to load client CA file $ca" >&2; exit 1; fi
echo $$ > /run/kubelet-stand-in.pid
while :; do sleep 5; done
`;

const UNIT = `[Unit]
Description=kubelet stand-in (reads the real config; runs no containers)
Wants=kubelet-healthz.socket
[Service]
ExecStart=/usr/local/bin/kubelet --config=${CONFIG}
ExecStopPost=/bin/rm -f /run/kubelet-stand-in.pid
Restart=always
RestartSec=1
[Install]
WantedBy=multi-user.target
`;

const SOCKET = '[Socket]\nListenStream=127.0.0.1:10248\nAccept=yes\n[Install]\nWantedBy=sockets.target\n';
const HEALTHZ = `[Service]
ExecStart=/bin/sh -c 'read -r _; p=$(cat /run/kubelet-stand-in.pid 2>/dev/null); if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then printf "HTTP/1.0 200 OK\\\\r\\\\n\\\\r\\\\nok"; else printf "HTTP/1.0 500 Internal Server Error\\\\r\\\\n\\\\r\\\\nkubelet down"; fi'
StandardInput=socket
StandardOutput=socket
`;

function nodeFiles(withCa: boolean) {
	return {
		'/usr/local/bin/kubelet': {content: STAND_IN, mode: 0o755},
		'/etc/systemd/system/kubelet.service': {content: UNIT},
		'/etc/systemd/system/kubelet-healthz.socket': {content: SOCKET},
		'/etc/systemd/system/kubelet-healthz@.service': {content: HEALTHZ},
		[CONFIG]: {content: ORIGINAL, mode: 0o600},
		...(withCa ? {'/etc/kubernetes/pki/ca.crt': {content: '-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n', mode: 0o644}} : {}),
	};
}


function pod(name: string, node: string, app: string): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {name, namespace: 'shop', labels: {app}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-rs`, uid: `uid-${app}`, controller: true}]},
		spec: {nodeName: node, containers: [{name: 'app', image: 'mcr.microsoft.com/oss/nginx/nginx:1.25.3'}]},
		status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]},
	} as unknown as KubeObject;
}

describe('kubelet fix rolled out node by node on a 3-node test cluster', {skip: rootSkip(), timeout: 10 * 60_000}, () => {
	let lab: Lab;
	let api: ApiServer;
	let work: string;
	let bridge: net.Server;
	let hubForwarder: ChildProcess;
	const sessions = new Map<string, NodeShell>();
	let heartbeat: NodeJS.Timeout | undefined;
	let stopped = false;
	const names = ['node-1', 'node-2', 'node-3'];
	const cordonLog: string[] = [];

	before(async () => {
		// node-2 has no client CA file: the planned clientCAFile makes its kubelet refuse to start.
		lab = await startSystemdNodes(names.map((name, i) => ({name, files: nodeFiles(i !== 1), enabledUnits: ['kubelet.service', 'kubelet-healthz.socket']})));
		const objects: KubeObject[] = [
			{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}} as KubeObject,
			...lab.nodes.map((node, i) => nodeObject(names[i]!, node.address)),
			pod('web-1', 'node-1', 'web'),
			pod('web-2', 'node-3', 'web'),
			pod('web-3', 'node-3', 'web'),
			pod('api-1', 'node-2', 'api'),
			{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web', namespace: 'shop'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'web'}}}, status: {disruptionsAllowed: 1}} as unknown as KubeObject,
		];
		api = await startApiServer({objects, simulateControllers: false, onWrite: null});
		api.store.subscribe((event) => {
			if (event.object.kind === 'Node' && (event.object as {spec?: {unschedulable?: boolean}}).spec?.unschedulable === true) cordonLog.push(event.object.metadata.name);
		});
		work = fs.mkdtempSync(path.join(lab.dir, 'rollout-'));
		fs.chmodSync(work, 0o755);
		fs.mkdirSync(path.join(work, 'home'));
		// The binary runs in the hub namespace; the API server listens on this process's loopback.
		// A Unix socket in the lab folder crosses the namespaces, and a small forwarder in the hub
		// serves it on the hub's own 127.0.0.1 at the same port, so the kubeconfig stays as it is.
		const socketPath = path.join(lab.dir, 'api.sock');
		bridge = net.createServer((client) => {
			const upstream = net.connect(api.port, '127.0.0.1');
			client.pipe(upstream).pipe(client);
			client.on('error', () => upstream.destroy());
			upstream.on('error', () => client.destroy());
		});
		await new Promise<void>((resolve) => bridge.listen(socketPath, resolve));
		const forward = `const net=require('net');net.createServer(c=>{const u=net.connect(process.argv[1]);c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(${api.port},'127.0.0.1',()=>console.log('ready'))`;
		hubForwarder = spawn('ip', ['netns', 'exec', lab.hub, process.execPath, '-e', forward, socketPath], {stdio: ['ignore', 'pipe', 'inherit']});
		await new Promise<void>((resolve) => hubForwarder.stdout!.once('data', () => resolve()));
		fs.writeFileSync(path.join(work, 'kubeconfig'), api.kubeconfigYaml(), {mode: 0o600});

		for (const [i, node] of lab.nodes.entries()) sessions.set(names[i]!, await open(node));
		// Wait for every stand-in kubelet to be up, then keep Ready in step with the unit.
		for (const session of sessions.values()) await session.run('systemctl is-system-running --wait >/dev/null 2>&1; for i in $(seq 50); do systemctl is-active -q kubelet && break; sleep 0.2; done', {sudo: true, timeoutMs: 60_000});
		const beat = async () => {
			for (const [name, session] of sessions) {
				const active = (await session.run('systemctl is-active -q kubelet && test -s /run/kubelet-stand-in.pid', {sudo: true, timeoutMs: 10_000}).catch(() => ({code: 1}))).code === 0;
				const current = api.store.find('Node', undefined, name) as (KubeObject & {status: Record<string, unknown>}) | undefined;
				if (!current) continue;
				const ready = {type: 'Ready', status: active ? 'True' : 'False', reason: active ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: new Date().toISOString()};
				api.store.put({...current, status: {...current.status, conditions: [ready]}} as KubeObject);
			}
			// A beat still under way when the suite ends must not schedule another (it would keep the file alive).
			if (!stopped) heartbeat = setTimeout(() => void beat(), 500);
		};
		await beat();
	});

	after(async () => {
		stopped = true;
		if (heartbeat) clearTimeout(heartbeat);
		for (const session of sessions.values()) session.close();
		if (hubForwarder?.pid) process.kill(hubForwarder.pid);
		bridge?.close();
		await api?.close();
		await lab?.stop();
	});

	function open(node: LabNode): Promise<NodeShell> {
		return connectNode(
			{name: node.name, address: node.address, port: 22, user: 'clouduser', keyPaths: [lab.clientKeyPath]},
			{knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, sshConfigPath: null, connectSocket: (target) => lab.connectSocket(target)},
		);
	}

	async function cli(args: readonly string[]) {
		const env = ['-u', 'SSH_AUTH_SOCK', `KUBECONFIG=${path.join(work, 'kubeconfig')}`, `HOME=${path.join(work, 'home')}`, `AKS_HARDEN_STATE_DIR=${path.join(work, 'state')}`, 'NO_COLOR=1'];
		const result = await lab.runInHub('env', [...env, process.execPath, binPath, ...args], {timeoutMs: 300_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	}
	const ssh = () => ['--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, '--ssh-user', 'clouduser'];
	type Entry = {id: string; result: string; target: string; steps?: Array<{step: string}>; undo?: {type: string; restart?: unknown}};
	const readLog = () => fs.readFileSync(path.join(work, 'state', 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Entry);
	const config = async (name: string) => (await sessions.get(name)!.run(`cat ${CONFIG}`, {sudo: true, timeoutMs: 10_000})).stdout;

	test('plan, then apply: node-1 rolled out; node-2\'s kubelet refuses the new config, is rolled back and Ready again; node-3 untouched; exit 1', async () => {
		const planPath = path.join(work, 'plan.json');
		const planned = await cli(['fix', '--plan', planPath, ...ssh(), '--checks', 'host.kubelet-config', '--set', 'readyTimeoutSeconds=15', '--set', 'drainTimeoutSeconds=30']);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready', plan.reason);
		assert.equal(plan.risk, 'guided');
		assert.deepEqual(plan.changes.map((change) => change.type === 'file' && change.node.name), names, 'one plan, the nodes in order');
		for (const change of plan.changes) {
			assert.ok(change.type === 'file' && change.restart?.unit === 'kubelet' && change.path === CONFIG);
			assert.match(change.diff, /^\+readOnlyPort: 0$/m);
			assert.match(change.diff, /^\+ {4}clientCAFile: \/etc\/kubernetes\/pki\/ca\.crt$/m);
		}
		assert.match(planned.stdout, /node-safe restart of kubelet: preflight/);
		assert.equal(await config('node-1'), ORIGINAL, 'planning writes nothing');

		const applied = await cli(['fix', '--apply', planPath, ...ssh()]);
		process.stdout.write(`${applied.stdout}\n${applied.stderr}\n`);
		assert.equal(applied.code, 1, 'a node that did not take the change makes the run fail');
		const output = applied.stdout + applied.stderr;
		for (const step of ['preflight: pool agentpool=pool1: 2 other Ready nodes', 'cordon: node-1 unschedulable', 'drain: evicted shop/web-1', 'backup: ', 'validate: valid (kubelet)', 'restart: systemctl restart kubelet', 'ready: node-1 Ready and kubelet healthy', 'uncordon: node-1 schedulable again']) {
			assert.ok(output.includes(step), `the output shows "${step}"`);
		}
		assert.match(output, /ready: not Ready and healthy within 15s/);
		assert.match(output, /restore: .*config\.yaml\.aks-harden-.*\.bak put back/);
		assert.match(output, /ready: node-2 Ready again with the old configuration/);
		assert.match(applied.stdout, /✘ rolled-back: kubelet on node-2 did not become Ready/);
		assert.match(applied.stdout, /not attempted: .*node-2/);

		assert.notEqual(await config('node-1'), ORIGINAL);
		assert.match(await config('node-1'), /readOnlyPort: 0/);
		assert.equal(await config('node-2'), ORIGINAL, 'node-2 has its old configuration');
		assert.equal(await config('node-3'), ORIGINAL, 'node-3 was not touched');
		const node2 = api.store.find('Node', undefined, 'node-2') as {spec?: {unschedulable?: boolean}};
		assert.notEqual(node2.spec?.unschedulable, true, 'node-2 uncordoned once Ready again');
		assert.ok(cordonLog.includes('node-1') && cordonLog.includes('node-2'), 'node-1 and node-2 were cordoned');
		assert.ok(!cordonLog.includes('node-3'), 'node-3 was never cordoned');
		assert.ok(api.store.find('Pod', 'shop', 'web-2') && api.store.find('Pod', 'shop', 'web-3'), 'node-3\'s pods were not evicted');
		assert.equal(api.store.find('Pod', 'shop', 'web-1'), undefined, 'node-1\'s pod was evicted');
		const active = await sessions.get('node-2')!.run('systemctl is-active kubelet', {sudo: true, timeoutMs: 10_000});
		assert.equal(active.stdout.trim(), 'active', 'node-2\'s kubelet runs again');

		const entries = readLog();
		assert.deepEqual(entries.map((entry) => `${entry.result} ${entry.target}`), [`applied node/node-1:${CONFIG}`, `rolled-back node/node-2:${CONFIG}`]);
		assert.deepEqual([...new Set(entries[0]!.steps!.map((entry) => entry.step))], ['read', 'preflight', 'cordon', 'drain', 'backup', 'write', 'rename', 'validate', 'restart', 'ready', 'uncordon', 'verify'], 'every step in the audit log');
		assert.ok(entries[1]!.steps!.some((entry) => entry.step === 'restore'));
		assert.ok(entries[0]!.undo?.restart, 'undo restarts the same way');

		const undone = await cli(['undo', entries[0]!.id, '--yes', ...ssh()]);
		process.stdout.write(`${undone.stdout}\n${undone.stderr}\n`);
		assert.equal(undone.code, 0, undone.stdout + undone.stderr);
		assert.match(undone.stdout, /restarting kubelet node-safely/);
		assert.equal(await config('node-1'), ORIGINAL, 'undo put node-1\'s old configuration back');
		assert.ok(cordonLog.filter((name) => name === 'node-1').length >= 1);
		assert.equal(readLog().at(-1)!.result, 'undone');
	});

	async function planNodes(nodes: readonly string[], name: string, extra: readonly string[] = []): Promise<string> {
		const file = path.join(work, `${name}.json`);
		const planned = await cli(['fix', '--plan', file, ...ssh(), '--checks', 'host.kubelet-config', '--nodes', nodes.join(','), '--set', 'readyTimeoutSeconds=15', '--set', 'drainTimeoutSeconds=30', ...extra]);
		assert.equal(planned.code, 0, planned.stdout + planned.stderr);
		const plan = (JSON.parse(fs.readFileSync(file, 'utf8')) as PlanFile).plans[0]!;
		assert.equal(plan.status, 'ready', plan.reason);
		assert.deepEqual(plan.changes.map((change) => change.type === 'file' && change.node.name), [...nodes]);
		return file;
	}
	const nodeSpec = (name: string) => (api.store.find('Node', undefined, name) as {spec?: {unschedulable?: boolean}}).spec ?? {};
	function editNode(name: string, edit: (node: KubeObject & {spec: Record<string, unknown>; metadata: {labels: Record<string, string>}}) => void) {
		const node = structuredClone(api.store.find('Node', undefined, name)) as KubeObject & {spec: Record<string, unknown>; metadata: {labels: Record<string, string>}};
		node.spec ??= {};
		edit(node);
		api.store.put(node);
	}
	const cordon = (name: string, on: boolean) => editNode(name, (node) => {
		if (on) node.spec['unschedulable'] = true;
		else delete node.spec['unschedulable'];
	});

	test('the last Ready node of a pool, and a single-node pool, are refused until the operator types that node\'s name', async () => {
		assert.equal(await config('node-1'), ORIGINAL);
		// A pool of one: node-1 alone in agentpool=solo.
		editNode('node-1', (node) => {
			node.metadata.labels['agentpool'] = 'solo';
		});
		const file = await planNodes(['node-1'], 'solo');
		const solo = await cli(['fix', '--apply', file, ...ssh()]);
		process.stdout.write(`${solo.stdout}\n${solo.stderr}\n`);
		assert.equal(solo.code, 1, 'a refusal is a failed run');
		assert.match(solo.stdout + solo.stderr, /preflight: pool agentpool=solo: no other Ready node/);
		assert.match(solo.stdout, /node-1 is the last Ready node of agentpool=solo: restarting kubelet there takes the pool's workloads down\. Type the node name to go ahead \(--confirm-node node-1\)/);
		assert.equal(await config('node-1'), ORIGINAL, 'the file was not touched');
		assert.notEqual(nodeSpec('node-1').unschedulable, true, 'the node was not cordoned');

		// Back in pool1, but its two peers are cordoned: node-1 is the last schedulable Ready node.
		editNode('node-1', (node) => {
			node.metadata.labels['agentpool'] = 'pool1';
		});
		cordon('node-2', true);
		cordon('node-3', true);
		try {
			const last = await cli(['fix', '--apply', file, ...ssh(), '--confirm-node', 'node-2']);
			assert.equal(last.code, 1);
			assert.match(last.stdout, /node-1 is the last Ready node of agentpool=pool1: .*--confirm-node node-1/, 'another node\'s name does not count');
			assert.equal(await config('node-1'), ORIGINAL);

			const typed = await cli(['fix', '--apply', file, ...ssh(), '--confirm-node', 'node-1']);
			process.stdout.write(`${typed.stdout}\n${typed.stderr}\n`);
			assert.equal(typed.code, 0, typed.stdout + typed.stderr);
			assert.match(typed.stdout + typed.stderr, /preflight: pool agentpool=pool1: no other Ready node/);
			assert.match(typed.stdout + typed.stderr, /uncordon: node-1 schedulable again/);
			assert.match(await config('node-1'), /readOnlyPort: 0/);
			const id = readLog().at(-1)!.id;
			// Undo restarts the same way, so it asks for the name too.
			const refusedUndo = await cli(['undo', id, '--yes', ...ssh()]);
			assert.notEqual(refusedUndo.code, 0);
			assert.match(refusedUndo.stdout + refusedUndo.stderr, /--confirm-node node-1/);
			assert.match(await config('node-1'), /readOnlyPort: 0/);
			const undone = await cli(['undo', id, '--yes', ...ssh(), '--confirm-node', 'node-1']);
			assert.equal(undone.code, 0, undone.stdout + undone.stderr);
			assert.equal(await config('node-1'), ORIGINAL);
		} finally {
			cordon('node-2', false);
			cordon('node-3', false);
		}
	});

	test('a PodDisruptionBudget that blocks the drain is shown, the drain times out, the node is uncordoned and its file untouched', async () => {
		// web-2 and web-3 on node-3 are all the web pods left; minAvailable 2 allows no disruption.
		const budget = structuredClone(api.store.find('PodDisruptionBudget', 'shop', 'web')) as KubeObject & {status: Record<string, unknown>};
		api.store.put({...budget, status: {...budget.status, disruptionsAllowed: 0}} as KubeObject);
		const file = await planNodes(['node-3'], 'pdb', ['--set', 'drainTimeoutSeconds=4']);
		const applied = await cli(['fix', '--apply', file, ...ssh()]);
		process.stdout.write(`${applied.stdout}\n${applied.stderr}\n`);
		const output = applied.stdout + applied.stderr;
		assert.equal(applied.code, 1);
		assert.match(output, /preflight: pool agentpool=pool1: 2 other Ready nodes \(node-1, node-2\); 2 pods to evict; PodDisruptionBudget shop\/web allows 0 disruptions now \(holds web-2, web-3\)/);
		assert.match(output, /cordon: node-3 unschedulable/);
		assert.match(output, /drain: shop\/web-\d: .*disruption budget.* \(retrying\)/);
		assert.match(output, /drain: the drain timed out: shop\/web-2, shop\/web-3 could not be evicted/);
		assert.match(output, /uncordon: node-3 schedulable again/);
		assert.match(applied.stdout, /node-3 was uncordoned and \/var\/lib\/kubelet\/config\.yaml was not touched/);
		assert.equal(await config('node-3'), ORIGINAL);
		assert.notEqual(nodeSpec('node-3').unschedulable, true);
		assert.ok(api.store.find('Pod', 'shop', 'web-2') && api.store.find('Pod', 'shop', 'web-3'), 'the budget kept both pods');
		const entry = readLog().at(-1)!;
		assert.equal(entry.result, 'failed');
		assert.deepEqual([...new Set(entry.steps!.map((logged) => logged.step))], ['read', 'preflight', 'cordon', 'drain', 'uncordon']);
	});

	test('a plan for a node whose file changed since planning is refused before the node is cordoned', async () => {
		const file = await planNodes(['node-1'], 'stale');
		const edited = `${ORIGINAL}# edited by hand after the plan\n`;
		await sessions.get('node-1')!.run(`printf '%s' '${edited}' > ${CONFIG}`, {sudo: true, timeoutMs: 10_000});
		try {
			const before = cordonLog.length;
			const applied = await cli(['fix', '--apply', file, ...ssh()]);
			assert.equal(applied.code, 1);
			assert.match(applied.stdout, /node-1:\/var\/lib\/kubelet\/config\.yaml changed since the plan was made: plan again and review the new diff/);
			assert.match(applied.stdout + applied.stderr, /read: node-1:\/var\/lib\/kubelet\/config\.yaml: changed since the plan/);
			assert.equal(await config('node-1'), edited, 'the hand edit is kept');
			assert.equal(cordonLog.length, before, 'no node was cordoned');
		} finally {
			await sessions.get('node-1')!.run(`printf '%s' '${ORIGINAL}' > ${CONFIG}`, {sudo: true, timeoutMs: 10_000});
		}
	});

	test('the SSH connection cut before the rename leaves the old file and says so; cut after it, the new file, still cordoned, and says so', async () => {
		const file = await planNodes(['node-1'], 'cut');
		const plan = readPlanFile(file).plans[0]!;
		const change = plan.changes[0]!;
		assert.ok(change.type === 'file');
		const catalog = loadCatalog();
		const opened: NodeShell[] = [];
		const lab1 = lab.nodes[0]!;
		const context: FixContext = {
			catalog,
			playbooks: loadPlaybooks(undefined, catalog),
			settings: auditSettings({}, catalog.exceptions),
			transport: {
				kube: new KubernetesWriter(loadKubeconfig({kubeconfig: path.join(work, 'kubeconfig')})),
				openNode: async () => {
					const session = await open(lab1);
					opened.push(session);
					return session;
				},
			},
		};
		const log = new AuditLog([path.join(work, 'cut.jsonl')]);
		const cut = async () => opened.at(-1)!.close();

		const [beforeRename] = await applyPlan(plan, {context, confirmedCount: 1, log, hooks: {afterWrite: cut}});
		process.stdout.write(`${beforeRename?.message}\n`);
		assert.equal(beforeRename?.outcome, 'failed');
		assert.match(beforeRename!.message, /node-1 has the old \/var\/lib\/kubelet\/config\.yaml/);
		assert.doesNotMatch(beforeRename!.message, /still cordoned/);
		assert.equal(await config('node-1'), ORIGINAL, 'the old file, whole');
		assert.notEqual(nodeSpec('node-1').unschedulable, true, 'with the old file the node is as it was: uncordoned');

		try {
			const [afterRename] = await applyPlan(plan, {context, confirmedCount: 1, log, hooks: {afterRename: cut}});
			process.stdout.write(`${afterRename?.message}\n`);
			assert.equal(afterRename?.outcome, 'failed');
			assert.match(afterRename!.message, /node-1 has the new \/var\/lib\/kubelet\/config\.yaml \(kubelet not restarted yet\); the backup is \S+\.bak; the node is still cordoned/);
			assert.equal(await config('node-1'), change.content, 'the new file, whole');
			assert.equal(nodeSpec('node-1').unschedulable, true, 'nobody knows yet how the kubelet takes the new file: the node stays cordoned');
			assert.deepEqual(log.read().entries.map((entry) => entry.result), ['failed', 'failed'], 'both cuts are in the audit log');
		} finally {
			await sessions.get('node-1')!.run(`printf '%s' '${ORIGINAL}' > ${CONFIG}`, {sudo: true, timeoutMs: 10_000});
			cordon('node-1', false);
		}
	});

	test('the walkthrough offers the kubelet fix with the headless diff; a node alone in its pool is restarted only once its name is typed', async () => {
		editNode('node-1', (node) => {
			node.metadata.labels['agentpool'] = 'solo';
		});
		const lab1 = lab.nodes[0]!;
		const dir = fs.mkdtempSync(path.join(work, 'ui-'));
		const state = fs.mkdtempSync(path.join(dir, 'state-'));
		try {
			const sshOptions: SshOptions = {knownHostsPath: lab.knownHostsPath, acceptNewHostKeys: false, timeoutMs: 20_000, agentSocket: null, homeDir: dir, sshConfigPath: null, connectSocket: (target) => lab.connectSocket(target)};
			const info: NodeInfo = {name: 'node-1', address: lab1.address, os: 'linux', role: 'worker', reachable: null, error: null};
			const catalog = loadCatalog();
			const checks = selectChecks(catalog, {checks: ['host.kubelet-config']});
			const settings = auditSettings({waivers: []}, catalog.exceptions);
			const connection: Environment = {
				readerUnavailable: 'no cluster: nodes named on the command line',
				nodes: {list: [info], source: sshNodeSource({keyPaths: [lab.clientKeyPath], ssh: sshOptions}), concurrency: 1},
				info: {context: null, server: null, flavour: 'nodes', isDemo: false},
				close: async () => {},
			};
			const context: FixContext = {
				catalog,
				playbooks: loadPlaybooks(undefined, catalog),
				settings,
				parameters: {readyTimeoutSeconds: '15', drainTimeoutSeconds: '30'},
				transport: {kube: new KubernetesWriter(loadKubeconfig({kubeconfig: path.join(work, 'kubeconfig')})), openNode: () => open(lab1)},
				nodes: [info],
			};
			const audit = await runAudit({catalog, checks, settings, clusterUnavailable: 'none', nodes: connection.nodes!, version: 'test'});
			const [headless] = await planFixes(audit.report.findings, context);
			assert.equal(headless?.status, 'ready', headless?.reason);

			const deps = {...walkthroughDeps(connection, {catalog, checks, settings, values: {}, stateFolder: state}), fixes: walkthroughFixes(context, {log: AuditLog.at(state)})};
			const ui = await renderWalkthrough({deps, columns: 160, rows: 80, dir});
			await ui.press(keys.enter);
			await ui.waitForText('done 1/1', {timeoutMs: 120_000});
			await openSection(ui, 1, 'Harden host environment');
			await ui.press(keys.enter);
			await ui.waitForText('Targets:');
			await ui.press('f');
			const review = await ui.waitForText(/Apply this change to 1 target\? y applies/, {timeoutMs: 60_000});
			assert.match(review, /effect: node-safe restart of kubelet: preflight \(never the last Ready node of its pool without its name typed\)/);
			for (const change of headless!.changes) {
				for (const line of change.diff.trimEnd().split('\n')) assert.ok(review.includes(line), `the review shows "${line}"\n${review}`);
			}
			assert.equal(await config('node-1'), ORIGINAL, 'nothing changed before the confirmation');

			await ui.press('y');
			const asked = await ui.waitForText(/Type node-1 and press ⏎ to go ahead/, {timeoutMs: 60_000});
			assert.match(asked, /node-1 is the last Ready node of agentpool=solo/);
			assert.equal(await config('node-1'), ORIGINAL, 'refused until the name is typed');
			assert.notEqual(nodeSpec('node-1').unschedulable, true);
			await ui.type('node-1');
			await ui.press(keys.enter);
			const done = await ui.waitForText(/re-running host\.kubelet-config/, {timeoutMs: 180_000});
			assert.match(done, /1 applied/, done);
			assert.match(done, /uncordon: node-1 schedulable again/);
			assert.match(await config('node-1'), /readOnlyPort: 0/);
			const entries = fs.readFileSync(path.join(state, 'changes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Entry);
			assert.deepEqual(entries.map((entry) => entry.result), ['refused', 'applied'], 'the refusal (logged as refused, with its preflight) and the typed go-ahead are both in the audit log');
			await ui.press(keys.escape);
		} finally {
			cleanup();
			await sessions.get('node-1')!.run(`printf '%s' '${ORIGINAL}' > ${CONFIG}`, {sudo: true, timeoutMs: 10_000});
			editNode('node-1', (node) => {
				node.metadata.labels['agentpool'] = 'pool1';
			});
		}
	});
});
