// `aks-harden cleanup`: removes what node access through Kubernetes may have left after a run
// that was killed (kill -9, a lost laptop): probe pods found by their labels, and the probe
// namespace when the tool itself created it. Each pod would end at its activeDeadlineSeconds
// anyway; this makes it now.
import {CREATED_LABEL, MANAGED_BY, PROBE_NAMESPACE} from '../engine/probe-pod.js';
import {UsageError} from '../model/errors.js';
import {printable} from '../model/printable.js';
import {connectionSettings, openEnvironment} from './environment.js';
import {parse} from './options.js';

export const cleanupHelp = `Usage: aks-harden cleanup [--kubeconfig FILE] [--context NAME] [--probe-namespace NS] [--timeout 30s]

Delete the probe pods an interrupted \`--node-access kubernetes\` run left on the cluster (found
by the label app.kubernetes.io/managed-by=aks-harden), and the probe namespace if aks-harden
created it. Nothing else is touched.
`;

export const cleanupOptions = {
	kubeconfig: {type: 'string'},
	context: {type: 'string'},
	'probe-namespace': {type: 'string'},
	timeout: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const;

export async function cleanupCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, cleanupOptions, 'cleanup');
	if (values.help) {
		process.stdout.write(cleanupHelp);
		return 0;
	}
	if (positionals.length) throw new UsageError(`cleanup takes no arguments, got "${positionals[0]}"`, 'see `aks-harden cleanup --help`');
	const settings = connectionSettings({...values, 'no-nodes': true});
	const environment = await openEnvironment(settings, {use: {nodes: false}});
	try {
		const writer = environment.writer;
		if (!writer) throw new UsageError('cleanup needs a cluster', 'pass --kubeconfig or --context');
		const namespace = settings.nodeAccess.namespace ?? PROBE_NAMESPACE;
		const {deleteLeftoverPods} = await import('../transports/probe-pods.js');
		const pods = await deleteLeftoverPods(writer, namespace);
		const existing = await writer.get({apiVersion: 'v1', kind: 'Namespace', name: namespace});
		const labels = existing?.metadata.labels ?? {};
		const ours = labels[CREATED_LABEL] === 'true' && labels[MANAGED_BY.key] === MANAGED_BY.value;
		if (ours) await writer.delete({apiVersion: 'v1', kind: 'Namespace', name: namespace}, {dryRun: false});
		const what = [`${pods} probe pod${pods === 1 ? '' : 's'} deleted`, ours ? `namespace ${printable(namespace)} deleted` : existing ? `namespace ${printable(namespace)} kept (not created by aks-harden)` : `no namespace ${printable(namespace)}`];
		process.stdout.write(`${what.join('; ')}\n`);
		return 0;
	} finally {
		await environment.close();
	}
}
