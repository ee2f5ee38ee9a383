// Issue target (nodes through Kubernetes): the host audit of 200 simulated nodes through probe
// pods on the in-process API server — wall time and peak RSS, and how both grow from 50 to 200
// nodes (RSS grows by less than 1 MB per node; the time is the nodes', not the tool's). Each
// simulated node answers the probe script from a recording after a fixed delay that stands for a
// real node's probe run, so the floor is ceil(nodes / concurrency) × delay.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startApiServer} from '../src/demo/api-server.js';
import {shellNodeExec} from '../src/demo/pod-exec.js';
import type {KubeObject} from '../src/model/kube.js';
import {demoNodeRecordings} from '../src/probes/demo-nodes.js';
import {recordedShell, type RecordedNode} from '../src/probes/recorded.js';
import type {NodeShell} from '../src/transports/interfaces.js';
import {median, runNodeChild} from './child.js';

/** What a node's own probe run stands for here (BENCH_NODE_DELAY_MS): SSH runs on real nodes take 1–3 s. */
const delayMs = Number(process.env['BENCH_NODE_DELAY_MS'] ?? 500);
const concurrency = 16;

function nodeObject(name: string, index: number): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {name, labels: {'kubernetes.io/os': 'linux', agentpool: `pool${index % 4}`}},
		spec: {},
		status: {addresses: [{type: 'InternalIP', address: `10.1.${Math.floor(index / 250)}.${(index % 250) + 1}`}], conditions: [{type: 'Ready', status: 'True'}], nodeInfo: {osImage: 'CBL-Mariner/Linux', kubeletVersion: 'v1.30.9'}},
	} as unknown as KubeObject;
}

/** A recorded node that takes `delayMs` to answer, as a node running its probes would. */
function slowShell(recording: RecordedNode): NodeShell {
	const shell = recordedShell(recording);
	return {
		run: async (script, options) => {
			await new Promise((resolve) => setTimeout(resolve, delayMs));
			return shell.run(script, options);
		},
		close: () => shell.close(),
	};
}

async function once(count: number, dir: string): Promise<{wallMs: number; rssMb: number; reached: number}> {
	const recordings = demoNodeRecordings().filter((node) => node.role === 'worker');
	const names = Array.from({length: count}, (_, i) => `kn-${String(i + 1).padStart(3, '0')}`);
	const byName = new Map(names.map((name, i) => [name, {...recordings[i % recordings.length]!, name}]));
	const server = await startApiServer({
		objects: names.map((name, i) => nodeObject(name, i)),
		simulateControllers: false,
		nodeExec: shellNodeExec((name) => {
			const recording = byName.get(name);
			return recording ? slowShell(recording) : undefined;
		}),
		execNodes: (name) => byName.has(name),
	});
	const kubeconfig = join(dir, `kubeconfig-${count}`);
	writeFileSync(kubeconfig, server.kubeconfigYaml());
	try {
		const bin = new URL('../bin/aks-harden.js', import.meta.url).pathname;
		const report = join(dir, `report-${count}.json`);
		const run = await runNodeChild([bin, 'audit', '--kubeconfig', kubeconfig, '--sections', 'host', '--node-access', 'kubernetes', '--allow-probe-pods', '--concurrency', String(concurrency), '--format', 'json', '--output', report], {env: {HOME: dir, AKS_HARDEN_STATE_DIR: join(dir, 'state')}});
		if (run.code !== 0 && run.code !== 1) throw new Error(`audit of ${count} nodes failed (${run.code}): ${run.stderr}`);
		const left = server.store.all('Pod').length + server.store.all('Namespace').length;
		if (left) throw new Error(`${left} probe objects left on the cluster after the run`);
		const reached = (JSON.parse((await import('node:fs')).readFileSync(report, 'utf8')) as {nodes: Array<{access?: string}>}).nodes.filter((node) => node.access === 'kubernetes').length;
		return {wallMs: run.wallMs, rssMb: run.maxRssMb, reached};
	} finally {
		await server.close();
	}
}

export async function benchKubeNodes(runs = 3): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'akh-bench-kube-'));
	try {
		const results = new Map<number, {wallMs: number; rssMb: number; reached: number}>();
		for (const count of [50, 200]) {
			const all = [];
			for (let run = 0; run < runs; run++) all.push(await once(count, dir));
			results.set(count, {wallMs: median(all.map((r) => r.wallMs)), rssMb: Math.max(...all.map((r) => r.rssMb)), reached: Math.min(...all.map((r) => r.reached))});
		}
		const small = results.get(50)!;
		const large = results.get(200)!;
		const perNode = (large.rssMb - small.rssMb) / 150;
		console.log(`host audit through Kubernetes (probe pods on the in-process API server, ${delayMs} ms per node, --concurrency ${concurrency}), median of ${runs}`);
		for (const [count, result] of results) {
			const floor = Math.ceil(count / concurrency) * delayMs;
			console.log(`  ${count} nodes: ${(result.wallMs / 1000).toFixed(2)} s (the nodes' own floor ${(floor / 1000).toFixed(1)} s: ${((floor / result.wallMs) * 100).toFixed(0)}% of the wall time), peak RSS ${result.rssMb.toFixed(0)} MB, ${result.reached} reached through Kubernetes`);
		}
		console.log(`  RSS growth 50 → 200 nodes: ${perNode.toFixed(2)} MB per node (target < 1 MB)  ${perNode < 1 ? 'OK' : 'OVER'}`);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
