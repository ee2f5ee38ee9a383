import {z} from 'zod';
import type {Target} from '../model/target.js';
import {Durability, FileValidator, Risk} from './playbook.js';

/**
 * Plans and changes are plain data: `--plan FILE` writes them as JSON, a reviewer reads them,
 * and `--apply FILE` applies exactly them. Every change carries the digest of what it expects to
 * find, so a target that moved since the plan is refused instead of overwritten.
 */

const TargetSchema = z.union([
	z.object({cluster: z.literal(true)}),
	z.object({kind: z.string(), namespace: z.string().optional(), name: z.string(), container: z.string().optional()}),
	z.object({namespace: z.string()}),
	z.object({node: z.string()}),
]);

export const FindingRefSchema = z.object({checkId: z.string(), target: TargetSchema});
export type FindingRef = {readonly checkId: string; readonly target: Target};

export const ObjectRefSchema = z.object({
	apiVersion: z.string(),
	kind: z.string(),
	namespace: z.string().optional(),
	name: z.string(),
});
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

/** `Deployment/shop/web`, `ClusterRoleBinding/ops-admin`: how an object is named in every message and log entry. */
export function labelOf(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
	return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `os` is set for Windows nodes: they are reached as Administrator and run PowerShell. */
export const NodeRefSchema = z.object({name: z.string(), address: z.string(), os: z.enum(['linux', 'windows']).optional()});
export type NodeRef = z.infer<typeof NodeRefSchema>;

export const PatchTypeSchema = z.enum(['strategic', 'merge', 'json']);
export type PatchType = z.infer<typeof PatchTypeSchema>;

/** `absent`: the object or file does not exist (yet). */
export const ABSENT = 'absent';

const common = {
	id: z.string(),
	/** One line: what this change does to which target. */
	summary: z.string(),
	fixes: z.array(FindingRefSchema),
	/** Digest of the target as planned; `absent` when it does not exist yet. */
	beforeDigest: z.string(),
	/** Digest of the target once changed: equal means there is nothing left to do. */
	afterDigest: z.string(),
	/** Unified diff of the change, as shown to the operator. */
	diff: z.string(),
	/** What else the change causes: a rollout, a reload, pods a label would reject. */
	effects: z.array(z.string()).default([]),
	warnings: z.array(z.string()).default([]),
};

export const KubeChangeSchema = z.object({
	...common,
	type: z.literal('kube'),
	target: ObjectRefSchema,
	operation: z.enum(['patch', 'create']),
	patchType: PatchTypeSchema.optional(),
	/** The patch body, or the whole object to create. */
	body: z.unknown(),
	/** A stage of a staged rollout (PSA warn/audit, then enforce): confirmed on its own. */
	stage: z.string().optional(),
});
export type KubeChange = z.infer<typeof KubeChangeSchema>;

export const RestartSchema = z.object({
	unit: z.enum(['kubelet', 'containerd']),
	drainTimeoutSeconds: z.number().int().positive(),
	readyTimeoutSeconds: z.number().int().positive(),
});
export type Restart = z.infer<typeof RestartSchema>;

export const FileChangeSchema = z.object({
	...common,
	type: z.literal('file'),
	node: NodeRefSchema,
	path: z.string(),
	/** The whole new content; its sha256 is afterDigest. */
	content: z.string(),
	/** Mode for a file created by the change (an existing file keeps its own). */
	mode: z.string(),
	validate: FileValidator,
	reload: z.enum(['sshd', 'sysctl', 'auditd']).optional(),
	/** kubelet / containerd: applied only through the node-safe rollout (cordon, drain, restart, Ready, uncordon). */
	restart: RestartSchema.optional(),
});
export type FileChange = z.infer<typeof FileChangeSchema>;

export const ModeChangeSchema = z.object({
	...common,
	type: z.literal('mode'),
	node: NodeRefSchema,
	path: z.string(),
	before: z.object({mode: z.string(), owner: z.string(), group: z.string()}),
	after: z.object({mode: z.string(), owner: z.string(), group: z.string()}),
});
export type ModeChange = z.infer<typeof ModeChangeSchema>;

export const UnitStateSchema = z.object({
	unit: z.string(),
	enabled: z.string(),
	active: z.string(),
	links: z.array(z.object({path: z.string(), target: z.string()})),
});

/** A unit and its triggers stopped, disabled and masked; `before` is what undo puts back. */
export const ServiceChangeSchema = z.object({
	...common,
	type: z.literal('service'),
	node: NodeRefSchema,
	/** The unit the finding named; `units` adds the .socket/.path/.timer units that start it. */
	unit: z.string(),
	units: z.array(z.string()).min(1),
	before: z.array(UnitStateSchema),
});
export type ServiceChange = z.infer<typeof ServiceChangeSchema>;

export const WindowsSettingSchema = z.enum(['service', 'firewall-profile', 'smb1', 'sshd-config']);

/** A Windows setting (a service's start type and state, a firewall profile, SMBv1); `before` is what undo sets again. */
export const WindowsChangeSchema = z.object({
	...common,
	type: z.literal('windows-state'),
	node: NodeRefSchema,
	setting: WindowsSettingSchema,
	/** The service name, the profile (Domain, Private, Public), or SMB1. */
	name: z.string(),
	before: z.record(z.string(), z.string()),
	after: z.record(z.string(), z.string()),
	/** sshd-config: the whole new file; its sha256 is afterDigest. */
	content: z.string().optional(),
});
export type WindowsChange = z.infer<typeof WindowsChangeSchema>;

export const ChangeSchema = z.discriminatedUnion('type', [KubeChangeSchema, FileChangeSchema, ModeChangeSchema, ServiceChangeSchema, WindowsChangeSchema]);
export type Change = z.infer<typeof ChangeSchema>;

export const PlanStatus = z.enum([
	/** Changes to confirm and apply. */
	'ready',
	/** Already in the wanted state. */
	'nothing-to-do',
	/** The playbook is manual: instructions only. */
	'manual',
	/** The tool will not do this: a never playbook, a system namespace, a bare Pod. */
	'refused',
	/** A value only the operator can give (runAsUser, a memory limit). */
	'needs-parameters',
	/** The server's dry-run, or the node, said no: nothing was changed. */
	'rejected',
	/** The plan could not be made (the object is gone, the node unreachable). */
	'error',
]);
export type PlanStatus = z.infer<typeof PlanStatus>;

export const PlanSchema = z.object({
	id: z.string(),
	title: z.string(),
	playbooks: z.array(z.object({id: z.string(), title: z.string(), risk: Risk, durability: Durability})),
	/** The highest risk of the playbooks involved, and ephemeral when any change is. */
	risk: Risk,
	durability: Durability,
	summary: z.string(),
	impact: z.string().optional(),
	findings: z.array(FindingRefSchema),
	status: PlanStatus,
	reason: z.string().optional(),
	/** manual / never / refused: why, and what the operator can do instead. */
	instructions: z.string().optional(),
	/** Parameters still needed, with what is known to suggest a value. */
	missing: z.array(z.object({name: z.string(), description: z.string(), suggestion: z.string().optional()})).default([]),
	parameters: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
	/** Findings of the group the changes leave out, and why (a parameter missing, a debug container). */
	notes: z.array(z.string()).default([]),
	changes: z.array(ChangeSchema),
});
export type Plan = z.infer<typeof PlanSchema>;

/** Distinct targets a plan touches: more than one means the operator types the number to confirm. */
export function targetsOf(changes: readonly Change[]): string[] {
	const keys = changes.map((change) => {
		if (change.type === 'kube') return `${change.target.kind}/${change.target.namespace ?? ''}/${change.target.name}`;
		// Each unit is confirmed on its own: several units on one node are several targets.
		if (change.type === 'service') return `node/${change.node.name}:${change.unit}`;
		if (change.type === 'windows-state') return `node/${change.node.name}:${change.name}`;
		return `node/${change.node.name}`;
	});
	return [...new Set(keys)];
}

export const riskRank = (risk: Risk): number => ['safe', 'guided', 'manual', 'never'].indexOf(risk);
