// The fix writer over client-node, against the in-process API server over real HTTPS: the
// dry-run's `Warning` headers arrive as separate texts, a refusal is a KubeRejection with the
// server's reason, and a server that never answers is bounded by the same deadline as the reads.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {createServer as createTlsServer, type TLSSocket} from 'node:tls';
import {KubeConfig} from '@kubernetes/client-node';
import {startApiServer} from '../../src/demo/api-server.js';
import {demoObjects} from '../../src/demo/cluster.js';
import {createDemoPki} from '../../src/demo/pki.js';
import {kubeconfigYaml} from '../../src/demo/kubeconfig.js';
import {ConnectionError, KubeRejection} from '../../src/model/errors.js';
import {KubernetesWriter, parseWarnings} from '../../src/transports/kubernetes-writer.js';

const closers: Array<() => Promise<unknown>> = [];
after(async () => {
	for (const close of closers) await close();
});

test('Warning headers, joined by the fetch layer, come apart into their texts', () => {
	assert.deepEqual(parseWarnings('299 - "a, b \\"quoted\\"", 299 - "second"'), ['a, b "quoted"', 'second']);
	assert.deepEqual(parseWarnings(undefined), []);
	assert.deepEqual(parseWarnings('not the usual form'), ['not the usual form']);
});

test('a dry-run enforce label returns the Pod Security warnings and changes nothing; a bad patch is a KubeRejection', async () => {
	const server = await startApiServer({objects: demoObjects()});
	closers.push(() => server.close());
	const config = new KubeConfig();
	config.loadFromString(server.kubeconfigYaml());
	const writer = new KubernetesWriter(config, {timeoutMs: 10_000});
	const ref = {apiVersion: 'v1', kind: 'Namespace', name: 'shop'};
	const label = {metadata: {labels: {'pod-security.kubernetes.io/enforce': 'restricted'}}};
	const before = (await writer.get(ref))?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
	assert.notEqual(before, 'restricted');
	const result = await writer.patch(ref, 'merge', label, {dryRun: true});
	assert.ok(result.warnings.length >= 2, `warnings: ${JSON.stringify(result.warnings)}`);
	assert.match(result.warnings[0]!, /existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:/);
	const stored = await writer.get(ref);
	assert.equal(stored?.metadata.labels?.['pod-security.kubernetes.io/enforce'], before, 'a dry-run stores nothing');
	assert.equal(await writer.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'no-such-app'}), undefined);
	await assert.rejects(
		writer.patch({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'no-such-app'}, 'merge', {spec: {}}, {dryRun: true}),
		(error) => error instanceof KubeRejection && error.status === 404,
	);
});

test('an API server that accepts TLS and never answers: the write ends with a ConnectionError at the deadline', async () => {
	const pki = await createDemoPki();
	const sockets = new Set<TLSSocket>();
	const mute = createTlsServer({cert: pki.server.certPem, key: pki.server.keyPem}, (socket) => {
		sockets.add(socket);
		socket.on('error', () => {});
	});
	await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
	closers.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => mute.close(resolve));
	});
	const port = (mute.address() as {port: number}).port;
	const config = new KubeConfig();
	config.loadFromString(kubeconfigYaml({server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, token: 'any'}));
	const writer = new KubernetesWriter(config, {timeoutMs: 1500});
	const started = Date.now();
	await assert.rejects(
		writer.patch({apiVersion: 'v1', kind: 'Namespace', name: 'shop'}, 'merge', {}, {dryRun: true}),
		(error) => error instanceof ConnectionError && /did not answer within 2 s/.test(error.message),
	);
	const seconds = (Date.now() - started) / 1000;
	assert.ok(seconds < 5, `ended after ${seconds} s`);
});
