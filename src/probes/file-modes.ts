import type {Probe, ProbeParse} from './probe.js';
import {MISSING, lines} from './shell.js';

/**
 * What each stat-ed file is. The check, not the probe, says what mode and owner each kind
 * should have; the probe only says which file it found and what it is.
 */
export type FileKind =
	| 'sshd-config'
	| 'sshd-config-dropin'
	| 'ssh-host-key'
	| 'ssh-host-pubkey'
	| 'containerd-config'
	| 'containerd-socket'
	| 'kubelet-config'
	| 'kubelet-kubeconfig'
	| 'kubelet-unit'
	| 'kubelet-env'
	| 'client-ca'
	| 'admin-kubeconfig'
	| 'static-pod-manifest'
	| 'pki-key'
	| 'passwd'
	| 'shadow'
	| 'group'
	| 'gshadow'
	| 'other';

/** The files the probe looks at, in order; globs are expanded by the node's shell. */
export const watchedPaths: readonly {readonly path: string; readonly kind: FileKind}[] = [
	{path: '/etc/ssh/sshd_config', kind: 'sshd-config'},
	{path: '/etc/ssh/sshd_config.d/*.conf', kind: 'sshd-config-dropin'},
	{path: '/etc/ssh/ssh_host_*_key', kind: 'ssh-host-key'},
	{path: '/etc/ssh/ssh_host_*_key.pub', kind: 'ssh-host-pubkey'},
	{path: '/etc/containerd/config.toml', kind: 'containerd-config'},
	{path: '/run/containerd/containerd.sock', kind: 'containerd-socket'},
	{path: '/var/lib/kubelet/config.yaml', kind: 'kubelet-config'},
	{path: '/etc/kubernetes/kubelet.conf', kind: 'kubelet-kubeconfig'},
	{path: '/etc/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/usr/lib/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/lib/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/etc/systemd/system/kubelet.service.d/*.conf', kind: 'kubelet-unit'},
	{path: '/usr/lib/systemd/system/kubelet.service.d/*.conf', kind: 'kubelet-unit'},
	{path: '/var/lib/kubelet/kubeadm-flags.env', kind: 'kubelet-env'},
	{path: '/etc/kubernetes/pki/ca.crt', kind: 'client-ca'},
	{path: '/etc/kubernetes/admin.conf', kind: 'admin-kubeconfig'},
	{path: '/etc/kubernetes/manifests/*', kind: 'static-pod-manifest'},
	{path: '/etc/kubernetes/pki/*.key', kind: 'pki-key'},
	{path: '/etc/kubernetes/pki/etcd/*.key', kind: 'pki-key'},
	{path: '/etc/passwd', kind: 'passwd'},
	{path: '/etc/shadow', kind: 'shadow'},
	{path: '/etc/group', kind: 'group'},
	{path: '/etc/gshadow', kind: 'gshadow'},
];

function globToRegExp(glob: string): RegExp {
	return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`);
}

const matchers = watchedPaths.map(({path, kind}) => ({re: globToRegExp(path), kind}));

export function kindOf(path: string): FileKind {
	return matchers.find(({re}) => re.test(path))?.kind ?? 'other';
}

export type FileMode = {
	readonly path: string;
	/** Octal digits read as a decimal number, as stat prints them: 644, 600, 2755. */
	readonly mode: number;
	readonly owner: string;
	readonly group: string;
	readonly kind: FileKind;
};

export type FileModesFacts = {readonly files: readonly FileMode[]; readonly missing: readonly string[]};

/** `stat -L -c '%a %U %G %n'` lines; absent fixed paths are listed, unmatched globs dropped. */
export function parseFileModes(output: string): ProbeParse {
	const files: FileMode[] = [];
	const missing: string[] = [];
	let other = 0;
	for (const line of lines(output)) {
		if (line.startsWith(`${MISSING} `)) {
			const path = line.slice(MISSING.length + 1).trim();
			if (path === 'stat') return {error: 'command not found: stat'};
			if (!path.includes('*')) missing.push(path);
			continue;
		}
		const match = /^([0-7]{1,4}) (\S+) (\S+) (\/.*)$/.exec(line);
		if (!match) {
			other++;
			continue;
		}
		const path = match[4]!;
		files.push({path, mode: Number(match[1]), owner: match[2]!, group: match[3]!, kind: kindOf(path)});
	}
	if (!files.length && other) return {error: `cannot read stat output: ${lines(output)[0]}`};
	if (!files.length && !missing.length) return {error: 'stat printed nothing'};
	const facts: FileModesFacts = {files, missing};
	return {facts};
}

export const fileModesProbe: Probe = {
	name: 'file-modes',
	platforms: ['linux'],
	needsSudo: true,
	command: "sudo stat -L -c '%a %U %G %n' /etc/ssh/sshd_config /etc/ssh/ssh_host_*_key … /etc/kubernetes/pki/*.key /etc/passwd /etc/shadow",
	script: [
		`command -v stat >/dev/null 2>&1 || { echo '${MISSING} stat'; exit 0; }`,
		`for f in ${watchedPaths.map(({path}) => path).join(' ')}; do`,
		`  if [ -e "$f" ]; then stat -L -c '%a %U %G %n' "$f" 2>&1; else echo "${MISSING} $f"; fi`,
		'done',
	].join('\n'),
	parse: parseFileModes,
};
