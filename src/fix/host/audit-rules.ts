// The audit-rules step: a drop-in in /etc/audit/rules.d with a watch for each Kubernetes path
// of the node that no rule file watches yet. The file goes through the same backup, atomic
// rename, validation, reload (augenrules --load), re-check and undo as every host file.
import type {NodeFacts} from '../../engine/facts.js';
import type {AuditdFacts} from '../../probes/auditd.js';
import type {NodeShell} from '../../transports/interfaces.js';
import {sha256, textDigest} from '../digest.js';
import type {FileChange, NodeRef} from '../model.js';
import {newId, type PlanItem} from '../plan-base.js';
import type {AuditRules} from '../playbook.js';
import {unifiedDiff} from '../text-diff.js';
import {readRemoteFile} from './remote.js';

const durabilityNote = 'ephemeral: an AKS hybrid upgrade, scale-out or node reimage replaces the node image and discards this edit; raise it with the image owner too';

/** Rule files hold auditctl options, one rule a line; anything else makes augenrules stop. */
export function auditRulesProblem(content: string): string | undefined {
	for (const [index, raw] of content.split('\n').entries()) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		if (!line.startsWith('-')) return `line ${index + 1} is not an auditctl rule: ${line.slice(0, 60)}`;
		if (line.startsWith('-w ') && !/^-w \/\S+( -p [rwxa]+)?( -k [\w-]+)?$/.test(line)) return `line ${index + 1} is not a well-formed watch: ${line.slice(0, 60)}`;
	}
	return undefined;
}

export function watchLine(path: string, key: string): string {
	return `-w ${path} -p wa -k ${key}`;
}

/**
 * The drop-in as it should be: what it holds now, plus a watch for every required path that no
 * rule file covers. Refused when auditd is not installed (the tool does not install packages).
 */
export async function planAuditRules(
	session: NodeShell,
	node: NodeRef,
	step: AuditRules,
	facts: NodeFacts,
	items: readonly PlanItem[],
): Promise<{changes: FileChange[]; notes: string[]} | {refused: string}> {
	const auditd = facts.probes.get('auditd')?.facts as AuditdFacts | undefined;
	if (!auditd) return {refused: 'the auditd probe did not run'};
	if (!auditd.installed) return {refused: 'auditd is not installed on the node: install the audit package (`tdnf install audit`, `apt-get install auditd`) and enable it; aks-harden does not install packages'};
	const notes: string[] = [];
	if (!auditd.running) notes.push('auditd is not running: the rules are loaded into the kernel now, but nothing records events until `systemctl enable --now auditd`');
	const missing = auditd.required.filter((requirement) => !requirement.configured);
	const unloaded = auditd.required.filter((requirement) => requirement.configured && !requirement.loaded);
	if (unloaded.length) notes.push(`${unloaded.map((requirement) => requirement.path).join(', ')}: a rule file already watches it, but it is not loaded; the reload after this change loads it (or run \`augenrules --load\`)`);
	if (!missing.length) return {changes: [], notes};
	const current = await readRemoteFile(session, step.path);
	const before = current.exists ? current.content : undefined;
	const header = `# Written by aks-harden (host.audit-rules): watches on the node's Kubernetes binaries and configuration.\n# Search the records with: ausearch -k ${step.key}\n`;
	const base = before === undefined ? header : before.endsWith('\n') || before === '' ? before : `${before}\n`;
	const after = `${base}${missing.map((requirement) => `${watchLine(requirement.path, step.key)}\n`).join('')}`;
	return {
		notes,
		changes: [
			{
				id: newId('change'),
				type: 'file',
				summary: `${current.exists ? 'edit' : 'create'} ${step.path} on ${node.name}: watch ${missing.map((requirement) => requirement.path).join(', ')}`,
				fixes: items.map(({finding}) => ({checkId: finding.checkId, target: finding.target})),
				node,
				path: step.path,
				content: after,
				mode: current.exists ? current.mode : '0640',
				beforeDigest: textDigest(before),
				afterDigest: sha256(after),
				diff: unifiedDiff(`${node.name}:${step.path}`, before ?? '', after, {before: current.exists ? '' : ' (absent)', after: ' (planned)'}),
				effects: [
					current.exists ? `backed up beside itself first, replaced by an atomic rename` : 'a new file, written whole by an atomic rename; undo removes it and loads the rules again',
					'then `augenrules --load` merges /etc/audit/rules.d into /etc/audit/audit.rules and loads it into the kernel',
					durabilityNote,
				],
				warnings: [],
				validate: 'audit-rules',
				reload: 'auditd',
			},
		],
	};
}
