import {ago, object, type Clock, type NodePlacement, type Obj, type Spec} from './builders.js';

/* The names, places and manifest fragments the demo cluster's files share. */

/**
 * One value planted wherever the demo holds a secret (a Secret's data, a private key in a
 * ConfigMap, a literal password in an env var), so a test can prove no output ever carries it.
 */
export const DEMO_SECRET_CANARY = 'AKSH-CANARY-7f3e9b2c';

export const demoNodes = {
	controlPlane: {name: 'moc-l1hj0nllpvs', ip: '10.0.0.4'},
	workers: [
		{name: 'moc-lq2x7c9wd3f', ip: '10.0.0.5'},
		{name: 'moc-lm84tkzv0pa', ip: '10.0.0.6'},
	],
	windows: {name: 'moc-w7n2k4xq1b', ip: '10.0.0.7'},
} as const;


export const k8sVersion = 'v1.30.9';
export const mcr = 'mcr.microsoft.com';
export const registry = 'contosoacr.azurecr.io';
export const cp = demoNodes.controlPlane;
export const linuxNodes: readonly NodePlacement[] = [cp, ...demoNodes.workers];
export const workers: readonly NodePlacement[] = demoNodes.workers;

export const hostPath = (name: string, path: string, type = 'DirectoryOrCreate'): Spec => ({name, hostPath: {path, type}});
export const mount = (name: string, mountPath: string, readOnly = false): Spec => ({name, mountPath, ...(readOnly ? {readOnly} : {})});
export const systemNodeCritical = {priorityClassName: 'system-node-critical', priority: 2000001000};
export const systemClusterCritical = {priorityClassName: 'system-cluster-critical', priority: 2000000000};
export const tolerateAll = [{operator: 'Exists'}];
export const controlPlaneOnly = {
	nodeSelector: {'node-role.kubernetes.io/control-plane': ''},
	tolerations: [{key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule'}],
};
export const linuxOnly = {'kubernetes.io/os': 'linux'};
export const requests = (cpu: string, memory: string): Spec => ({requests: {cpu, memory}});
export const bounded = (cpu: string, memory: string, limitCpu = cpu, limitMemory = memory): Spec => ({requests: {cpu, memory}, limits: {cpu: limitCpu, memory: limitMemory}});
export const probe = (path: string, port: number, scheme = 'HTTPS'): Spec => ({
	httpGet: {host: '127.0.0.1', path, port, scheme},
	initialDelaySeconds: 10,
	periodSeconds: 10,
	timeoutSeconds: 15,
	failureThreshold: 8,
});

/** A ClusterIP Service, as `kubectl expose` would make it. */
export function service(clock: Clock, namespace: string, name: string, selector: Record<string, string> | undefined, ports: Spec[], clusterIP: string, labels?: Record<string, string>): Obj {
	return object('v1', 'Service', {name, namespace, ...(labels ? {labels} : {}), creationTimestamp: ago(clock, 30)}, {
		spec: {
			type: 'ClusterIP',
			clusterIP,
			clusterIPs: [clusterIP],
			ports: ports.map((p) => ({protocol: 'TCP', ...p})),
			...(selector ? {selector} : {}),
			sessionAffinity: 'None',
			ipFamilies: ['IPv4'],
			ipFamilyPolicy: 'SingleStack',
		},
		status: {loadBalancer: {}},
	});
}

/** The most recent daily run at `hour` UTC before now. */
export function dailyAt(clock: Clock, hour: number): string {
	const d = new Date(clock.now);
	d.setUTCHours(hour, 0, 0, 0);
	if (d.getTime() > clock.now) d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function b64(text: string): string {
	return Buffer.from(text).toString('base64');
}
