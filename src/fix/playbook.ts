import {z} from 'zod';

/**
 * A playbook as written in playbooks/<id>.yaml: what a fix changes, how risky it is, and whether
 * the change survives an AKS hybrid upgrade. Steps are typed data; none of them is shell.
 */
export const risks = ['safe', 'guided', 'manual', 'never'] as const;
export const Risk = z.enum(risks);
export type Risk = z.infer<typeof Risk>;

export const Durability = z.enum(['persistent', 'ephemeral']);
export type Durability = z.infer<typeof Durability>;

const idPattern = /^[a-z]+\.[a-z0-9][a-z0-9-]*$/;

/** Dotted paths relative to a container or a pod spec: `securityContext.capabilities.drop`. */
const fieldPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'must be a dotted field path such as securityContext.privileged');

export const ParameterSchema = z
	.object({
		name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a plain name: letters and digits'),
		description: z.string().min(1),
		type: z.enum(['integer', 'string', 'quantity', 'enum', 'yaml']),
		values: z.array(z.string()).optional(),
		default: z.union([z.string(), z.number()]).optional(),
		/** For an integer: the smallest value accepted (1 for a user id that must not be root). */
		minimum: z.number().int().optional(),
		/** Needed only when the current state asks for it (runAsUser when the container runs as uid 0). */
		required: z.enum(['always', 'never', 'when-root']).default('always'),
		/** Where a suggested value may come from; the operator still confirms it. */
		suggest: z.enum(['metrics-cpu', 'metrics-memory']).optional(),
	})
	.strict()
	.superRefine((parameter, ctx) => {
		if (parameter.type === 'enum' && !parameter.values?.length) ctx.addIssue({code: 'custom', path: ['values'], message: 'an enum parameter lists its values'});
	});
export type Parameter = z.infer<typeof ParameterSchema>;

/** A value in a step: literal data, or `${name}` naming a parameter. */
const StepValue = z.unknown();

export const WorkloadPatchStep = z
	.object({
		type: z.literal('workload-patch'),
		/** container: the finding's container, matched by name; pod: the pod template's spec. */
		level: z.enum(['container', 'pod']).default('container'),
		set: z.record(fieldPath, StepValue).default({}),
		/** Set only where the field is absent: a limit the team already chose stays theirs. */
		fill: z.record(fieldPath, StepValue).default({}),
		unset: z.array(fieldPath).default([]),
		/**
		 * List fields filtered down to these values (capabilities.add keeps NET_BIND_SERVICE only).
		 * An item is kept when it names a value regardless of case or a leading CAP_, as container
		 * runtimes read it, and is written exactly as listed, as Pod Security Admission compares.
		 */
		keep: z.record(fieldPath, z.array(z.string())).default({}),
		/**
		 * Replace a value only where it is wrong: `when` lists the wrong values (runAsUser 0),
		 * `unless` the right ones (a Localhost seccomp profile the team tailored stays). An absent
		 * field is wrong for `unless`, left alone for `when`. `with: null` removes the field.
		 */
		replace: z
			.record(
				fieldPath,
				z
					.object({with: StepValue, when: z.array(z.unknown()).optional(), unless: z.array(z.unknown()).optional()})
					.strict()
					.refine((rule) => (rule.when === undefined) !== (rule.unless === undefined), 'give either when (the wrong values) or unless (the right ones)'),
			)
			.default({}),
	})
	.strict();

export const NamespaceLabelStep = z
	.object({
		type: z.literal('namespace-label'),
		/** One confirmed stage per entry: warn + audit first, enforce after. */
		stages: z
			.array(
				z
					.object({
						name: z.string().min(1),
						labels: z.record(z.string(), z.string()).refine((labels) => Object.keys(labels).length > 0, 'at least one label'),
						/** Dry-run this label first and show the API server's warnings (PSA: pods that would be rejected). */
						preview: z.record(z.string(), z.string()).optional(),
					})
					.strict(),
			)
			.min(1),
	})
	.strict();

export const ApplyObjectStep = z
	.object({
		type: z.literal('apply-object'),
		/** The parameter (type yaml) holding the object, shown and editable before it is applied. */
		parameter: z.string().min(1),
	})
	.strict();

export const ServiceAccountPatchStep = z
	.object({
		type: z.literal('service-account-patch'),
		name: z.string().min(1),
		set: z.record(z.string(), StepValue),
	})
	.strict();

export const FileValidator = z.enum(['sshd', 'toml', 'yaml', 'sysctl', 'audit-rules', 'kubelet', 'containerd', 'none']);
export type FileValidator = z.infer<typeof FileValidator>;

export const FileFormat = z.enum(['sshd', 'toml', 'yaml', 'sysctl', 'drop-in']);
export type FileFormat = z.infer<typeof FileFormat>;

export const FileSetting = z
	.object({
		key: z.string().min(1),
		/** A list for YAML lists (the kubelet's tlsCipherSuites). */
		value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string()).min(1)]).optional(),
		/**
		 * CEL over the probe facts giving the value, for lists the node's own sshd must support:
		 * its current ciphers without the weak ones, rather than a list it may not know.
		 */
		compute: z.string().optional(),
		/**
		 * CEL over the node's probe facts: true when this setting is needed. Without it a setting is
		 * needed when the current value differs; with it a stricter value the operator set stays.
		 */
		when: z.string().optional(),
	})
	.strict();

export const FileSetStep = z
	.object({
		type: z.literal('file-set'),
		format: FileFormat,
		/** The file written. For sshd: the drop-in used when `main` includes its folder. */
		path: z.string().regex(/^\/[^\0]*$/, 'an absolute path'),
		/** sshd: the main configuration, edited instead when it does not include the drop-in folder. */
		main: z.string().regex(/^\/[^\0]*$/, 'an absolute path').optional(),
		/** The file the node's own daemon reads instead of `path`: the kubelet's `--config` as its probe found it. */
		pathFrom: z.enum(['kubelet-config']).optional(),
		/** Mode of a file the step creates (an existing file keeps its own mode and owner). */
		mode: z.string().regex(/^0?[0-7]{3}$/, 'an octal mode such as 0600').default('0644'),
		settings: z.array(FileSetting).min(1),
		/** Keys never written, whatever a playbook or parameter says. */
		forbidden: z.array(z.string()).default([]),
		/** kubelet: a KubeletConfiguration schema parse; containerd: TOML plus the keys containerd knows. */
		validate: FileValidator,
	})
	.strict();

export const FileModeStep = z
	.object({
		type: z.literal('file-mode'),
		/** Per kind of file (as the file-modes probe names them): the most permissive mode and the owners allowed. */
		rules: z
			.array(
				z
					.object({
						kind: z.string().min(1),
						max: z.string().regex(/^[0-7]{3,4}$/, 'octal digits such as 600'),
						owner: z.string().default('root'),
						groups: z.array(z.string()).min(1).default(['root']),
					})
					.strict(),
			)
			.min(1),
	})
	.strict();

export const ServiceReloadStep = z
	.object({
		type: z.literal('service-reload'),
		/** Only what the playbook names is reloaded; kubelet and containerd restarts are never automated. */
		service: z.enum(['sshd', 'sysctl']),
	})
	.strict();

export const ServiceStateStep = z
	.object({
		type: z.literal('service-state'),
		/**
		 * masked: stop, disable and mask each unit the finding names, with the .socket/.path/.timer
		 * units that would start it again. Protected units (sshd, kubelet, containerd, the Azure and
		 * MOC agents, systemd's own, networking, time sync, auditd, journald) are always refused.
		 */
		state: z.literal('masked').default('masked'),
		triggers: z.boolean().default(true),
	})
	.strict();

/**
 * Windows nodes: disable each service the finding names (Set-Service -StartupType Disabled,
 * Stop-Service; protected services refused), turn each firewall profile that is off on, or turn
 * the SMBv1 server protocol off. The prior state is recorded for undo.
 */
export const WindowsStateStep = z
	.object({
		type: z.literal('windows-state'),
		setting: z.enum(['service', 'firewall-profile', 'smb1']),
	})
	.strict();

/**
 * Windows nodes: the settings written into %ProgramData%\ssh\sshd_config (before its Match
 * blocks), validated with `sshd -t`, sshd restarted and a fresh login checked.
 */
export const WindowsSshdStep = z
	.object({
		type: z.literal('windows-sshd'),
		settings: z.array(FileSetting).min(1),
	})
	.strict();

export const AuditRulesStep = z
	.object({
		type: z.literal('audit-rules'),
		/** The drop-in written; augenrules merges /etc/audit/rules.d into the loaded rules. */
		path: z.string().regex(/^\/etc\/audit\/rules\.d\/[\w.-]+\.rules$/, 'a file in /etc/audit/rules.d ending in .rules'),
		/** The audit key of every watch, for `ausearch -k`. */
		key: z.string().regex(/^[A-Za-z0-9_-]{1,31}$/, 'letters, digits, - and _'),
	})
	.strict();
/**
 * Registry credentials written in containerd's config.toml: nothing is written by this step (no
 * file containerd reads can hold them apart from config.toml); the plan gets a note with the
 * auth tables to take out, as a diff whose values are all redacted, and the order to do it in.
 * A file-mode step beside it makes the file root-only.
 */
export const RegistryCredentialsStep = z
	.object({
		type: z.literal('registry-credentials'),
		path: z.string().regex(/^\/[^\0]*$/, 'an absolute path').default('/etc/containerd/config.toml'),
	})
	.strict();

/**
 * Restarts kubelet or containerd after the file-set steps, only inside the node-safe rollout:
 * preflight → cordon → drain (Eviction API) → back up → write → validate → restart → wait for
 * Node Ready and the daemon's health → on failure restore, restart and stop → uncordon; one node
 * after another.
 */
export const DaemonRestartStep = z
	.object({
		type: z.literal('daemon-restart'),
		unit: z.enum(['kubelet', 'containerd']),
		/** How long evictions may wait for PodDisruptionBudgets before the node is given up (and uncordoned). */
		drainTimeoutSeconds: z.number().int().min(5).default(300),
		/** How long the restarted daemon has to bring the Node back Ready before the backup goes back. */
		readyTimeoutSeconds: z.number().int().min(5).default(180),
	})
	.strict();
export type DaemonRestart = z.infer<typeof DaemonRestartStep>;

export const StepSchema = z.discriminatedUnion('type', [
	WorkloadPatchStep,
	NamespaceLabelStep,
	ApplyObjectStep,
	ServiceAccountPatchStep,
	FileSetStep,
	FileModeStep,
	ServiceReloadStep,
	ServiceStateStep,
	AuditRulesStep,
	DaemonRestartStep,
	RegistryCredentialsStep,
	WindowsStateStep,
	WindowsSshdStep,
]);
export type Step = z.infer<typeof StepSchema>;
export type WorkloadPatch = z.infer<typeof WorkloadPatchStep>;
export type FileSet = z.infer<typeof FileSetStep>;
export type FileModeRules = z.infer<typeof FileModeStep>;
export type ServiceState = z.infer<typeof ServiceStateStep>;
export type AuditRules = z.infer<typeof AuditRulesStep>;
export type WindowsState = z.infer<typeof WindowsStateStep>;
export type WindowsSshd = z.infer<typeof WindowsSshdStep>;

export const PlaybookSchema = z
	.object({
		id: z.string().regex(idPattern, 'must be <section>.<slug>, lower-case'),
		title: z.string().min(1),
		/** Check ids this playbook fixes. */
		fixes: z.array(z.string().regex(idPattern)).min(1),
		risk: Risk,
		durability: Durability,
		/** What the fix does, in words, shown on every fix screen. */
		summary: z.string().min(1),
		/** What can go wrong when it is applied: shown before the operator confirms. */
		impact: z.string().optional(),
		/** manual / never: why the tool does not do it, and what to do instead. */
		why: z.string().optional(),
		instead: z.string().optional(),
		/** Namespaces the playbook refuses to touch beyond the platform's system namespaces. */
		refuseSystemNamespaces: z.boolean().default(true),
		parameters: z.array(ParameterSchema).default([]),
		steps: z.array(StepSchema).default([]),
	})
	.strict()
	.superRefine((playbook, ctx) => {
		const automated = playbook.risk === 'safe' || playbook.risk === 'guided';
		if (automated && !playbook.steps.length) ctx.addIssue({code: 'custom', path: ['steps'], message: `a ${playbook.risk} playbook has at least one step`});
		if (!automated && (!playbook.why || !playbook.instead)) {
			ctx.addIssue({code: 'custom', path: [playbook.why ? 'instead' : 'why'], message: `a ${playbook.risk} playbook says why it is not automated and what to do instead`});
		}
		if (playbook.risk === 'never' && playbook.steps.length) ctx.addIssue({code: 'custom', path: ['steps'], message: 'a never playbook has no steps: the tool refuses it'});
		const names = new Set(playbook.parameters.map((parameter) => parameter.name));
		playbook.steps.forEach((step, index) => {
			if (step.type === 'apply-object' && !names.has(step.parameter)) {
				ctx.addIssue({code: 'custom', path: ['steps', index, 'parameter'], message: `names no parameter "${step.parameter}"`});
			}
			const hostStep = step.type === 'file-set' || step.type === 'file-mode' || step.type === 'service-reload' || step.type === 'service-state' || step.type === 'audit-rules' || step.type === 'daemon-restart' || step.type === 'registry-credentials' || step.type === 'windows-state' || step.type === 'windows-sshd';
			if (step.type === 'daemon-restart') {
				if (!playbook.steps.some((other) => other.type === 'file-set')) ctx.addIssue({code: 'custom', path: ['steps', index], message: 'a daemon-restart follows the file-set step whose file it makes the daemon read'});
				if (playbook.steps.some((other) => other.type === 'service-reload' || other.type === 'file-mode')) ctx.addIssue({code: 'custom', path: ['steps', index], message: 'a daemon-restart playbook has no service-reload or file-mode step: the rollout restarts the daemon once'});
			}
			if (hostStep && playbook.durability !== 'ephemeral') {
				ctx.addIssue({code: 'custom', path: ['durability'], message: 'host edits are ephemeral: an upgrade or reimage discards them'});
			}
			if (!hostStep && playbook.durability !== 'persistent') {
				ctx.addIssue({code: 'custom', path: ['durability'], message: 'Kubernetes objects are persistent'});
			}
			if (step.type === 'file-set') {
				step.settings.forEach((setting, settingIndex) => {
					if ((setting.value === undefined) === (setting.compute === undefined)) {
						ctx.addIssue({code: 'custom', path: ['steps', index, 'settings', settingIndex, 'value'], message: 'give either value or compute'});
					}
					if (isForbiddenKey(step.format, setting.key, step.forbidden)) {
						ctx.addIssue({code: 'custom', path: ['steps', index, 'settings', settingIndex, 'key'], message: `${setting.key} is never changed by this tool`});
					}
				});
			}
		});
	});

export type Playbook = Readonly<z.infer<typeof PlaybookSchema>>;

/**
 * Keys no playbook may write. Pod networking (Calico) depends on IP forwarding, bridge netfilter
 * and reverse-path filtering; sshd access rules are what Microsoft's log collection and
 * certificate repair log in through (research §5.3).
 */
const neverSysctl = [/^net\.ipv4\.ip_forward$/, /^net\.ipv6\.conf\.[^.]+\.forwarding$/, /^net\.bridge\.bridge-nf-call-/, /\.rp_filter$/];
const neverSshd = ['allowusers', 'denyusers', 'allowgroups', 'denygroups', 'authorizedkeysfile', 'authorizedkeyscommand', 'authorizedkeyscommanduser', 'match', 'include', 'port', 'listenaddress'];

export function isForbiddenKey(format: FileFormat, key: string, extra: readonly string[] = []): boolean {
	if (extra.some((pattern) => pattern.toLowerCase() === key.toLowerCase())) return true;
	if (format === 'sysctl') return neverSysctl.some((pattern) => pattern.test(key.replaceAll('/', '.')));
	if (format === 'sshd') return neverSshd.includes(key.toLowerCase());
	return false;
}
