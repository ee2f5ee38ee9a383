// Issue target: auditing 10,000 pods under 2,000 Deployments takes at most 2x the time the same
// client needs merely to list the same objects, within 500 MB peak RSS.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startApiServer} from '../src/demo/api-server.js';
import {generateBenchCluster} from '../src/demo/cluster.js';
import {median, runNodeChild} from './child.js';

export async function benchClusterAudit(runs = 3): Promise<void> {
	const objects = generateBenchCluster(10_000, 2_000);
	const server = await startApiServer({objects, simulateControllers: false});
	const dir = mkdtempSync(join(tmpdir(), 'akh-bench-'));
	const kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(kubeconfig, server.kubeconfigYaml());
	const bin = new URL('../bin/aks-harden.js', import.meta.url).pathname;
	const listScript = new URL('./list-only.ts', import.meta.url).pathname;
	const lists: number[] = [];
	const audits: number[] = [];
	const rss: number[] = [];
	let counted = '';
	let findings = 0;
	try {
		for (let run = 0; run < runs; run++) {
			const list = await runNodeChild(['--import', 'tsx', listScript, kubeconfig]);
			if (list.code !== 0) throw new Error(`listing failed: ${list.stderr}`);
			counted = list.stdout.trim();
			lists.push(list.wallMs);
			const audit = await runNodeChild([bin, 'audit', '--kubeconfig', kubeconfig, '--no-nodes', '--format', 'json', '--output', join(dir, 'report.json')]);
			if (audit.code !== 0 && audit.code !== 1) throw new Error(`audit failed (${audit.code}): ${audit.stderr}`);
			audits.push(audit.wallMs);
			rss.push(audit.maxRssMb);
			findings = Number(/(\d+) fail/.exec(audit.stderr)?.[1] ?? 0);
		}
	} finally {
		await server.close();
		rmSync(dir, {recursive: true, force: true});
	}
	const listMs = median(lists);
	const auditMs = median(audits);
	const peak = Math.max(...rss);
	const pods = objects.filter((o) => o.kind === 'Pod').length;
	const deployments = objects.filter((o) => o.kind === 'Deployment').length;
	console.log(`cluster audit: ${pods} pods under ${deployments} Deployments (${objects.length} objects; the lists read ${counted} objects), median of ${runs}`);
	console.log(`  list only (same client, same lists):  ${(listMs / 1000).toFixed(2)} s`);
	console.log(`  full audit (gather + evaluate + JSON): ${(auditMs / 1000).toFixed(2)} s   = ${(auditMs / listMs).toFixed(2)}x the listing (target <= 2.0x)  ${auditMs <= 2 * listMs ? 'OK' : 'OVER'}`);
	console.log(`  audit peak RSS: ${peak.toFixed(0)} MB (target <= 500 MB)  ${peak <= 500 ? 'OK' : 'OVER'}; ${findings} failing findings`);
}
