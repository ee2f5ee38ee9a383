// Cluster facts that are not objects (/readyz, /version) come through client-node's pipeline like
// every other call, against the in-process API server over real HTTPS: a failing readyz (HTTP 500)
// is the fact itself, not an error.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {KubeConfig} from '@kubernetes/client-node';
import {startApiServer} from '../../src/demo/api-server.js';
import {KubernetesSource} from '../../src/transports/kubernetes.js';

test('readyz (ok and failing) and the server version are read as facts', async () => {
	const failing = await startApiServer({readyz: '[+]ping ok\n[-]kms-providers failed: reason withheld\nreadyz check failed\n'});
	try {
		const config = new KubeConfig();
		config.loadFromString(failing.kubeconfigYaml());
		const source = new KubernetesSource(config, 'cluster', {timeoutMs: 10_000});
		const readyz = await source.fact('readyz');
		assert.equal(readyz.error, undefined);
		assert.match(String(readyz.value), /^\[-\]kms-providers failed: reason withheld$/m);
		const version = await source.fact('server-version');
		assert.equal(version.error, undefined);
		assert.match((version.value as {gitVersion?: string}).gitVersion ?? '', /^v1\.\d+/);
	} finally {
		await failing.close();
	}
});
