import {ago, container, crashLooping, cronJob, daemonSet, deployment, digestOf, object, replicationController, statefulSet, withEphemeralContainer, withRestarts, type Clock, type Obj} from './builders.js';
import {b64, bounded, DEMO_SECRET_CANARY, demoNodes, hostPath, linuxOnly, mcr, mount, registry, requests, service, workers, dailyAt} from './cluster-parts.js';
import {suffix} from './rollout.js';

/** The user namespaces, each with the problems an audit of a real team's cluster turns up. */
export function userObjects(clock: Clock): Obj[] {
	return [...shop(clock), ...payments(clock), ...legacy(clock)];
}

function shop(clock: Clock): Obj[] {
	const ns = 'shop';
	const apiImage = `${registry}/shop/api@${digestOf('shop/api:3.8.1')}`;
	return [
		...deployment({
			namespace: ns,
			name: 'web',
			created: ago(clock, 29),
			replicas: 2,
			nodes: workers,
			podTweaks: [withRestarts(3)],
			spec: {
				containers: [
					container({
						name: 'app',
						image: 'nginx:latest',
						ports: [{containerPort: 80, protocol: 'TCP'}],
						env: [
							{name: 'DB_HOST', value: 'db.shop.svc.cluster.local'},
							{name: 'DB_USER', value: 'shop'},
							{name: 'DB_PASSWORD', value: DEMO_SECRET_CANARY},
						],
						securityContext: {privileged: true},
					}),
				],
			},
		}),
		...deployment({
			namespace: ns,
			name: 'api',
			created: ago(clock, 29),
			replicas: 3,
			nodes: workers,
			spec: {
				serviceAccountName: 'shop-api',
				automountServiceAccountToken: false,
				securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: {type: 'RuntimeDefault'}},
				imagePullSecrets: [{name: 'contosoacr-pull'}],
				containers: [
					container({
						name: 'api',
						image: apiImage,
						ports: [{name: 'http', containerPort: 8080, protocol: 'TCP'}],
						env: [
							{name: 'DB_HOST', value: 'db.shop.svc.cluster.local'},
							{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'db-credentials', key: 'password'}}},
						],
						resources: bounded('250m', '256Mi', '500m', '512Mi'),
						securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ['ALL']}},
						readinessProbe: {httpGet: {path: '/healthz', port: 8080}, periodSeconds: 10},
						livenessProbe: {httpGet: {path: '/healthz', port: 8080}, periodSeconds: 20},
					}),
				],
			},
		}),
		...statefulSet({
			namespace: ns,
			name: 'db',
			serviceName: 'db',
			created: ago(clock, 29),
			nodes: [workers[0]!],
			spec: {
				securityContext: {runAsUser: 0},
				containers: [
					container({
						name: 'postgres',
						image: 'postgres:15.4',
						ports: [{containerPort: 5432, name: 'postgres', protocol: 'TCP'}],
						env: [
							{name: 'POSTGRES_USER', value: 'shop'},
							{name: 'POSTGRES_PASSWORD', valueFrom: {secretKeyRef: {name: 'db-credentials', key: 'password'}}},
							{name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata'},
						],
						resources: requests('500m', '1Gi'),
						volumeMounts: [mount('data', '/var/lib/postgresql/data')],
					}),
				],
				volumes: [hostPath('data', '/mnt/data/postgres')],
			},
		}),
		...cronJob({
			namespace: ns,
			name: 'report',
			schedule: '0 2 * * *',
			created: ago(clock, 21),
			lastRun: dailyAt(clock, 2),
			nodes: [workers[1]!],
			spec: {
				securityContext: {runAsNonRoot: true, runAsUser: 10002},
				containers: [
					container({
						name: 'report',
						image: `${registry}/shop/report:1.4.2`,
						args: ['--since=24h', '--out=s3://reports/daily'],
						resources: bounded('100m', '128Mi', '500m', '256Mi'),
						securityContext: {allowPrivilegeEscalation: false},
					}),
				],
			},
		}),
		service(clock, ns, 'web', {app: 'web'}, [{name: 'http', port: 80, targetPort: 80}], '10.101.23.17'),
		service(clock, ns, 'api', {app: 'api'}, [{name: 'http', port: 8080, targetPort: 'http'}], '10.101.23.44'),
		service(clock, ns, 'db', {app: 'db'}, [{name: 'postgres', port: 5432, targetPort: 5432}], 'None'),
		object('v1', 'Secret', {name: 'db-credentials', namespace: ns, creationTimestamp: ago(clock, 29)}, {
			type: 'Opaque',
			data: {username: b64('shop'), password: b64(DEMO_SECRET_CANARY)},
		}),
		object('v1', 'Secret', {name: 'contosoacr-pull', namespace: ns, creationTimestamp: ago(clock, 29)}, {
			type: 'kubernetes.io/dockerconfigjson',
			data: {'.dockerconfigjson': b64(JSON.stringify({auths: {[registry]: {auth: b64(`puller:${DEMO_SECRET_CANARY}`)}}}))},
		}),
		object('networking.k8s.io/v1', 'NetworkPolicy', {name: 'default-deny', namespace: ns, creationTimestamp: ago(clock, 28)}, {
			spec: {podSelector: {}, policyTypes: ['Ingress', 'Egress']},
		}),
		object('v1', 'LimitRange', {name: 'default-limits', namespace: ns, creationTimestamp: ago(clock, 28)}, {
			spec: {
				limits: [
					{
						type: 'Container',
						default: {cpu: '500m', memory: '512Mi'},
						defaultRequest: {cpu: '100m', memory: '128Mi'},
						max: {cpu: '2', memory: '4Gi'},
					},
				],
			},
		}),
		object('v1', 'ResourceQuota', {name: 'compute-quota', namespace: ns, creationTimestamp: ago(clock, 28)}, {
			spec: {hard: {'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.cpu': '16', 'limits.memory': '32Gi', pods: '50'}},
			status: {
				hard: {'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.cpu': '16', 'limits.memory': '32Gi', pods: '50'},
				used: {'requests.cpu': '1250m', 'requests.memory': '1792Mi', 'limits.cpu': '2', 'limits.memory': '1792Mi', pods: '7'},
			},
		}),
	];
}

function payments(clock: Clock): Obj[] {
	const ns = 'payments';
	return [
		...daemonSet({
			namespace: ns,
			name: 'edge-proxy',
			created: ago(clock, 25),
			nodes: workers,
			spec: {
				hostNetwork: true,
				nodeSelector: linuxOnly,
				containers: [
					container({
						name: 'envoy',
						image: `${registry}/payments/edge-proxy:2.1.0`,
						ports: [{name: 'https', containerPort: 8443, hostPort: 8443, protocol: 'TCP'}],
						securityContext: {capabilities: {add: ['NET_ADMIN']}},
						resources: requests('200m', '256Mi'),
					}),
				],
			},
		}),
		...deployment({
			namespace: ns,
			name: 'legacy-iis',
			created: ago(clock, 24),
			nodes: [demoNodes.windows],
			spec: {
				nodeSelector: {'kubernetes.io/os': 'windows'},
				tolerations: [{key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule'}],
				securityContext: {windowsOptions: {runAsUserName: 'ContainerAdministrator'}},
				containers: [
					container({
						name: 'iis',
						image: `${mcr}/windows/servercore/iis:windowsservercore-ltsc2022`,
						ports: [{containerPort: 80, protocol: 'TCP'}],
					}),
				],
			},
		}),
		...deployment({
			namespace: ns,
			name: 'checkout',
			created: ago(clock, 24),
			replicas: 2,
			nodes: workers,
			podTweaks: [withEphemeralContainer('debugger-8xk2p', 'busybox:1.36', 'checkout', clock)],
			spec: {
				serviceAccountName: 'checkout',
				automountServiceAccountToken: false,
				securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: 'RuntimeDefault'}},
				containers: [
					container({
						name: 'checkout',
						image: `${registry}/payments/checkout@${digestOf('payments/checkout:5.2.0')}`,
						ports: [{name: 'http', containerPort: 8080, protocol: 'TCP'}],
						resources: bounded('200m', '256Mi', '500m', '512Mi'),
						securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ['ALL']}},
					}),
				],
			},
		}),
		service(clock, ns, 'checkout', {app: 'checkout'}, [{name: 'http', port: 80, targetPort: 'http'}], '10.102.8.90'),
	];
}

function legacy(clock: Clock): Obj[] {
	const ns = 'legacy';
	const crashingPod = `legacy-worker-${suffix('legacy-worker/1')}`;
	const pem = ['-----BEGIN RSA PRIVATE KEY-----', DEMO_SECRET_CANARY, 'MIIEowIBAAKCAQEAu3demoKeyMaterialOnlyNotARealKeyPleaseIgnore0000000', '-----END RSA PRIVATE KEY-----', ''].join('\n');
	return [
		...replicationController({
			namespace: ns,
			name: 'legacy-worker',
			created: ago(clock, 35),
			replicas: 2,
			nodes: workers,
			podTweaks: [() => undefined, crashLooping(14, clock)],
			spec: {
				containers: [
					container({
						name: 'worker',
						image: 'quay.io/contoso/legacy-worker:0.9.3',
						env: [{name: 'API_KEY', valueFrom: {secretKeyRef: {name: 'legacy-api-key', key: 'api-key'}}}],
						volumeMounts: [mount('tls', '/etc/legacy/tls', true)],
					}),
				],
				volumes: [{name: 'tls', configMap: {name: 'legacy-config', defaultMode: 420}}],
			},
		}),
		object('v1', 'ConfigMap', {name: 'legacy-config', namespace: ns, creationTimestamp: ago(clock, 35)}, {
			data: {'app.properties': 'endpoint=https://legacy.contoso.local\nretries=5\n', 'tls.key': pem},
		}),
		object('v1', 'Secret', {name: 'legacy-api-key', namespace: ns, creationTimestamp: ago(clock, 35)}, {
			type: 'Opaque',
			data: {'api-key': b64(DEMO_SECRET_CANARY)},
		}),
		object('v1', 'Event', {name: 'legacy-worker-crash.17f3a9c2b1d4e5f6', namespace: ns, creationTimestamp: ago(clock, 2)}, {
			involvedObject: {kind: 'Pod', namespace: ns, name: crashingPod, apiVersion: 'v1', fieldPath: 'spec.containers{worker}'},
			reason: 'BackOff',
			message: `Back-off restarting failed container worker in pod ${crashingPod}_${ns}`,
			type: 'Warning',
			count: 212,
			firstTimestamp: ago(clock, 2),
			lastTimestamp: ago(clock, 0, 0.05),
			source: {component: 'kubelet', host: workers[1]!.name},
		}),
	];
}

