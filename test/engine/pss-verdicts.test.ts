import {test} from 'node:test';
import assert from 'node:assert/strict';
import {loadCatalog} from '../../src/catalog/load.js';
import {evaluateCluster} from '../../src/engine/evaluate.js';
import {gatherCluster} from '../../src/engine/gather.js';
import {memorySource} from '../../src/engine/memory-source.js';
import {demoObjects} from '../../src/demo/cluster.js';
import type {Finding} from '../../src/model/finding.js';

// A namespace's PSA summary reuses the PSS checks' verdicts when they ran in the same audit. It
// must say exactly what it says when it judges every pod itself: platform exceptions included
// (PSA knows none), at the namespace's version and at --pss-version.
const catalog = loadCatalog();
const clusterChecks = catalog.checks.filter(({check}) => check.scope !== 'node' && !check.manual);
const summaries = clusterChecks.filter(({check}) => check.needs.includes('pod-security'));

// An operator's exception for every isolation check in a user namespace: the audit accepts the
// findings, PSA would still reject the pods.
const exceptions = {
	...catalog.exceptions,
	exceptions: [...catalog.exceptions.exceptions, {component: 'legacy apps', namespaces: ['legacy', 'shop'], names: [''], checks: ['isolation.*'], requirePlatformImage: false, reason: 'migrating'}],
};

async function audit(checks: typeof clusterChecks, pssVersion?: number): Promise<Finding[]> {
	const findings: Finding[] = [];
	const settings = {allowedRegistries: ['mcr.microsoft.com'], ...(pssVersion ? {pssVersion} : {})};
	const facts = await gatherCluster(checks, memorySource(demoObjects()), () => {});
	evaluateCluster(checks, facts, {exceptions, settings, catalog: catalog.checks}, (finding) => findings.push(finding));
	return findings;
}

for (const pssVersion of [undefined, 24]) {
	test(`the namespace summaries are the same with and without the PSS checks beside them (${pssVersion ? `v1.${pssVersion}` : 'declared versions'})`, async () => {
		const alone = await audit(summaries, pssVersion);
		const together = (await audit(clusterChecks, pssVersion)).filter((finding) => summaries.some(({check}) => check.id === finding.checkId));
		assert.ok(alone.some((finding) => finding.status !== 'pass' && finding.status !== 'accepted'), 'some namespace would reject a workload');
		const all = await audit(clusterChecks, pssVersion);
		assert.ok(all.some((finding) => finding.status === 'accepted' && finding.target.namespace === 'shop' && finding.checkId.startsWith('isolation.')), 'the exception accepts some PSS finding');
		assert.deepEqual(together, alone);
	});
}

test('findings come out in catalogue order though the summaries are judged last', async () => {
	const ids = (await audit(clusterChecks)).map((finding) => finding.checkId);
	const order = clusterChecks.map(({check}) => check.id);
	const positions = ids.map((id) => order.indexOf(id));
	assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
});
