// The GitOps path: workload playbooks applied to manifest files through the real binary.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Report} from '../../src/model/report.js';
import {runCli} from '../support/cli.js';

const manifest = `# Storefront web tier. Owned by team storefront.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop   # prod namespace
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app          # the nginx front
          image: nginx:1.25.3
          env:
            - name: DB_PASSWORD
              value: hunter2-hunter2
          securityContext:
            privileged: true   # TODO: why?
        - name: sidecar
          image: busybox:1.36
          args: ["sleep", "infinity"]
---
# The Service stays exactly as written.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
`;

const checks = 'isolation.privileged,isolation.privilege-escalation,isolation.seccomp';
let dir: string;
let file: string;

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'akh-fix-manifests-'));
	file = join(dir, 'web.yaml');
	writeFileSync(file, manifest);
});
after(() => rmSync(dir, {recursive: true, force: true}));

async function statuses(): Promise<Map<string, string>> {
	const audit = await runCli(['audit', '--manifests', file, '--checks', checks, '--format', 'json']);
	const report = JSON.parse(audit.stdout) as Report;
	return new Map(report.findings.map((f) => [`${f.checkId} ${'container' in f.target ? f.target.container : ''}`, f.status]));
}

test('without --write the diff is printed and the file is untouched', async () => {
	const result = await runCli(['fix', '--manifests', file, '--checks', checks]);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /^-\s+privileged: true\s+# TODO: why\?$/m);
	assert.match(result.stdout, /^\+\s+privileged: false   # TODO: why\?$/m, 'the line keeps its own spacing');
	assert.match(result.stdout, /pass --write/);
	assert.doesNotMatch(result.stdout, /hunter2/, 'an env literal password never reaches the output');
	assert.equal(readFileSync(file, 'utf8'), manifest);
});

test('--write fixes the workload in place, keeping comments, key order and the other documents', async () => {
	assert.equal((await statuses()).get('isolation.privileged app'), 'fail');
	const result = await runCli(['fix', '--manifests', file, '--write', '--checks', checks]);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, new RegExp(`fixed ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
	const text = readFileSync(file, 'utf8');
	for (const comment of ['# Storefront web tier. Owned by team storefront.', '# prod namespace', '# the nginx front', '# TODO: why?', '# The Service stays exactly as written.']) {
		assert.ok(text.includes(comment), `keeps ${comment}`);
	}
	const keys = (block: string) => [...block.matchAll(/^(\w+):/gm)].map((m) => m[1]);
	assert.deepEqual(keys(text.split('---')[0]!), ['apiVersion', 'kind', 'metadata', 'spec'], 'top-level key order kept');
	assert.ok(text.includes('  namespace: shop   # prod namespace\n'), 'untouched lines keep their own spacing');
	assert.ok(text.includes('          args: ["sleep", "infinity"]\n'), 'flow style kept');
	assert.ok(text.endsWith('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n'), 'the other document is as written');
	assert.ok(text.includes('value: hunter2-hunter2'), 'the file itself keeps its values');
	assert.ok(text.indexOf('image: nginx:1.25.3') < text.indexOf('privileged: false'), 'the container keeps its key order');
	const after = await statuses();
	for (const [key, status] of after) assert.equal(status, 'pass', `${key} passes after the fix`);

	const again = await runCli(['fix', '--manifests', file, '--write', '--checks', checks]);
	assert.match(again.stdout, /nothing to change/);
	assert.equal(readFileSync(file, 'utf8'), text, 'a second run changes nothing');
});

test('a playbook that needs a value says so and the others still apply', async () => {
	const other = join(dir, 'db.yaml');
	writeFileSync(other, 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 0\n      containers:\n        - name: postgres\n          image: postgres:15.4\n');
	const result = await runCli(['fix', '--manifests', other, '--write', '--checks', 'isolation.run-as-root,isolation.privilege-escalation']);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stderr, /isolation.run-as-non-root: needs runAsUser/);
	assert.match(readFileSync(other, 'utf8'), /allowPrivilegeEscalation: false/);
	// A user id of 0 is root again: refused as a value, and nothing is written.
	const asRoot = await runCli(['fix', '--manifests', other, '--write', '--checks', 'isolation.run-as-root', '--set', 'runAsUser=0']);
	assert.equal(asRoot.code, 0, asRoot.stderr);
	assert.match(asRoot.stderr, /needs-parameters: runAsUser must be 1 or more, not 0/);
	assert.doesNotMatch(readFileSync(other, 'utf8'), /runAsNonRoot/);
	const withValue = await runCli(['fix', '--manifests', other, '--write', '--checks', 'isolation.run-as-root', '--set', 'runAsUser=10001']);
	assert.equal(withValue.code, 0, withValue.stderr);
	assert.match(readFileSync(other, 'utf8'), /runAsNonRoot: true\n\s+runAsUser: 10001/);
});
