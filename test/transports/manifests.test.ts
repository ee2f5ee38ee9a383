import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readManifests} from '../../src/transports/manifests.js';
import {UsageError} from '../../src/model/errors.js';

function folder(files: Record<string, string>): string {
	const root = mkdtempSync(join(tmpdir(), 'akh-manifests-'));
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(join(root, name, '..'), {recursive: true});
		writeFileSync(join(root, name), text);
	}
	return root;
}

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  template:
    spec:
      containers: [{name: app, image: "nginx:1"}]
`;

test('multi-document YAML, JSON, kind: List and nested folders, each object with its file and line', () => {
	const root = folder({
		'a.yaml': `# leading comment\n${deployment('one')}---\n${deployment('two')}`,
		'sub/deeper/b.json': JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm'}}, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}}]}, null, 2),
		'README.md': 'not a manifest',
	});
	const {objects, locations} = readManifests([root]);
	assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['Deployment/one', 'Deployment/two', 'ConfigMap/cm', 'Namespace/shop']);
	assert.deepEqual(locations.get(objects[0]!), {file: join(root, 'a.yaml'), line: 2});
	assert.deepEqual(locations.get(objects[1]!), {file: join(root, 'a.yaml'), line: 12});
	assert.equal(locations.get(objects[2]!)!.file, join(root, 'sub/deeper/b.json'));
});

test('a malformed manifest is refused with file and line', () => {
	const root = folder({'bad.yaml': `${deployment('ok')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: [b}\n`});
	assert.throws(() => readManifests([join(root, 'bad.yaml')]), (error: unknown) => {
		assert.ok(error instanceof UsageError);
		assert.ok(error.message.startsWith(`${join(root, 'bad.yaml')}:15: `), error.message);
		return true;
	});
});

test('an object without kind is refused at its line', () => {
	const root = folder({'x.yaml': `${deployment('ok')}---\napiVersion: v1\nmetadata: {name: nokind}\n`});
	assert.throws(() => readManifests([root]), /x\.yaml:11: kind is missing/);
});

test('a path that does not exist is a usage error', () => {
	assert.throws(() => readManifests(['/nonexistent/manifests']), /no such file or folder/);
});
