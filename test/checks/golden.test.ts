// Walks every check's golden cases (checks/<section>/<id>.cases.yaml): adding a check never
// means editing this file.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {loadCatalog, loadCases} from '../../src/catalog/load.js';
import {evaluateCluster, evaluateNode} from '../../src/engine/evaluate.js';
import {gatherCluster} from '../../src/engine/gather.js';
import {memorySource} from '../../src/engine/memory-source.js';
import {targetKey} from '../../src/model/target.js';
import type {Finding} from '../../src/model/finding.js';
import type {KubeObject} from '../../src/model/kube.js';
import {recordedNodeFacts} from '../../src/probes/recorded.js';

const catalog = loadCatalog();
const settings = {allowedRegistries: ['mcr.microsoft.com', 'ecpacr.azurecr.io', 'contosoacr.azurecr.io']};

for (const compiled of catalog.checks) {
	const {check} = compiled;
	const casesFile = join(catalog.root, 'checks', check.section, `${check.id}.cases.yaml`);
	test(`${check.id} golden cases`, async (t) => {
		assert.ok(existsSync(casesFile), `${casesFile} is missing: every check ships golden cases`);
		const cases = loadCases(casesFile);
		const seen = new Set<string>();
		for (const golden of cases) {
			await t.test(golden.name, async () => {
				const findings: Finding[] = [];
				if (check.scope === 'node') {
					for (const node of golden.nodes) evaluateNode([compiled], await recordedNodeFacts(node), (f) => findings.push(f));
				} else {
					const source = memorySource(golden.objects as unknown as KubeObject[], {facts: golden.facts});
					const facts = await gatherCluster([compiled], source, () => {});
					evaluateCluster([compiled], facts, {exceptions: catalog.exceptions, settings, catalog: catalog.checks}, (f) => findings.push(f));
				}
				const got = new Map(findings.map((f) => [targetKey(f.target), f]));
				for (const expected of golden.expect) {
					const finding = got.get(expected.target);
					assert.ok(finding, `no finding for ${expected.target}; got ${[...got.keys()].join(', ') || 'none'}`);
					assert.equal(finding.status, expected.status, `${expected.target}: ${finding.message} ${finding.reason ?? ''}`);
					seen.add(expected.status);
				}
			});
		}
		if (!check.manual) {
			assert.ok(seen.has('pass'), `${check.id}: no golden case passes`);
			assert.ok(seen.has('fail') || seen.has('warn') || seen.has('manual'), `${check.id}: no golden case fails`);
		}
	});
}
