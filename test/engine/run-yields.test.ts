// The audit shares its thread with the walkthrough: while it evaluates, other work (a key press,
// a frame) must get turns, and stepping aside must not change a single finding.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {loadCatalog} from '../../src/catalog/load.js';
import {auditSettings} from '../../src/commands/settings.js';
import {generateBenchCluster} from '../../src/demo/cluster.js';
import {evaluateCluster} from '../../src/engine/evaluate.js';
import {gatherCluster} from '../../src/engine/gather.js';
import {memorySource} from '../../src/engine/memory-source.js';
import {runAudit} from '../../src/engine/run.js';
import type {Finding} from '../../src/model/finding.js';

test('cluster evaluation lets other work run between targets, with the same findings as in one go', async () => {
	const catalog = loadCatalog();
	const checks = catalog.checks.filter(({check}) => check.scope !== 'node');
	const settings = auditSettings({waivers: []}, catalog.exceptions);
	const objects = generateBenchCluster(1_500, 300);

	// A turn of the event loop is counted every time it comes round. Findings of namespace summaries
	// are made after the checks they reuse and all come out in catalogue order at the end, so what
	// shows the stepping aside is how often the loop came round while the run went on.
	let turns = 0;
	let isRunning = true;
	const tick = () => {
		turns++;
		if (isRunning) setImmediate(tick);
	};
	setImmediate(tick);
	const seenAt: number[] = [];
	const result = await runAudit({catalog, checks, settings, cluster: memorySource(objects), version: 'test', onEvent: (event) => event.type === 'finding' && seenAt.push(turns)});
	isRunning = false;

	assert.ok(seenAt.length > 1000, `a large cluster: ${seenAt.length} findings`);
	// Gathering from memory takes no turn of its own; evaluating in one go would take none either.
	assert.ok(seenAt[0]! > 20, `other work ran ${seenAt[0]} times while ${seenAt.length} findings were made`);

	const facts = await gatherCluster(checks, memorySource(objects), () => {});
	const inOneGo: Finding[] = [];
	evaluateCluster(checks, facts, {exceptions: catalog.exceptions, settings, catalog: catalog.checks}, (finding) => inOneGo.push(finding));
	const key = (finding: Finding) => JSON.stringify([finding.checkId, finding.target, finding.status, finding.message]);
	assert.deepEqual(result.report.findings.map(key).sort(), inOneGo.map(key).sort());
});
