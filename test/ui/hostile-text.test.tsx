// The walkthrough draws names, messages and evidence from the cluster: escape sequences, bells
// and bidi overrides in them are shown escaped, never sent to the terminal.
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, keys} from '../support/render.js';
import {fakeEngine, finding, makeCatalog, sampleChecks, sampleFindings} from './fixtures.js';
import {openSection, renderWalkthrough, startAndFinish} from './harness.js';

afterEach(cleanup);

const hostile = '\u001b]0;pwned\u0007\u001b[2J\u202eevil\r';

test('escape sequences in a finding are shown escaped on the check screen', async () => {
	const catalog = makeCatalog(sampleChecks);
	const findings = sampleFindings();
	const privileged = sampleChecks.find((check) => check.id === 'isolation.privileged')!;
	findings.set('isolation.privileged', [
		finding(privileged, 'fail', {kind: 'Deployment', namespace: 'shop', name: `web${hostile}`, container: 'app'}, {
			message: `container app runs privileged ${hostile}`,
			evidence: {'spec.template.spec.containers[0].image': `nginx${hostile}`},
		}),
	]);
	const ui = await renderWalkthrough({deps: {catalog, startAudit: fakeEngine({catalog, findings}).startAudit}, columns: 120, rows: 30});
	await startAndFinish(ui);
	await openSection(ui, 4, 'Practice isolation');
	await ui.press(keys.enter);
	await ui.waitForText('Evidence · Deployment/shop/web');
	const raw = ui.raw();
	for (const character of ['\u0007', '\u202e', '\r', '\u001b]', '\u001b[2J']) assert.ok(!raw.includes(character), `${JSON.stringify(character)} reached the terminal`);
	assert.match(ui.text(), /web\\x1b\]0;pwned\\x07\\x1b\[2J\\u202eevil\\r/);
	assert.match(ui.text(), /nginx\\x1b\]0;pwned/);
});
