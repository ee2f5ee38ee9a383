import {test} from 'node:test';
import assert from 'node:assert/strict';
import {compile, fromCel, toCel, type Bindings} from '../../src/engine/cel.js';
import {compileTemplate} from '../../src/engine/template.js';
import {loadCatalog} from '../../src/catalog/load.js';

// Plain field holes are read without CEL; they must read exactly what CEL reads.
const viaCel = (expression: string, bindings: Bindings) => {
	const result = compile(expression)(bindings);
	if (!result.ok) return '?';
	const value = fromCel(result.value);
	return Array.isArray(value) ? value.join(', ') : String(value);
};

test('a field-path hole renders what CEL renders, missing keys and variables included', () => {
	const bindings: Bindings = {
		container: toCel({name: 'app', image: 'nginx:1', port: 8080, empty: null, securityContext: {capabilities: {add: ['NET_ADMIN', 'CHOWN']}}}),
		violations: toCel(['adds NET_ADMIN', 'does not drop ALL']),
		cluster: new Map([['apiserverCert', toCel({notAfter: new Date(0)})]]),
		count: 3n,
	};
	const holes = [
		'container.name', ' container . image ', 'container.port', 'container.empty', 'container.missing', 'container.empty.deeper',
		'container.securityContext.capabilities.add', 'violations', 'cluster.apiserverCert.notAfter', 'count', 'count.field', 'nobody', 'nobody.name',
	];
	for (const hole of holes) assert.equal(compileTemplate(`[{${hole}}]`)(bindings), `[${viaCel(hole, bindings)}]`, hole);
	// Not field paths: still CEL.
	assert.equal(compileTemplate('{size(violations)} {true} {container.name + "!"}')(bindings), '2 true app!');
});

test('every message of the catalogue renders the same through the fast path as through CEL alone', () => {
	// The holes the shipped checks use, against an object that has some fields and lacks others.
	const bindings: Bindings = {
		container: toCel({name: 'app', image: 'contosoacr.azurecr.io/app:1', resources: {limits: {cpu: '1'}}, securityContext: {procMount: 'Unmasked'}}),
		object: toCel({kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'}, roleRef: {kind: 'ClusterRole', name: 'admin'}}),
		namespaceObject: toCel({metadata: {name: 'shop'}}),
		image: toCel({registry: 'contosoacr.azurecr.io', repository: 'app', tag: '1', digest: ''}),
		node: toCel({name: 'moc-1', role: 'worker'}),
		securityContext: toCel({}),
		violations: toCel(['one', 'two']),
	};
	let checked = 0;
	for (const {check} of loadCatalog().checks) {
		for (const text of [check.message, check.passMessage, check.warnMessage]) {
			if (!text) continue;
			for (const [, hole] of text.matchAll(/\{([^}]*)\}/g)) {
				if (!/^[\w.\s]+$/.test(hole!)) continue;
				assert.equal(compileTemplate(`{${hole}}`)(bindings), viaCel(hole!, bindings), `${check.id}: {${hole}}`);
				checked++;
			}
		}
	}
	assert.ok(checked > 50, `${checked} holes compared`);
});
