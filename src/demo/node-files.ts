// The demo nodes' file systems: files with their bytes, mode and owner, held per node, so a host
// fix on the demo edits something the next probe run reads back. The starting layout follows
// the recorded `stat` output of each demo node (src/probes/fixtures), with real content for the
// files a fix reads (sshd's configuration).
import {posix} from 'node:path';
import {z} from 'zod';
import {demoNodeRecordings} from '../probes/demo-nodes.js';
import type {RecordedNode} from '../probes/recorded.js';
import {MISSING, sections} from '../probes/shell.js';
import {initialUnits, SimUnitSchema} from './node-units.js';

export const SimFileSchema = z.object({
	content: z.string(),
	/** As `stat -c %a` prints it: 600, 644, 0. */
	mode: z.string(),
	owner: z.string(),
	group: z.string(),
});
export type SimFile = z.infer<typeof SimFileSchema>;

export const SimNodeSchema = z.object({
	files: z.record(z.string(), SimFileSchema),
	/** The audit rules loaded in the kernel (`auditctl -l`), as augenrules last loaded them. */
	auditRules: z.array(z.string()).optional(),
	units: z.record(z.string(), SimUnitSchema).optional(),
});
export type SimNode = z.infer<typeof SimNodeSchema>;

const ids: Readonly<Record<string, number>> = {root: 0, clouduser: 1000, shadow: 15, ssh_keys: 998};

/** Numeric ids as `stat -c %u/%g` prints them; the demo's accounts are few and fixed. */
export function idOf(name: string): number {
	return ids[name] ?? 65534;
}

/** CBL-Mariner 2.0's sshd_config as AKS hybrid images ship it: drop-ins first, then the CIS settings. */
export const marinerSshdConfig = `# CBL-Mariner sshd_config (AKS hybrid image)
Include /etc/ssh/sshd_config.d/*.conf

HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key
SyslogFacility AUTHPRIV
LogLevel VERBOSE
LoginGraceTime 60
PermitRootLogin no
MaxAuthTries 4
MaxSessions 10
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
IgnoreRhosts yes
HostbasedAuthentication no
PasswordAuthentication no
PermitEmptyPasswords no
KbdInteractiveAuthentication no
UsePAM yes
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
PermitUserEnvironment no
ClientAliveInterval 120
ClientAliveCountMax 3
MaxStartups 10:30:60
PermitTunnel no
Banner /etc/issue.net
Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256
Subsystem sftp /usr/libexec/openssh/sftp-server
`;

/** What cloud-init leaves on the demo's control plane: the drop-in that turns password logins on. */
export const cloudInitSshdDropIn = `# Written by cloud-init (ssh_pwauth: true)
PasswordAuthentication yes
`;

const contents: Readonly<Record<string, string>> = {
	'/etc/ssh/sshd_config': marinerSshdConfig,
	'/etc/ssh/sshd_config.d/50-cloud-init.conf': cloudInitSshdDropIn,
};

/** Files whose bytes the probes recorded (`__AKH_SECTION__ config PATH`, `rules PATH`…). */
function recordedContents(recording: RecordedNode): Record<string, string> {
	const out: Record<string, string> = {};
	for (const probe of ['kubelet-config', 'containerd-config', 'auditd']) {
		for (const section of sections(recording.probes[probe] ?? '')) {
			const path = section.args.find((arg) => arg.startsWith('/'));
			if (path && ['config', 'env', 'file', 'rules'].includes(section.name)) out[path] = section.body.replace(/\n*$/, '\n');
		}
	}
	return out;
}

/** `auditctl -l` as recorded: "No rules", or one rule a line. */
function recordedAuditRules(recording: RecordedNode): string[] {
	const loaded = sections(recording.probes['auditd'] ?? '').find((section) => section.name === 'loaded');
	return (loaded?.body ?? '').split('\n').map((line) => line.trim()).filter((line) => line && line !== 'No rules');
}

/** A node's files as its recorded `stat` output lists them (the lines for missing paths dropped). */
export function initialNode(recording: RecordedNode): SimNode {
	const files: Record<string, SimFile> = {};
	const recorded = recordedContents(recording);
	for (const line of (recording.probes['file-modes'] ?? '').split('\n')) {
		if (line.startsWith(MISSING)) continue;
		const match = /^([0-7]{1,4}) (\S+) (\S+) (\/.*)$/.exec(line.trim());
		if (!match) continue;
		const path = match[4]!;
		files[path] = {content: contents[path] ?? recorded[path] ?? '', mode: match[1]!, owner: match[2]!, group: match[3]!};
	}
	// Rule files are not among the stat-ed paths: they come with the auditd probe's recording.
	for (const [path, content] of Object.entries(recorded)) if (path.startsWith('/etc/audit/rules.d/')) files[path] ??= {content, mode: '640', owner: 'root', group: 'root'};
	return {files, auditRules: recordedAuditRules(recording), units: initialUnits(recording)};
}

export function initialNodes(): Record<string, SimNode> {
	return Object.fromEntries(demoNodeRecordings().map((recording) => [recording.name, initialNode(recording)]));
}

/** `*` and `?` as the shell expands them: never across `/`, never onto a leading dot. */
export function expandGlob(node: SimNode, pattern: string): string[] {
	if (!/[*?[]/.test(pattern)) return node.files[pattern] ? [pattern] : [];
	const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]');
	const re = new RegExp(`^${source}$`);
	return Object.keys(node.files)
		.filter((path) => re.test(path) && !posix.basename(path).startsWith('.'))
		.sort();
}
