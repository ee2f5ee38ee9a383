import {test} from 'node:test';
import assert from 'node:assert/strict';
import {collectWorkloads} from '../../src/engine/workloads.js';
import {effectiveSecurityContext} from '../../src/engine/security-context.js';
import {parseImageRef} from '../../src/engine/image-ref.js';
import type {KubeObject} from '../../src/model/kube.js';

const owner = (kind: string, name: string, uid: string) => [{apiVersion: 'apps/v1', kind, name, uid, controller: true}];

test('a CronJob, its Job and its Pod are one workload: the CronJob', () => {
	const objects = [
		{apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: 'report', namespace: 'shop', uid: 'c'}, spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: 'run', image: 'x:1'}]}}}}}},
		{apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'report-1', namespace: 'shop', uid: 'j', ownerReferences: owner('CronJob', 'report', 'c')}, spec: {template: {spec: {containers: [{name: 'run', image: 'x:1'}]}}}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'report-1-abc', namespace: 'shop', uid: 'p', ownerReferences: owner('Job', 'report-1', 'j')}, spec: {containers: [{name: 'run', image: 'x:1'}]}},
	] as unknown as KubeObject[];
	const workloads = collectWorkloads(objects);
	assert.equal(workloads.length, 1);
	assert.equal(workloads[0]!.object.kind, 'CronJob');
	assert.equal(workloads[0]!.containers[0]!.path, 'spec.jobTemplate.spec.template.spec.containers[0]');
});

test('a static pod owned by a Node, and a pod whose owner is not listed, are reported as Pods', () => {
	const objects = [
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'etcd-moc-1', namespace: 'kube-system', ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: 'moc-1', controller: true}]}, spec: {containers: [{name: 'etcd', image: 'e:1'}]}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'op-0', namespace: 'x', ownerReferences: owner('MyOperatorSet', 'op', 'zz')}, spec: {containers: [{name: 'c', image: 'e:1'}], initContainers: [{name: 'i', image: 'e:1'}]}},
	] as unknown as KubeObject[];
	const workloads = collectWorkloads(objects);
	assert.deepEqual(workloads.map((w) => w.object.metadata.name), ['etcd-moc-1', 'op-0']);
	assert.deepEqual(workloads[1]!.containers.map((c) => `${c.list}/${String(c.container['name'])}`), ['containers/c', 'initContainers/i']);
});

test('a ReplicaSet matched by name when the owner reference has no uid', () => {
	const objects = [
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'a'}, spec: {template: {spec: {containers: [{name: 'c', image: 'i:1'}]}}}},
		{apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'web-1', namespace: 'a', ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true}]}, spec: {template: {spec: {containers: [{name: 'c', image: 'i:1'}]}}}},
		{apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'web-1', namespace: 'b', ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true}]}, spec: {template: {spec: {containers: [{name: 'c', image: 'i:1'}]}}}},
	] as unknown as KubeObject[];
	// The owner must be in the same namespace: namespace b has no Deployment "web".
	assert.deepEqual(collectWorkloads(objects).map((w) => `${w.object.kind}/${w.object.metadata.namespace}`), ['Deployment/a', 'ReplicaSet/b']);
});

test('the container securityContext overrides the pod one, field by field', () => {
	const podSpec = {securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: 'RuntimeDefault'}, windowsOptions: {runAsUserName: 'ContainerUser'}, fsGroup: 2000}};
	const container = {securityContext: {runAsUser: 0, windowsOptions: {runAsUserName: 'ContainerAdministrator'}}};
	const effective = effectiveSecurityContext(podSpec, container);
	assert.equal(effective['runAsUser'], 0);
	assert.equal(effective['runAsNonRoot'], true);
	assert.deepEqual(effective['seccompProfile'], {type: 'RuntimeDefault'});
	assert.deepEqual(effective['windowsOptions'], {runAsUserName: 'ContainerAdministrator'});
	assert.equal(effective['fsGroup'], undefined, 'fsGroup is pod-only and does not belong to a container');
});

test('image references follow the runtime: Docker Hub is docker.io, a port is a registry', () => {
	assert.deepEqual(parseImageRef('nginx'), {registry: 'docker.io', repository: 'library/nginx', tag: '', digest: ''});
	assert.deepEqual(parseImageRef('nginx:latest'), {registry: 'docker.io', repository: 'library/nginx', tag: 'latest', digest: ''});
	assert.deepEqual(parseImageRef('bitnami/redis:7'), {registry: 'docker.io', repository: 'bitnami/redis', tag: '7', digest: ''});
	assert.deepEqual(parseImageRef('registry.local:5000/team/app@sha256:abc'), {registry: 'registry.local:5000', repository: 'team/app', tag: '', digest: 'sha256:abc'});
	assert.deepEqual(parseImageRef('mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.9'), {registry: 'mcr.microsoft.com', repository: 'oss/kubernetes/kube-proxy', tag: 'v1.30.9', digest: ''});
	assert.equal(parseImageRef('localhost/app:1').registry, 'localhost');
});
