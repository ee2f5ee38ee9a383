import {kubeletDropInsScript, kubeletLocateScript} from './kubelet-shell.js';
import type {Probe, ProbeParse} from './probe.js';
import {MISSING, SECTION, lines, sections} from './shell.js';

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
	| 'kubelet-config-dropin'
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

/** The fixed files the probe looks at, in order; globs are expanded by the node's shell. */
export const watchedPaths: readonly {readonly path: string; readonly kind: FileKind}[] = [
	{path: '/etc/ssh/sshd_config', kind: 'sshd-config'},
	{path: '/etc/ssh/sshd_config.d/*.conf', kind: 'sshd-config-dropin'},
	{path: '/etc/ssh/ssh_host_*_key', kind: 'ssh-host-key'},
	{path: '/etc/ssh/ssh_host_*_key.pub', kind: 'ssh-host-pubkey'},
	{path: '/etc/containerd/config.toml', kind: 'containerd-config'},
	{path: '/run/containerd/containerd.sock', kind: 'containerd-socket'},
	{path: '/etc/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/usr/lib/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/lib/systemd/system/kubelet.service', kind: 'kubelet-unit'},
	{path: '/etc/systemd/system/kubelet.service.d/*.conf', kind: 'kubelet-unit'},
	{path: '/usr/lib/systemd/system/kubelet.service.d/*.conf', kind: 'kubelet-unit'},
	{path: '/var/lib/kubelet/kubeadm-flags.env', kind: 'kubelet-env'},
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

/**
 * The kubelet's own files, where the running kubelet (or its unit) says they are: `--config`,
 * the `--config-dir` drop-ins, `--kubeconfig` and the client CA (`--client-ca-file`, else
 * `authentication.x509.clientCAFile` in the config, a later drop-in winning). Each is printed
 * under a `__AKH_SECTION__ kubelet <kind>` header, since its path says nothing of its kind.
 */
const kubeletFilesScript = [
	kubeletLocateScript,
	'akh_stat() {',
	`  echo "${SECTION} kubelet $1"`,
	`  if [ -e "$2" ]; then stat -L -c '%a %U %G %n' "$2" 2>&1; else echo "${MISSING} $2"; fi`,
	'}',
	'dropins=$(' + kubeletDropInsScript + ')',
	'akh_stat kubelet-config "$cfg"',
	'[ -n "$dropins" ] && printf \'%s\\n\' "$dropins" | while read -r f; do akh_stat kubelet-config-dropin "$f"; done',
	'kc=$(akh_flag kubeconfig)',
	'akh_stat kubelet-kubeconfig "${kc:-/etc/kubernetes/kubelet.conf}"',
	'ca=$(akh_flag client-ca-file)',
	'if [ -z "$ca" ]; then',
	'  for f in "$cfg" $dropins; do',
	// The YAML key on its own line, its value bare or quoted; a later file wins, as the merge does.
	String.raw`    [ -r "$f" ] && v=$(sed -n "s/^[[:space:]]*clientCAFile:[[:space:]]*[\"']\{0,1\}\([^\"'[:space:]]*\).*/\1/p" "$f" | tail -n 1) && [ -n "$v" ] && ca=$v`,
	'  done',
	'fi',
	'[ -n "$ca" ] && akh_stat client-ca "$ca"',
	'exit 0',
].join('\n');

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

const fileKinds = new Set<string>([...watchedPaths.map(({kind}) => kind), 'kubelet-config', 'kubelet-config-dropin', 'kubelet-kubeconfig', 'client-ca']);

/**
 * `stat -L -c '%a %U %G %n'` lines; absent fixed paths are listed, unmatched globs dropped. A
 * line under a `kubelet <kind>` section has that kind; the others get theirs from their path.
 */
export function parseFileModes(output: string): ProbeParse {
	const files: FileMode[] = [];
	const missing: string[] = [];
	let other = 0;
	const tagged = sections(output).flatMap((part) => {
		const kind = part.name === 'kubelet' && fileKinds.has(part.args[0] ?? '') ? (part.args[0] as FileKind) : undefined;
		return lines(part.body).map((line) => ({line, kind}));
	});
	for (const {line, kind} of tagged) {
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
		files.push({path, mode: Number(match[1]), owner: match[2]!, group: match[3]!, kind: kind ?? kindOf(path)});
	}
	if (!files.length && other) return {error: `cannot read stat output: ${tagged[0]?.line}`};
	if (!files.length && !missing.length) return {error: 'stat printed nothing'};
	const facts: FileModesFacts = {files, missing};
	return {facts};
}

export const fileModesProbe: Probe = {
	name: 'file-modes',
	platforms: ['linux'],
	needsSudo: true,
	command: "sudo stat -L -c '%a %U %G %n' /etc/ssh/sshd_config /etc/ssh/ssh_host_*_key … /etc/passwd /etc/shadow, and the kubelet's --config, --config-dir drop-ins, --kubeconfig and client CA file",
	script: [
		`command -v stat >/dev/null 2>&1 || { echo '${MISSING} stat'; exit 0; }`,
		`for f in ${watchedPaths.map(({path}) => path).join(' ')}; do`,
		`  if [ -e "$f" ]; then stat -L -c '%a %U %G %n' "$f" 2>&1; else echo "${MISSING} $f"; fi`,
		'done',
		kubeletFilesScript,
	].join('\n'),
	parse: parseFileModes,
};
