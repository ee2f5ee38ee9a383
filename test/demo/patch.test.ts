import {test} from 'node:test';
import assert from 'node:assert/strict';
import {jsonPatch, mergePatch, PatchError, strategicMergePatch} from '../../src/demo/patch.js';
import {fieldSelector, labelSelector} from '../../src/demo/selectors.js';

const podSpec = () => ({
	containers: [
		{name: 'app', image: 'nginx:1', env: [{name: 'A', value: '1'}, {name: 'B', value: '2'}], ports: [{containerPort: 80}]},
		{name: 'sidecar', image: 'envoy:1'},
	],
	volumes: [{name: 'data', emptyDir: {}}],
	finalizers: ['a'],
});

test('a merge patch replaces lists whole and deletes with null', () => {
	const result = mergePatch(podSpec(), {containers: [{name: 'app'}], volumes: null}) as any;
	assert.deepEqual(result.containers, [{name: 'app'}]);
	assert.equal('volumes' in result, false);
});

test('a strategic merge patch merges named lists by key and honours $patch', () => {
	const result = strategicMergePatch(podSpec(), {
		containers: [
			{name: 'app', image: 'nginx:2', env: [{name: 'B', $patch: 'delete'}, {name: 'C', value: '3'}], ports: [{containerPort: 80, name: 'http'}]},
			{name: 'sidecar', $patch: 'delete'},
			{name: 'new', image: 'busybox'},
		],
		volumes: [{name: 'data', emptyDir: null, hostPath: {path: '/x'}}],
		finalizers: ['b', 'a'],
		$setElementOrder: {containers: [{name: 'app'}]},
	}) as any;
	assert.deepEqual(result.containers, [
		{name: 'app', image: 'nginx:2', env: [{name: 'A', value: '1'}, {name: 'C', value: '3'}], ports: [{containerPort: 80, name: 'http'}]},
		{name: 'new', image: 'busybox'},
	]);
	assert.deepEqual(result.volumes, [{name: 'data', hostPath: {path: '/x'}}]);
	assert.deepEqual(result.finalizers, ['a', 'b']);
	const replaced = strategicMergePatch({securityContext: {runAsUser: 0, fsGroup: 1}}, {securityContext: {$patch: 'replace', runAsNonRoot: true}});
	assert.deepEqual(replaced, {securityContext: {runAsNonRoot: true}});
});

test('a JSON patch supports every operation and reports a failed test', () => {
	const result = jsonPatch({a: {b: [1, 2]}, c: 'x'}, [
		{op: 'add', path: '/a/b/-', value: 3},
		{op: 'move', from: '/c', path: '/d'},
		{op: 'copy', from: '/d', path: '/e'},
		{op: 'remove', path: '/a/b/0'},
		{op: 'replace', path: '/e', value: 'y'},
	]);
	assert.deepEqual(result, {a: {b: [2, 3]}, d: 'x', e: 'y'});
	assert.throws(() => jsonPatch({a: 1}, [{op: 'test', path: '/a', value: 2}]), PatchError);
	assert.throws(() => jsonPatch({a: 1}, [{op: 'remove', path: '/missing'}]), PatchError);
	assert.throws(() => jsonPatch({a: 1}, {op: 'add'}), (e: PatchError) => e.isMalformed);
});

test('label and field selectors follow the API server grammar', () => {
	const pod = {metadata: {name: 'web-1', namespace: 'shop', labels: {app: 'web', tier: 'front'}}, status: {phase: 'Running'}};
	const matches = (selector: string) => labelSelector(selector)!(pod);
	assert.ok(matches('app=web,tier'));
	assert.ok(matches('app in (api, web),!missing'));
	assert.ok(matches('app notin (api),tier!=back'));
	assert.ok(!matches('app==api'));
	assert.ok(!matches('!tier'));
	assert.ok(fieldSelector('metadata.namespace=shop,status.phase!=Failed')!(pod));
	assert.ok(!fieldSelector('metadata.name=web-2')!(pod));
	assert.throws(() => labelSelector('app in web'));
});
