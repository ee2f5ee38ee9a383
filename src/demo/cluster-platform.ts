import {ago, container, daemonSet, deployment, object, staticPod, type Clock, type Obj, type Spec} from './builders.js';
import {b64, bounded, controlPlaneOnly, cp, demoNodes, hostPath, k8sVersion, linuxNodes, linuxOnly, mcr, mount, probe, requests, service, systemClusterCritical, systemNodeCritical, tolerateAll, workers} from './cluster-parts.js';

/** Everything AKS hybrid runs on a workload cluster before any user deploys to it. */
export function platformObjects(clock: Clock): Obj[] {
	return [...controlPlane(clock), ...systemWorkloads(clock), ...calico(clock), ...azureArc(clock), ...monitoring(clock), ...clusterConfig(clock)];
}

function controlPlane(clock: Clock): Obj[] {
	const created = ago(clock, 3, 2);
	const pki = [hostPath('k8s-certs', '/etc/kubernetes/pki'), hostPath('ca-certs', '/etc/ssl/certs'), hostPath('etc-pki', '/etc/pki')];
	const pkiMounts = [mount('k8s-certs', '/etc/kubernetes/pki', true), mount('ca-certs', '/etc/ssl/certs', true), mount('etc-pki', '/etc/pki', true)];
	const staticSpec = (c: Spec, volumes: Spec[]): Spec => ({
		hostNetwork: true,
		dnsPolicy: 'ClusterFirst',
		restartPolicy: 'Always',
		...systemNodeCritical,
		securityContext: {seccompProfile: {type: 'RuntimeDefault'}},
		tolerations: [{operator: 'Exists', effect: 'NoExecute'}],
		containers: [c],
		volumes,
	});
	const apiserver = [
		'kube-apiserver',
		`--advertise-address=${cp.ip}`,
		'--allow-privileged=true',
		'--audit-log-maxage=7',
		'--audit-log-maxbackup=10',
		'--audit-log-maxsize=100',
		'--audit-log-path=/var/log/kube-apiserver/audit.log',
		'--audit-policy-file=/etc/kubernetes/audit-policy.yaml',
		'--authorization-mode=Node,RBAC',
		'--client-ca-file=/etc/kubernetes/pki/ca.crt',
		'--enable-admission-plugins=NodeRestriction',
		'--enable-bootstrap-token-auth=true',
		'--encryption-provider-config=/etc/kubernetes/encryption-provider-config.yaml',
		'--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
		'--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
		'--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
		'--etcd-servers=https://127.0.0.1:2379',
		'--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
		'--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
		'--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
		'--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
		'--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
		'--requestheader-allowed-names=front-proxy-client',
		'--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
		'--requestheader-extra-headers-prefix=X-Remote-Extra-',
		'--requestheader-group-headers=X-Remote-Group',
		'--requestheader-username-headers=X-Remote-User',
		'--secure-port=6443',
		'--service-account-issuer=https://kubernetes.default.svc.cluster.local',
		'--service-account-key-file=/etc/kubernetes/pki/sa.pub',
		'--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
		'--service-cluster-ip-range=10.96.0.0/12',
		'--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
		'--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
	];
	return [
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'etcd',
			component: 'etcd',
			created,
			spec: staticSpec(
				container({
					name: 'etcd',
					image: `${mcr}/oss/etcd-io/etcd:v3.5.16`,
					command: [
						'etcd',
						`--advertise-client-urls=https://${cp.ip}:2379`,
						'--cert-file=/etc/kubernetes/pki/etcd/server.crt',
						'--client-cert-auth=true',
						'--data-dir=/var/lib/etcd',
						`--initial-advertise-peer-urls=https://${cp.ip}:2380`,
						`--initial-cluster=${cp.name}=https://${cp.ip}:2380`,
						'--key-file=/etc/kubernetes/pki/etcd/server.key',
						`--listen-client-urls=https://127.0.0.1:2379,https://${cp.ip}:2379`,
						'--listen-metrics-urls=http://127.0.0.1:2381',
						`--listen-peer-urls=https://${cp.ip}:2380`,
						`--name=${cp.name}`,
						'--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
						'--peer-client-cert-auth=true',
						'--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
						'--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
						'--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
					],
					resources: requests('100m', '100Mi'),
					livenessProbe: probe('/livez', 2381, 'HTTP'),
					volumeMounts: [mount('etcd-data', '/var/lib/etcd'), mount('etcd-certs', '/etc/kubernetes/pki/etcd')],
				}),
				[hostPath('etcd-certs', '/etc/kubernetes/pki/etcd'), hostPath('etcd-data', '/var/lib/etcd')],
			),
		}),
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'kube-apiserver',
			component: 'kube-apiserver',
			created,
			spec: staticSpec(
				container({
					name: 'kube-apiserver',
					image: `${mcr}/oss/kubernetes/kube-apiserver:${k8sVersion}`,
					command: apiserver,
					resources: requests('250m', '256Mi'),
					livenessProbe: probe('/livez', 6443),
					readinessProbe: probe('/readyz', 6443),
					volumeMounts: [
						...pkiMounts,
						mount('audit-log', '/var/log/kube-apiserver'),
						mount('audit-policy', '/etc/kubernetes/audit-policy.yaml', true),
						mount('encryption-config', '/etc/kubernetes/encryption-provider-config.yaml', true),
						mount('kms-socket', '/var/run/kmsplugin'),
					],
				}),
				[
					...pki,
					hostPath('audit-log', '/var/log/kube-apiserver'),
					hostPath('audit-policy', '/etc/kubernetes/audit-policy.yaml', 'File'),
					hostPath('encryption-config', '/etc/kubernetes/encryption-provider-config.yaml', 'File'),
					hostPath('kms-socket', '/var/run/kmsplugin'),
				],
			),
		}),
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'kube-controller-manager',
			component: 'kube-controller-manager',
			created,
			spec: staticSpec(
				container({
					name: 'kube-controller-manager',
					image: `${mcr}/oss/kubernetes/kube-controller-manager:${k8sVersion}`,
					command: [
						'kube-controller-manager',
						'--allocate-node-cidrs=true',
						'--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
						'--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
						'--bind-address=127.0.0.1',
						'--client-ca-file=/etc/kubernetes/pki/ca.crt',
						'--cluster-cidr=10.244.0.0/16',
						'--cluster-name=aks-hybrid-demo',
						'--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
						'--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
						'--controllers=*,bootstrapsigner,tokencleaner',
						'--kubeconfig=/etc/kubernetes/controller-manager.conf',
						'--leader-elect=true',
						'--root-ca-file=/etc/kubernetes/pki/ca.crt',
						'--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
						'--use-service-account-credentials=true',
					],
					resources: requests('200m', '128Mi'),
					livenessProbe: probe('/healthz', 10257),
					volumeMounts: [...pkiMounts, mount('kubeconfig', '/etc/kubernetes/controller-manager.conf', true)],
				}),
				[...pki, hostPath('kubeconfig', '/etc/kubernetes/controller-manager.conf', 'FileOrCreate')],
			),
		}),
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'kube-scheduler',
			component: 'kube-scheduler',
			created,
			spec: staticSpec(
				container({
					name: 'kube-scheduler',
					image: `${mcr}/oss/kubernetes/kube-scheduler:${k8sVersion}`,
					command: [
						'kube-scheduler',
						'--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
						'--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
						'--bind-address=127.0.0.1',
						'--kubeconfig=/etc/kubernetes/scheduler.conf',
						'--leader-elect=true',
					],
					resources: requests('100m', '64Mi'),
					livenessProbe: probe('/healthz', 10259),
					volumeMounts: [mount('kubeconfig', '/etc/kubernetes/scheduler.conf', true)],
				}),
				[hostPath('kubeconfig', '/etc/kubernetes/scheduler.conf', 'FileOrCreate')],
			),
		}),
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'kms-plugin',
			component: 'kms-plugin',
			created,
			spec: staticSpec(
				container({
					name: 'kms-plugin',
					image: `${mcr}/aks/hci/kms-plugin:v0.3.12`,
					command: ['/kms-plugin', '--listen=/var/run/kmsplugin/kms.sock', '--config=/opt/wssd/k8s/cloudlogin.yaml', '--metrics-address=:2112'],
					ports: [{name: 'metrics', containerPort: 2112, hostPort: 2112, protocol: 'TCP'}],
					resources: requests('50m', '64Mi'),
					volumeMounts: [mount('kms-socket', '/var/run/kmsplugin'), mount('wssd-token', '/opt/wssd/k8s', true)],
				}),
				[hostPath('kms-socket', '/var/run/kmsplugin'), hostPath('wssd-token', '/opt/wssd/k8s')],
			),
		}),
		staticPod({
			node: cp,
			namespace: 'kube-system',
			name: 'kube-vip',
			component: 'kube-vip',
			created,
			spec: {
				...staticSpec(
					container({
						name: 'kube-vip',
						image: `${mcr}/oss/kube-vip/kube-vip:v0.8.4`,
						args: ['manager'],
						env: [
							{name: 'vip_arp', value: 'true'},
							{name: 'port', value: '6443'},
							{name: 'vip_interface', value: 'eth0'},
							{name: 'cp_enable', value: 'true'},
							{name: 'vip_leaderelection', value: 'true'},
							{name: 'address', value: '10.0.0.100'},
						],
						securityContext: {capabilities: {add: ['NET_ADMIN', 'NET_RAW']}},
						volumeMounts: [mount('kubeconfig', '/etc/kubernetes/admin.conf')],
					}),
					[hostPath('kubeconfig', '/etc/kubernetes/admin.conf', 'FileOrCreate')],
				),
				securityContext: {},
			},
		}),
	];
}

function systemWorkloads(clock: Clock): Obj[] {
	const created = ago(clock, 41);
	return [
		...daemonSet({
			namespace: 'kube-system',
			name: 'kube-proxy',
			labels: {'k8s-app': 'kube-proxy'},
			podLabels: {'k8s-app': 'kube-proxy'},
			created,
			nodes: linuxNodes,
			spec: {
				...systemNodeCritical,
				hostNetwork: true,
				serviceAccountName: 'kube-proxy',
				nodeSelector: linuxOnly,
				tolerations: tolerateAll,
				containers: [
					container({
						name: 'kube-proxy',
						image: `${mcr}/oss/kubernetes/kube-proxy:${k8sVersion}`,
						command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
						env: [{name: 'NODE_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}}],
						securityContext: {privileged: true},
						volumeMounts: [mount('kube-proxy', '/var/lib/kube-proxy'), mount('xtables-lock', '/run/xtables.lock'), mount('lib-modules', '/lib/modules', true)],
					}),
				],
				volumes: [
					{name: 'kube-proxy', configMap: {name: 'kube-proxy', defaultMode: 420}},
					hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
					hostPath('lib-modules', '/lib/modules', ''),
				],
			},
		}),
		...daemonSet({
			namespace: 'kube-system',
			name: 'csi-akshcicsi-node',
			labels: {app: 'csi-akshcicsi-node'},
			created,
			nodes: linuxNodes,
			spec: {
				...systemNodeCritical,
				hostNetwork: true,
				serviceAccountName: 'csi-akshcicsi-node',
				nodeSelector: linuxOnly,
				tolerations: tolerateAll,
				containers: [
					container({
						name: 'node-driver-registrar',
						image: `${mcr}/oss/kubernetes-csi/csi-node-driver-registrar:v2.10.1`,
						args: ['--csi-address=/csi/csi.sock', '--kubelet-registration-path=/var/lib/kubelet/plugins/disk.csi.akshci.com/csi.sock'],
						resources: bounded('10m', '20Mi', '100m', '100Mi'),
						volumeMounts: [mount('socket-dir', '/csi'), mount('registration-dir', '/registration')],
					}),
					container({
						name: 'akshcicsi',
						image: `${mcr}/aks/hci/csi-akshcicsi:v1.4.2`,
						args: ['--endpoint=unix:///csi/csi.sock', '--nodeid=$(KUBE_NODE_NAME)'],
						env: [{name: 'KUBE_NODE_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}}],
						securityContext: {privileged: true},
						resources: bounded('10m', '20Mi', '200m', '200Mi'),
						volumeMounts: [
							mount('socket-dir', '/csi'),
							{name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional'},
							mount('device-dir', '/dev'),
						],
					}),
				],
				volumes: [
					hostPath('socket-dir', '/var/lib/kubelet/plugins/disk.csi.akshci.com'),
					hostPath('registration-dir', '/var/lib/kubelet/plugins_registry', 'Directory'),
					hostPath('kubelet-dir', '/var/lib/kubelet', 'Directory'),
					hostPath('device-dir', '/dev', 'Directory'),
				],
			},
		}),
		...daemonSet({
			namespace: 'kube-system',
			name: 'certificate-renewal-worker',
			labels: {app: 'certificate-renewal-worker'},
			created,
			nodes: workers,
			spec: {
				...systemNodeCritical,
				serviceAccountName: 'certificate-renewal',
				nodeSelector: linuxOnly,
				containers: [
					container({
						name: 'certificate-renewal-worker',
						image: `${mcr}/aks/hci/certificate-renewal:v1.2.5`,
						args: ['worker', '--pki-dir=/etc/kubernetes/pki'],
						resources: bounded('10m', '32Mi', '100m', '128Mi'),
						volumeMounts: [mount('pki', '/etc/kubernetes/pki'), mount('kubelet-pki', '/var/lib/kubelet/pki')],
					}),
				],
				volumes: [hostPath('pki', '/etc/kubernetes/pki', 'Directory'), hostPath('kubelet-pki', '/var/lib/kubelet/pki', 'Directory')],
			},
		}),
		...deployment({
			namespace: 'kube-system',
			name: 'coredns',
			labels: {'k8s-app': 'kube-dns'},
			podLabels: {'k8s-app': 'kube-dns'},
			created,
			replicas: 2,
			nodes: workers,
			spec: {
				...systemClusterCritical,
				serviceAccountName: 'coredns',
				dnsPolicy: 'Default',
				nodeSelector: linuxOnly,
				tolerations: [{key: 'CriticalAddonsOnly', operator: 'Exists'}, {key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}],
				containers: [
					container({
						name: 'coredns',
						image: `${mcr}/oss/kubernetes/coredns:v1.11.3`,
						args: ['-conf', '/etc/coredns/Corefile'],
						ports: [
							{name: 'dns', containerPort: 53, protocol: 'UDP'},
							{name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
							{name: 'metrics', containerPort: 9153, protocol: 'TCP'},
						],
						resources: {requests: {cpu: '100m', memory: '70Mi'}, limits: {memory: '170Mi'}},
						securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {add: ['NET_BIND_SERVICE'], drop: ['ALL']}},
						volumeMounts: [mount('config-volume', '/etc/coredns', true)],
					}),
				],
				volumes: [{name: 'config-volume', configMap: {name: 'coredns', items: [{key: 'Corefile', path: 'Corefile'}], defaultMode: 420}}],
			},
		}),
		...deployment({
			namespace: 'kube-system',
			name: 'csi-akshcicsi-controller',
			created,
			nodes: [workers[0]!],
			spec: {
				...systemClusterCritical,
				serviceAccountName: 'csi-akshcicsi-controller',
				nodeSelector: linuxOnly,
				containers: [
					container({name: 'csi-provisioner', image: `${mcr}/oss/kubernetes-csi/csi-provisioner:v4.0.1`, args: ['--csi-address=/csi/csi.sock', '--leader-election'], resources: bounded('10m', '20Mi', '100m', '200Mi'), volumeMounts: [mount('socket-dir', '/csi')]}),
					container({name: 'csi-attacher', image: `${mcr}/oss/kubernetes-csi/csi-attacher:v4.5.1`, args: ['--csi-address=/csi/csi.sock', '--leader-election'], resources: bounded('10m', '20Mi', '100m', '200Mi'), volumeMounts: [mount('socket-dir', '/csi')]}),
					container({name: 'akshcicsi', image: `${mcr}/aks/hci/csi-akshcicsi:v1.4.2`, args: ['--endpoint=unix:///csi/csi.sock', '--controller'], resources: bounded('10m', '20Mi', '200m', '200Mi'), volumeMounts: [mount('socket-dir', '/csi'), mount('moc-config', '/etc/moc', true)]}),
				],
				volumes: [{name: 'socket-dir', emptyDir: {}}, {name: 'moc-config', secret: {secretName: 'csi-moc-config', defaultMode: 420}}],
			},
		}),
		...deployment({
			namespace: 'kube-system',
			name: 'moc-cloud-controller-manager',
			labels: {component: 'moc-cloud-controller-manager'},
			podLabels: {component: 'moc-cloud-controller-manager'},
			created,
			nodes: [cp],
			spec: {
				...systemClusterCritical,
				...controlPlaneOnly,
				hostNetwork: true,
				serviceAccountName: 'moc-cloud-controller-manager',
				containers: [
					container({
						name: 'moc-cloud-controller-manager',
						image: `${mcr}/aks/hci/moc-cloud-controller-manager:v1.30.2`,
						command: ['/moc-cloud-controller-manager', '--cloud-provider=moc', '--cloud-config=/etc/kubernetes/cloud-config/cloud.conf', '--leader-elect=true'],
						resources: bounded('100m', '128Mi', '500m', '256Mi'),
						volumeMounts: [mount('cloud-config', '/etc/kubernetes/cloud-config', true), mount('wssd-token', '/opt/wssd/k8s', true)],
					}),
				],
				volumes: [{name: 'cloud-config', secret: {secretName: 'moc-cloud-config', defaultMode: 420}}, hostPath('wssd-token', '/opt/wssd/k8s', 'Directory')],
			},
		}),
		...deployment({
			namespace: 'kube-system',
			name: 'akshci-telemetry',
			created,
			nodes: [workers[1]!],
			spec: {
				serviceAccountName: 'akshci-telemetry',
				nodeSelector: linuxOnly,
				containers: [
					container({
						name: 'akshci-telemetry',
						image: `${mcr}/aks/hci/akshci-telemetry:v1.0.27`,
						resources: requests('10m', '50Mi'),
						env: [{name: 'CLUSTER_NAME', value: 'aks-hybrid-demo'}],
						volumeMounts: [mount('varlog', '/var/log', true)],
					}),
				],
				volumes: [hostPath('varlog', '/var/log', 'Directory')],
			},
		}),
		...deployment({
			namespace: 'kube-system',
			name: 'certificate-renewal-controller',
			created,
			nodes: [cp],
			spec: {
				...systemClusterCritical,
				...controlPlaneOnly,
				serviceAccountName: 'certificate-renewal',
				containers: [
					container({
						name: 'certificate-renewal-controller',
						image: `${mcr}/aks/hci/certificate-renewal:v1.2.5`,
						args: ['controller', '--pki-dir=/etc/kubernetes/pki', '--renew-before=24h'],
						resources: bounded('10m', '32Mi', '100m', '128Mi'),
						volumeMounts: [mount('pki', '/etc/kubernetes/pki')],
					}),
				],
				volumes: [hostPath('pki', '/etc/kubernetes/pki', 'Directory')],
			},
		}),
	];
}

function calico(clock: Clock): Obj[] {
	const created = ago(clock, 41);
	const image = (name: string) => `${mcr}/oss/calico/${name}:v3.28.2`;
	return [
		...daemonSet({
			namespace: 'calico-system',
			name: 'calico-node',
			labels: {'k8s-app': 'calico-node'},
			podLabels: {'k8s-app': 'calico-node'},
			created,
			nodes: linuxNodes,
			spec: {
				...systemNodeCritical,
				hostNetwork: true,
				serviceAccountName: 'calico-node',
				nodeSelector: linuxOnly,
				tolerations: tolerateAll,
				initContainers: [
					container({
						name: 'install-cni',
						image: image('cni'),
						command: ['/opt/cni/bin/install'],
						securityContext: {privileged: true},
						volumeMounts: [mount('cni-bin-dir', '/host/opt/cni/bin'), mount('cni-net-dir', '/host/etc/cni/net.d')],
					}),
				],
				containers: [
					container({
						name: 'calico-node',
						image: image('node'),
						env: [
							{name: 'DATASTORE_TYPE', value: 'kubernetes'},
							{name: 'CALICO_NETWORKING_BACKEND', value: 'vxlan'},
							{name: 'NODENAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}},
							{name: 'FELIX_HEALTHENABLED', value: 'true'},
						],
						securityContext: {privileged: true},
						resources: requests('250m', '128Mi'),
						volumeMounts: [
							mount('lib-modules', '/lib/modules', true),
							mount('xtables-lock', '/run/xtables.lock'),
							mount('var-run-calico', '/var/run/calico'),
							mount('var-lib-calico', '/var/lib/calico'),
							mount('cni-net-dir', '/host/etc/cni/net.d'),
						],
					}),
				],
				volumes: [
					hostPath('lib-modules', '/lib/modules', ''),
					hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
					hostPath('var-run-calico', '/var/run/calico'),
					hostPath('var-lib-calico', '/var/lib/calico'),
					hostPath('cni-bin-dir', '/opt/cni/bin'),
					hostPath('cni-net-dir', '/etc/cni/net.d'),
				],
			},
		}),
		...deployment({
			namespace: 'calico-system',
			name: 'calico-kube-controllers',
			labels: {'k8s-app': 'calico-kube-controllers'},
			podLabels: {'k8s-app': 'calico-kube-controllers'},
			created,
			nodes: [workers[0]!],
			spec: {
				...systemClusterCritical,
				serviceAccountName: 'calico-kube-controllers',
				nodeSelector: linuxOnly,
				tolerations: [{key: 'CriticalAddonsOnly', operator: 'Exists'}, {key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}],
				securityContext: {runAsNonRoot: true, runAsUser: 999},
				containers: [
					container({
						name: 'calico-kube-controllers',
						image: image('kube-controllers'),
						env: [{name: 'DATASTORE_TYPE', value: 'kubernetes'}, {name: 'ENABLED_CONTROLLERS', value: 'node'}],
						securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ['ALL']}, seccompProfile: {type: 'RuntimeDefault'}},
					}),
				],
			},
		}),
	];
}

function azureArc(clock: Clock): Obj[] {
	const created = ago(clock, 40);
	const agent = (name: string, image: string, serviceAccount = 'azure-arc-operator', extra: Spec = {}) =>
		deployment({
			namespace: 'azure-arc',
			name,
			labels: {'app.kubernetes.io/component': name, 'app.kubernetes.io/managed-by': 'Helm'},
			podLabels: {'app.kubernetes.io/component': name},
			annotations: {'meta.helm.sh/release-name': 'azure-arc', 'meta.helm.sh/release-namespace': 'default'},
			created,
			nodes: workers,
			spec: {
				serviceAccountName: serviceAccount,
				nodeSelector: linuxOnly,
				containers: [
					container({
						name,
						image: `${mcr}/azurearck8s/${image}:1.21.10`,
						env: [{name: 'AZURE_RESOURCE_NAME', value: 'aks-hybrid-demo'}, {name: 'AZURE_REGION', value: 'eastus'}],
						resources: {requests: {cpu: '5m', memory: '20Mi'}, limits: {cpu: '100m', memory: '300Mi'}},
						...extra,
					}),
				],
			},
		});
	return [
		...agent('clusterconnect-agent', 'clusterconnect-agent'),
		...agent('cluster-metadata-operator', 'cluster-metadata-operator'),
		...agent('clusteridentityoperator', 'clusteridentityoperator'),
		...agent('config-agent', 'config-agent'),
		...agent('extension-manager', 'extension-manager'),
		...agent('kube-aad-proxy', 'kube-aad-proxy', 'azure-arc-kube-aad-proxy-sa', {ports: [{containerPort: 8443, name: 'https', protocol: 'TCP'}]}),
		...agent('metrics-agent', 'metrics-agent'),
		...agent('resource-sync-agent', 'resource-sync-agent'),
	];
}

function monitoring(clock: Clock): Obj[] {
	const created = ago(clock, 38);
	return [
		...daemonSet({
			namespace: 'monitoring',
			name: 'node-exporter',
			labels: {'app.kubernetes.io/name': 'node-exporter'},
			podLabels: {'app.kubernetes.io/name': 'node-exporter'},
			created,
			nodes: linuxNodes,
			spec: {
				hostNetwork: true,
				hostPID: true,
				serviceAccountName: 'node-exporter',
				nodeSelector: linuxOnly,
				tolerations: tolerateAll,
				securityContext: {runAsNonRoot: true, runAsUser: 65534},
				containers: [
					container({
						name: 'node-exporter',
						image: `${mcr}/oss/prometheus/node-exporter:v1.8.2`,
						args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--web.listen-address=0.0.0.0:9100'],
						ports: [{name: 'metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP'}],
						resources: bounded('50m', '64Mi', '250m', '180Mi'),
						securityContext: {readOnlyRootFilesystem: true},
						volumeMounts: [mount('proc', '/host/proc', true), mount('sys', '/host/sys', true), {name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer'}],
					}),
				],
				volumes: [hostPath('proc', '/proc', ''), hostPath('sys', '/sys', ''), hostPath('root', '/', '')],
			},
		}),
		...daemonSet({
			namespace: 'monitoring',
			name: 'windows-exporter',
			labels: {'app.kubernetes.io/name': 'windows-exporter'},
			podLabels: {'app.kubernetes.io/name': 'windows-exporter'},
			created,
			nodes: [demoNodes.windows],
			spec: {
				hostNetwork: true,
				nodeSelector: {'kubernetes.io/os': 'windows'},
				tolerations: [{key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule'}],
				securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\\system'}},
				containers: [
					container({
						name: 'windows-exporter',
						image: `${mcr}/oss/prometheus-community/windows-exporter:0.25.1`,
						args: ['--collectors.enabled=cpu,cs,logical_disk,net,os,service,system,container,memory'],
						ports: [{name: 'metrics', containerPort: 9182, hostPort: 9182, protocol: 'TCP'}],
					}),
				],
			},
		}),
		...deployment({
			namespace: 'monitoring',
			name: 'prometheus',
			labels: {'app.kubernetes.io/name': 'prometheus'},
			podLabels: {'app.kubernetes.io/name': 'prometheus'},
			created,
			nodes: [workers[1]!],
			spec: {
				serviceAccountName: 'prometheus',
				nodeSelector: linuxOnly,
				securityContext: {runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: {type: 'RuntimeDefault'}},
				containers: [
					container({
						name: 'prometheus',
						image: `${mcr}/oss/prometheus/prometheus:v2.53.1`,
						args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=15d'],
						ports: [{name: 'web', containerPort: 9090, protocol: 'TCP'}],
						resources: bounded('200m', '1Gi', '1', '2Gi'),
						securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ['ALL']}},
						volumeMounts: [mount('config', '/etc/prometheus', true), mount('data', '/prometheus')],
					}),
				],
				volumes: [{name: 'config', configMap: {name: 'prometheus-config', defaultMode: 420}}, {name: 'data', emptyDir: {sizeLimit: '20Gi'}}],
			},
		}),
	];
}

function clusterConfig(clock: Clock): Obj[] {
	const created = ago(clock, 41);
	const caBundle = ['-----BEGIN CERTIFICATE-----', 'MIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl', 'cm5ldGVzMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowFTETMBEGA1UE', '-----END CERTIFICATE-----', ''].join('\n');
	const allNamespaces = ['kube-system', 'kube-public', 'kube-node-lease', 'default', 'calico-system', 'azure-arc', 'monitoring', 'shop', 'payments', 'legacy'];
	const serviceAccounts: Array<[string, string, Spec?]> = [
		...allNamespaces.map((ns): [string, string, Spec?] => ['default', ns, ns === 'shop' ? {automountServiceAccountToken: false} : undefined]),
		['coredns', 'kube-system'],
		['kube-proxy', 'kube-system'],
		['csi-akshcicsi-node', 'kube-system'],
		['csi-akshcicsi-controller', 'kube-system'],
		['moc-cloud-controller-manager', 'kube-system'],
		['akshci-telemetry', 'kube-system'],
		['certificate-renewal', 'kube-system'],
		['calico-node', 'calico-system'],
		['calico-kube-controllers', 'calico-system'],
		['azure-arc-operator', 'azure-arc'],
		['azure-arc-kube-aad-proxy-sa', 'azure-arc'],
		['prometheus', 'monitoring'],
		['node-exporter', 'monitoring'],
		['shop-api', 'shop', {automountServiceAccountToken: false}],
		['checkout', 'payments', {automountServiceAccountToken: false}],
	];
	return [
		...allNamespaces.map((ns) =>
			object('v1', 'ConfigMap', {name: 'kube-root-ca.crt', namespace: ns, annotations: {'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'}, creationTimestamp: created}, {data: {'ca.crt': caBundle}}),
		),
		...serviceAccounts.map(([name, namespace, extra]) => object('v1', 'ServiceAccount', {name, namespace, creationTimestamp: created}, {...extra})),
		object('v1', 'ConfigMap', {name: 'coredns', namespace: 'kube-system', creationTimestamp: created}, {
			data: {Corefile: '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n'},
		}),
		object('v1', 'ConfigMap', {name: 'kube-proxy', namespace: 'kube-system', creationTimestamp: created}, {
			data: {'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n'},
		}),
		service(clock, 'default', 'kubernetes', undefined, [{name: 'https', port: 443, targetPort: 6443}], '10.96.0.1', {component: 'apiserver', provider: 'kubernetes'}),
		service(clock, 'kube-system', 'kube-dns', {'k8s-app': 'kube-dns'}, [{name: 'dns', port: 53, protocol: 'UDP', targetPort: 53}, {name: 'dns-tcp', port: 53, targetPort: 53}, {name: 'metrics', port: 9153, targetPort: 9153}], '10.96.0.10', {'k8s-app': 'kube-dns'}),
		service(clock, 'monitoring', 'prometheus', {'app.kubernetes.io/name': 'prometheus'}, [{name: 'web', port: 9090, targetPort: 'web'}], '10.104.1.20'),
		object('scheduling.k8s.io/v1', 'PriorityClass', {name: 'system-node-critical', creationTimestamp: created}, {value: 2000001000, globalDefault: false, description: 'Used for system critical pods that must not be moved from their current node.', preemptionPolicy: 'PreemptLowerPriority'}),
		object('scheduling.k8s.io/v1', 'PriorityClass', {name: 'system-cluster-critical', creationTimestamp: created}, {value: 2000000000, globalDefault: false, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.', preemptionPolicy: 'PreemptLowerPriority'}),
		object('storage.k8s.io/v1', 'CSIDriver', {name: 'disk.csi.akshci.com', creationTimestamp: created}, {
			spec: {attachRequired: true, podInfoOnMount: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', volumeLifecycleModes: ['Persistent'], requiresRepublish: false, storageCapacity: false, seLinuxMount: false},
		}),
		object('storage.k8s.io/v1', 'StorageClass', {name: 'default', annotations: {'storageclass.kubernetes.io/is-default-class': 'true'}, creationTimestamp: created}, {
			provisioner: 'disk.csi.akshci.com',
			parameters: {blocksize: '33554432', container: 'SqlStorageContainer', dynamic: 'true', logicalsectorsize: '4096', physicalsectorsize: '4096', port: '55000', fsType: 'ext4'},
			reclaimPolicy: 'Delete',
			volumeBindingMode: 'Immediate',
			allowVolumeExpansion: true,
		}),
		object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {name: 'renewrevocations.certificates.microsoft.com', creationTimestamp: created}, {
			spec: {
				group: 'certificates.microsoft.com',
				names: {plural: 'renewrevocations', singular: 'renewrevocation', kind: 'RenewRevocation', listKind: 'RenewRevocationList'},
				scope: 'Namespaced',
				versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}}}],
			},
			status: {acceptedNames: {plural: 'renewrevocations', kind: 'RenewRevocation'}, storedVersions: ['v1'], conditions: [{type: 'Established', status: 'True'}]},
		}),
		object('certificates.k8s.io/v1', 'CertificateSigningRequest', {name: 'csr-8t5vq', creationTimestamp: ago(clock, 0, 20)}, {
			spec: {
				signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
				usages: ['digital signature', 'client auth'],
				username: `system:node:${workers[0]!.name}`,
				groups: ['system:nodes', 'system:authenticated'],
				request: b64('-----BEGIN CERTIFICATE REQUEST-----\nMIHJMHECAQAwDzENMAsGA1UEAxMEZGVtbzBZMBMGByqGSM49AgEGCCqGSM49AwEH\n-----END CERTIFICATE REQUEST-----\n'),
			},
			status: {conditions: [{type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.', lastUpdateTime: ago(clock, 0, 20), lastTransitionTime: ago(clock, 0, 20)}]},
		}),
	];
}

