import type {Probe, ProbeParse} from './probe.js';
import {SECTION, lines, sections} from './shell.js';

/**
 * What a node's audit trail must watch (CIS Linux 4.1.x, CIS Kubernetes guidance on auditing the
 * node's Kubernetes files): the kubelet, containerd and runc binaries wherever they are
 * installed, their configuration, and /etc/kubernetes. Only paths the node has are required.
 */
export const auditedBinaries = ['kubelet', 'containerd', 'runc'] as const;
export const auditedPaths: ReadonlyArray<{readonly path: string; readonly what: string}> = [
	{path: '/etc/kubernetes', what: 'Kubernetes configuration and PKI'},
	{path: '/var/lib/kubelet/config.yaml', what: 'kubelet configuration'},
	{path: '/etc/systemd/system/kubelet.service.d', what: 'kubelet unit drop-ins (flags)'},
	{path: '/etc/default/kubelet', what: 'kubelet flags'},
	{path: '/etc/sysconfig/kubelet', what: 'kubelet flags'},
	{path: '/etc/containerd', what: 'containerd configuration'},
];

export type AuditWatch = {readonly path: string; readonly perms: string};

export type AuditRequirement = {
	readonly path: string;
	readonly what: string;
	/** Watched for writes and attribute changes by a rule the kernel has loaded now. */
	readonly loaded: boolean;
	/** Watched by a rule in /etc/audit/rules.d (what augenrules loads at boot). */
	readonly configured: boolean;
};

export type AuditdFacts = {
	readonly installed: boolean;
	readonly running: boolean;
	/** Rules the kernel has loaded (`auditctl -l`); null when they could not be read. */
	readonly loaded: readonly string[] | null;
	readonly loadedError: string | null;
	/** The rule files in /etc/audit/rules.d and the watches they hold. */
	readonly ruleFiles: readonly string[];
	readonly required: readonly AuditRequirement[];
};

/**
 * Watches a rule line sets up: `-w PATH [-p PERMS]` and syscall rules filtering on path= or
 * dir= (with perm=). Without a permission filter a watch covers every access.
 */
export function watchesOf(rule: string): AuditWatch[] {
	const words = rule.trim().split(/\s+/);
	const at = (flag: string) => {
		const index = words.indexOf(flag);
		return index >= 0 ? words[index + 1] : undefined;
	};
	if (words[0] === '-w') {
		const path = at('-w');
		return path ? [{path: path.replace(/\/+$/, '') || '/', perms: at('-p') ?? 'rwxa'}] : [];
	}
	if (words[0] === '-a' || words[0] === '-A') {
		const fields = words.filter((_, index) => words[index - 1] === '-F');
		const field = (name: string) => fields.find((text) => text.startsWith(`${name}=`))?.slice(name.length + 1);
		const path = field('path') ?? field('dir');
		return path ? [{path: path.replace(/\/+$/, '') || '/', perms: field('perm') ?? 'rwxa'}] : [];
	}
	return [];
}

/** A watch on a directory covers what is under it; it must see writes and attribute changes. */
export function covers(watches: readonly AuditWatch[], path: string): boolean {
	return watches.some((watch) => (watch.path === path || path.startsWith(`${watch.path}/`)) && watch.perms.includes('w') && watch.perms.includes('a'));
}

export function parseAuditd(output: string): ProbeParse {
	const parts = sections(output);
	const part = (name: string) => parts.find((candidate) => candidate.name === name);
	const daemon = part('daemon');
	if (!daemon) return {error: 'the auditd probe printed nothing'};
	const fields = new Map(lines(daemon.body).map((line) => [line.split(' ')[0]!, line.slice(line.indexOf(' ') + 1).trim()] as const));
	const installed = fields.get('installed') === 'yes';
	const running = fields.get('active') === 'active' || fields.get('process') === 'yes';

	let loaded: string[] | null = null;
	let loadedError: string | null = null;
	const loadedPart = part('loaded');
	if (!loadedPart) loadedError = 'auditctl is not installed';
	else {
		const status = Number(loadedPart.args[0] ?? '0');
		const body = lines(loadedPart.body);
		if (status !== 0) loadedError = body[0] ?? `auditctl -l exited ${status}`;
		else loaded = body.filter((line) => line !== 'No rules');
	}

	const ruleFiles: string[] = [];
	const configuredWatches: AuditWatch[] = [];
	for (const file of parts.filter((candidate) => candidate.name === 'rules')) {
		ruleFiles.push(file.args[0] ?? '');
		for (const line of lines(file.body)) if (!line.startsWith('#')) configuredWatches.push(...watchesOf(line));
	}
	const loadedWatches = (loaded ?? []).flatMap(watchesOf);

	const wanted: Array<{path: string; what: string}> = [];
	for (const line of lines(part('paths')?.body ?? '')) {
		const [kind, name = '', path = ''] = line.split(' ');
		if (kind === 'binary' && path) wanted.push({path, what: `${name} binary`});
		if (kind === 'path') {
			const known = auditedPaths.find((candidate) => candidate.path === name);
			if (known) wanted.push(known);
		}
	}
	const required = wanted
		.filter((entry, index) => wanted.findIndex((other) => other.path === entry.path) === index)
		.map((entry) => ({...entry, loaded: covers(loadedWatches, entry.path), configured: covers(configuredWatches, entry.path)}));
	const facts: AuditdFacts = {installed, running, loaded, loadedError, ruleFiles, required};
	return {facts};
}

export const auditdProbe: Probe = {
	name: 'auditd',
	platforms: ['linux'],
	// auditctl -l and /etc/audit/rules.d (0750) need root.
	needsSudo: true,
	command: 'auditctl -l; cat /etc/audit/rules.d/*.rules; systemctl is-active auditd',
	script: [
		'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH',
		`echo '${SECTION} daemon'`,
		'if command -v auditd >/dev/null 2>&1; then echo "installed yes"; else echo "installed no"; fi',
		'[ -d /run/systemd/system ] && echo "active $(systemctl is-active auditd 2>/dev/null)"',
		'if pgrep -x auditd >/dev/null 2>&1; then echo "process yes"; else echo "process no"; fi',
		'if command -v auditctl >/dev/null 2>&1; then',
		'  out=$(auditctl -l 2>&1); rc=$?',
		`  echo "${SECTION} loaded $rc"`,
		'  printf "%s\\n" "$out"',
		'fi',
		'for f in /etc/audit/rules.d/*.rules; do',
		'  [ -f "$f" ] || continue',
		`  echo "${SECTION} rules $f"`,
		'  cat -- "$f"; echo',
		'done',
		`echo '${SECTION} paths'`,
		`for b in ${auditedBinaries.join(' ')}; do p=$(command -v "$b" 2>/dev/null) && [ -n "$p" ] && echo "binary $b $(readlink -f -- "$p")"; done`,
		`for p in ${auditedPaths.map((entry) => entry.path).join(' ')}; do [ -e "$p" ] && echo "path $p"; done`,
		'exit 0',
	].join('\n'),
	parse: parseAuditd,
};
