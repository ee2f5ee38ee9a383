// The walkthrough's decisions written into .aks-harden.yaml: the operator's file stays theirs
// (comments, registries, untouched entries), and what is written reads back through the same
// strict reader the headless audit uses.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {saveDecisionsFile} from '../../src/commands/decisions-file.js';
import {readSettingsFile} from '../../src/commands/settings.js';
import type {Decisions} from '../../src/engine/decisions.js';

const original = `# Security settings for the shop cluster. Reviewed in pull requests.
registries:
  allowed: [contosoacr.azurecr.io] # our ACR

waivers:
  # Break-glass group, reviewed quarterly.
  - check: isolation.cluster-admin-bindings
    target: "ops-team-admin"
    justification: Break-glass group, reviewed quarterly
    approver: jane.doe@contoso.com
    expires: 2027-06-30   # end of the contract
  - check: host.sshd-config
    target: moc-l*
    justification: vendor needs password login
    approver: platform-lead@contoso.com
    expires: 2027-01-31
`;

function inTemp(fn: (file: string) => void): void {
	const dir = mkdtempSync(join(tmpdir(), 'aks-harden-decisions-'));
	try {
		fn(join(dir, '.aks-harden.yaml'));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

test('decisions are written into the file: comments and untouched entries kept, changes in place, removals gone', () => {
	inTemp((file) => {
		writeFileSync(file, original);
		const read = readSettingsFile(file);
		const decisions: Decisions = {
			// The first waiver untouched, the second removed, a new one from the walkthrough.
			waivers: [read.waivers[0]!, {check: 'isolation.privileged', target: 'Deployment/shop/web:app', justification: 'vendor agent', approver: 'alice', expires: '2027-03-01', at: '2026-12-04T10:00:00.000Z'}],
			attestations: [{check: 'images.ci-scanning', target: '*', answer: 'no', note: 'not yet', by: 'alice', at: '2026-12-04T10:01:00.000Z'}],
			notes: {'isolation.privileged': 'ask the vendor'},
		};
		saveDecisionsFile(file, decisions);
		const text = readFileSync(file, 'utf8');
		assert.match(text, /^# Security settings for the shop cluster\. Reviewed in pull requests\.\n/);
		assert.match(text, /# our ACR/);
		assert.match(text, /# Break-glass group, reviewed quarterly\.\n/);
		assert.match(text, /# end of the contract/);
		assert.doesNotMatch(text, /host\.sshd-config/);
		assert.match(text, /answer: "no"/, 'quoted, so a YAML 1.1 reader does not see a boolean');
		const back = readSettingsFile(file);
		assert.deepEqual(back.registries, {allowed: ['contosoacr.azurecr.io']});
		assert.deepEqual(back.waivers, decisions.waivers);
		assert.deepEqual(back.attestations, decisions.attestations);
		assert.deepEqual(back.notes, decisions.notes);

		// A changed answer replaces the entry where it stood; nothing else moves.
		const before = readFileSync(file, 'utf8');
		saveDecisionsFile(file, {...decisions, attestations: [{...decisions.attestations[0]!, answer: 'yes', note: 'Trivy now runs', at: '2026-12-04T11:00:00.000Z'}]});
		const after = readFileSync(file, 'utf8');
		assert.equal(readSettingsFile(file).attestations[0]!.answer, 'yes');
		assert.equal(after.slice(0, after.indexOf('attestations:')), before.slice(0, before.indexOf('attestations:')), 'the waivers part is byte for byte the same');
	});
});

test('with no file yet one is created; a file that is not YAML is refused and left as it was', () => {
	inTemp((file) => {
		saveDecisionsFile(file, {waivers: [], attestations: [{check: 'images.ci-scanning', target: '*', answer: 'n/a', note: '', by: 'alice', at: '2026-12-04T10:01:00.000Z'}], notes: {}});
		assert.equal(readSettingsFile(file).attestations.length, 1);
		writeFileSync(file, 'waivers: [unclosed\n');
		assert.throws(() => saveDecisionsFile(file, {waivers: [], attestations: [], notes: {a: 'b'}}), /does not parse as YAML/);
		assert.equal(readFileSync(file, 'utf8'), 'waivers: [unclosed\n');
	});
});
