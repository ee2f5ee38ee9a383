// `aks-harden explain probe-pod`: what --node-access kubernetes creates on the cluster, exactly
// as it will be sent, and the RBAC it needs — read before allowing it with --allow-probe-pods.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {DEFAULT_PROBE_IMAGE, PROBE_EXEC, PROBE_NAMESPACE, probeNamespaceManifest, probePodManifest} from '../engine/probe-pod.js';
import {packageRoot} from '../package-root.js';

/** The Role and ClusterRole node access needs, ready to apply (README "Nodes through Kubernetes"). */
export const rbacFile = join(packageRoot, 'data', 'rbac', 'node-access.yaml');

export function explainProbePod(): number {
	const pod = probePodManifest({node: 'NODE', namespace: PROBE_NAMESPACE, image: DEFAULT_PROBE_IMAGE, runId: 'RUN', deadlineSeconds: 180});
	const text = [
		'Probe pods: how --node-access kubernetes reaches a node that SSH cannot.',
		'',
		'A probe pod is a privileged workload: it shares the node\'s process and network namespaces and',
		'mounts the node\'s root read-only at /host. It runs only with --allow-probe-pods, in its own',
		`namespace (${PROBE_NAMESPACE}, or --probe-namespace), labelled Pod Security "privileged".`,
		`The tool creates that namespace when it is missing and deletes it after the run (--keep-probe-namespace keeps it).`,
		`Each node gets one pod; the probe script runs in it as \`${PROBE_EXEC.join(' ')}\` over pods/exec, the same`,
		'script the SSH path runs; the pod is deleted as soon as its node is done, and ends itself at',
		'activeDeadlineSeconds if the tool is killed. The next run, or `aks-harden cleanup`, deletes leftovers by label.',
		'Image: --probe-image (default below, from Microsoft Container Registry, which AKS hybrid nodes pull from).',
		'',
		'# The namespace (only when the tool creates it)',
		stringify(probeNamespaceManifest(PROBE_NAMESPACE)).trimEnd(),
		'---',
		'# One pod per node (NODE, RUN and the deadline filled in per run; the deadline is 3 × --timeout, at least 60 s)',
		stringify(pod).trimEnd(),
		'---',
		'# The RBAC it needs (data/rbac/node-access.yaml)',
		readFileSync(rbacFile, 'utf8').trimEnd(),
		'',
	];
	process.stdout.write(`${text.join('\n')}\n`);
	return 0;
}
