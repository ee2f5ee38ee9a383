import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {KubeConfig, type Cluster, type User} from '@kubernetes/client-node';
import {fileProblem, UsageError} from '../model/errors.js';
import {kubeconfigFiles, type KubeconfigOptions} from './kubeconfig-files.js';
import {readRegularFile, readTextFile, smallFileBytes} from './input-file.js';

export type {KubeconfigOptions};

const getCredentials = 'get fresh credentials (AKS Arc: `az aksarc get-credentials -g <rg> -n <cluster>`; AKS on Windows Server: `Get-AksHciCredential -name <cluster>`)';

/**
 * Load a kubeconfig as kubectl does. KUBECONFIG files merge with the first file's value winning
 * (so the first current-context is used); missing KUBECONFIG entries are ignored, as kubectl
 * ignores them, but an explicit --kubeconfig that cannot be read is an error.
 */
export function loadKubeconfig(options: KubeconfigOptions): KubeConfig {
	const files = kubeconfigFiles(options);
	const readable = options.kubeconfig ? files : files.filter((file) => existsSync(file));
	if (!readable.length) {
		throw new UsageError(`no kubeconfig found (looked at ${files.join(', ')})`, `pass --kubeconfig FILE, or ${getCredentials}; or try the demo: aks-harden --demo`);
	}
	const merged = new KubeConfig();
	// Which file each cluster and user came from (the first wins, as in the merge), for messages.
	const sources = new Map<string, string>();
	let currentContext = '';
	for (const file of readable) {
		let text: string;
		try {
			text = readTextFile(file);
		} catch (error) {
			throw new UsageError(`cannot read kubeconfig ${file}: ${fileProblem(error)}`, `check the path and its permissions, or ${getCredentials}`);
		}
		const one = new KubeConfig();
		try {
			one.loadFromString(text);
		} catch (error) {
			throw new UsageError(`kubeconfig ${file} is not valid: ${firstLine(error)}`, getCredentials);
		}
		one.makePathsAbsolute(join(file, '..'));
		if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
		mergeFirstWins(merged, one);
		for (const key of [...one.getClusters().map((c) => `cluster:${c.name}`), ...one.getUsers().map((u) => `user:${u.name}`)]) if (!sources.has(key)) sources.set(key, file);
	}
	const context = options.context ?? currentContext;
	if (!context) {
		throw new UsageError('the kubeconfig has no current context', `pass --context NAME (one of: ${merged.getContexts().map((c) => c.name).join(', ') || 'none'})`);
	}
	if (!merged.getContextObject(context)) {
		throw new UsageError(`context "${context}" is not in the kubeconfig`, `use one of: ${merged.getContexts().map((c) => c.name).join(', ') || 'none'}`);
	}
	merged.setCurrentContext(context);
	const cluster = merged.getCurrentCluster();
	if (!cluster?.server) throw new UsageError(`context "${context}" names no cluster with a server URL`, getCredentials);
	// Only the context in use: kubectl, too, never reads another context's files.
	merged.clusters = merged.clusters.map((one) => (one.name === cluster.name ? inlineCluster(one, sources.get(`cluster:${one.name}`) ?? '') : one));
	const user = merged.getCurrentUser();
	if (user) merged.users = merged.users.map((one) => (one.name === user.name ? inlineUser(one, sources.get(`user:${one.name}`) ?? '') : one));
	return merged;
}

function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
	for (const cluster of from.getClusters()) if (!into.getCluster(cluster.name)) into.addCluster(cluster);
	for (const user of from.getUsers()) if (!into.getUser(user.name)) into.addUser(user);
	for (const context of from.getContexts()) if (!into.getContextObject(context.name)) into.addContext(context);
}

/**
 * The certificate and key files a kubeconfig names are read here, as every input file is (a FIFO
 * or /dev/zero there would hang the client's own read), and handed to the client inline.
 */
function inlined(kubeconfig: string, field: string, path: string): string {
	try {
		return readRegularFile(path, smallFileBytes).toString('base64');
	} catch (error) {
		throw new UsageError(`kubeconfig ${kubeconfig}: cannot read its ${field} ${path}: ${fileProblem(error)}`, `check the path and its permissions, or ${getCredentials}`);
	}
}

function inlineCluster(cluster: Cluster, file: string): Cluster {
	if (!cluster.caFile || cluster.caData) return cluster;
	const {caFile, ...rest} = cluster;
	return {...rest, caData: inlined(file, 'certificate-authority', caFile)};
}

function inlineUser(user: User, file: string): User {
	let out: User = user;
	if (user.certFile && !user.certData) {
		const {certFile, ...rest} = out;
		out = {...rest, certData: inlined(file, 'client-certificate', certFile!)};
	}
	if (user.keyFile && !user.keyData) {
		const {keyFile, ...rest} = out;
		out = {...rest, keyData: inlined(file, 'client-key', keyFile!)};
	}
	return out;
}

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export {getCredentials};
