import {writeFile} from 'node:fs/promises';
import {stringify} from 'yaml';
import type {KeyPairPem} from './pki.js';

export const demoContextName = 'aks-harden-demo';

export type KubeconfigOptions = {
	readonly server: string;
	readonly caPem: string;
	readonly token?: string;
	/** Authenticate with a client certificate instead of (or as well as) a token. */
	readonly clientCert?: KeyPairPem;
	readonly context?: string;
	readonly namespace?: string;
};

/** A kubeconfig that verifies the server against its CA, as a production one does. */
export function kubeconfigYaml(options: KubeconfigOptions): string {
	const context = options.context ?? demoContextName;
	const user = `${context}-user`;
	const base64 = (text: string) => Buffer.from(text).toString('base64');
	return stringify({
		apiVersion: 'v1',
		kind: 'Config',
		preferences: {},
		clusters: [{name: context, cluster: {server: options.server, 'certificate-authority-data': base64(options.caPem)}}],
		users: [
			{
				name: user,
				user: {
					...(options.token !== undefined ? {token: options.token} : {}),
					...(options.clientCert
						? {'client-certificate-data': base64(options.clientCert.certPem), 'client-key-data': base64(options.clientCert.keyPem)}
						: {}),
				},
			},
		],
		contexts: [{name: context, context: {cluster: context, user, ...(options.namespace ? {namespace: options.namespace} : {})}}],
		'current-context': context,
	});
}

/** Written owner-only: it carries a credential. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
	await writeFile(path, kubeconfigYaml(options), {mode: 0o600});
}
