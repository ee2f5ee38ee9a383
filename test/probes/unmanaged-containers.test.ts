import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseUnmanagedContainers, type UnmanagedContainersFacts} from '../../src/probes/unmanaged-containers.js';
import {marinerContainersClean, marinerContainersRogue} from '../../src/probes/fixtures/mariner-host.js';

function facts(output: string): UnmanagedContainersFacts {
	const parsed = parseUnmanagedContainers(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as UnmanagedContainersFacts;
}

test('every container in a known pod sandbox, only k8s.io', () => {
	const clean = facts(marinerContainersClean);
	assert.deepEqual([clean.containers, clean.pods, clean.unmanaged, clean.namespaces], [3, 3, [], []]);
});

test('a container whose sandbox is no pod, and a stray containerd namespace', () => {
	const rogue = facts(marinerContainersRogue);
	assert.deepEqual(rogue.unmanaged, [{id: 'd64a6f5e0a7b1', name: 'debug-shell', image: 'docker.io/library/busybox:latest', state: 'CONTAINER_RUNNING'}]);
	assert.deepEqual(rogue.namespaces, ['default']);
	assert.deepEqual(rogue.allNamespaces, ['default', 'k8s.io']);
});

test('crictl warnings before the JSON are skipped; moby is not reported', () => {
	const output = marinerContainersClean
		.replace('__AKH_SECTION__ containers\n', '__AKH_SECTION__ containers\nWARN[0000] image connect using default endpoints\n')
		.replace('k8s.io\n', 'k8s.io\nmoby\n');
	assert.deepEqual(facts(output).namespaces, []);
});

test('errors: no crictl, containerd down', () => {
	assert.deepEqual(parseUnmanagedContainers('__AKH_MISSING__ crictl\n__AKH_MISSING__ ctr\n'), {error: 'command not found: crictl and ctr'});
	assert.deepEqual(parseUnmanagedContainers('__AKH_MISSING__ crictl\n__AKH_SECTION__ namespaces\nk8s.io\n'), {error: 'command not found: crictl'});
	const down = parseUnmanagedContainers('__AKH_SECTION__ containers\ntime="2025-06-10T12:00:00Z" level=fatal msg="validate service connection: connect: connection refused"\n__AKH_SECTION__ pods\n\n__AKH_MISSING__ ctr\n');
	assert.ok('error' in down);
	assert.match(down.error, /^crictl ps: time=.*connection refused/);
});
