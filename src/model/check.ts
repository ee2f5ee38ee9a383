import {z} from 'zod';
import {Section, Severity} from './status.js';
import {PssSchema} from './pss.js';

/** Pod-template kinds: every workload check runs against each of them. */
export const workloadKinds = [
	'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController',
] as const;

export const Scope = z.enum(['cluster', 'namespace', 'object', 'workload', 'container', 'node']);
export type Scope = z.infer<typeof Scope>;

export const Platform = z.enum(['linux', 'windows']);
export type Platform = z.infer<typeof Platform>;

const idPattern = /^[a-z]+\.[a-z0-9][a-z0-9-]*$/;

/**
 * How a node check judges Windows nodes when its intent is the Linux one but the facts differ
 * (sshd's key file ACL, Windows services, ACLs instead of modes). Fields left out are the
 * check's own.
 */
export const WindowsVariantSchema = z
	.object({
		probes: z.array(z.string()).optional(),
		when: z.string().optional(),
		assert: z.string().optional(),
		violations: z.string().optional(),
		onFail: z.enum(['fail', 'warn', 'manual']).optional(),
		message: z.string().min(1).optional(),
		passMessage: z.string().optional(),
		warnWhen: z.string().optional(),
		warnMessage: z.string().optional(),
		evidence: z.array(z.string()).optional(),
		remediation: z.string().min(1).optional(),
		/** Windows nodes need their own (a finding without one falls back to the check's Linux fix). */
		playbook: z.string().optional(),
		references: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
	})
	.strict();

/**
 * A check as written in checks/<section>/<id>.yaml. CEL strings are compiled by the catalogue,
 * so a typo fails at load with file and line, never mid-audit.
 */
export const CheckSchema = z
	.object({
		id: z.string().regex(idPattern, 'must be <section>.<slug>, lower-case'),
		section: Section,
		title: z.string().min(1),
		severity: Severity,
		scope: Scope,
		rationale: z.string().min(1),
		references: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
		/** object scope: the kinds iterated (e.g. ClusterRoleBinding). */
		kinds: z.array(z.string()).optional(),
		/** Resource lists (plural names) and cluster facts (readyz, apiserver-cert) the check reads. */
		needs: z.array(z.string()).default([]),
		/** node scope: the probes whose facts the check reads; each becomes a CEL variable. */
		probes: z.array(z.string()).default([]),
		platforms: z.array(Platform).optional(),
		/** Only user namespaces are judged; system namespaces come out `accepted`. */
		userNamespacesOnly: z.boolean().default(false),
		/** CEL: when false the target is not applicable and nothing is reported for it. */
		when: z.string().optional(),
		assert: z.string().optional(),
		/** CEL evaluated for failing targets: a list of strings, each a reason shown as evidence. */
		violations: z.string().optional(),
		/**
		 * Status given when the assertion is false: informational checks use `warn`; checks that
		 * pass when a control is detected but otherwise need the operator's word use `manual`.
		 */
		onFail: z.enum(['fail', 'warn', 'manual']).default('fail'),
		message: z.string().min(1),
		passMessage: z.string().optional(),
		/**
		 * CEL evaluated when the assertion holds: true makes the finding `warn` with `warnMessage`
		 * instead of `pass` (judged, nothing wrong found, but part of the judgement was missing).
		 */
		warnWhen: z.string().optional(),
		warnMessage: z.string().optional(),
		/** Object paths shown as evidence, relative to a variable (container.securityContext.privileged). */
		evidence: z.array(z.string()).default([]),
		remediation: z.string().min(1),
		playbook: z.string().optional(),
		manual: z.boolean().default(false),
		question: z.string().optional(),
		article: z.string().optional(),
		/** The Pod Security Standard control this check implements, exactly as PSA defines it. */
		pss: PssSchema.optional(),
		windows: WindowsVariantSchema.optional(),
	})
	.strict()
	.superRefine((check, ctx) => {
		if (!check.id.startsWith(`${check.section}.`)) {
			ctx.addIssue({code: 'custom', path: ['id'], message: `must start with its section "${check.section}."`});
		}
		if (check.manual && !check.question) {
			ctx.addIssue({code: 'custom', path: ['question'], message: 'a manual check needs a question'});
		}
		if (!check.manual && !check.assert) {
			ctx.addIssue({code: 'custom', path: ['assert'], message: 'required unless the check is manual'});
		}
		if (check.warnWhen !== undefined && !check.warnMessage) {
			ctx.addIssue({code: 'custom', path: ['warnMessage'], message: 'warnWhen needs the message to show'});
		}
		if (check.scope === 'object' && !check.kinds?.length) {
			ctx.addIssue({code: 'custom', path: ['kinds'], message: 'object scope needs the kinds it iterates'});
		}
		if (check.pss && check.scope !== 'workload' && check.scope !== 'container') {
			ctx.addIssue({code: 'custom', path: ['pss'], message: 'only workload and container checks implement a Pod Security Standard control'});
		}
		if (check.pss && check.pss.level !== 'restricted' && check.pss.overrides.length) {
			ctx.addIssue({code: 'custom', path: ['pss', 'overrides'], message: 'only restricted controls override baseline ones (as in PSA)'});
		}
		if (check.windows && !(check.platforms?.includes('windows') && check.platforms.includes('linux'))) {
			ctx.addIssue({code: 'custom', path: ['windows'], message: 'a windows variant is for a check on both linux and windows nodes (a Windows-only check says platforms: [windows])'});
		}
		if (check.scope === 'node' && !check.platforms?.length) {
			ctx.addIssue({code: 'custom', path: ['platforms'], message: 'node checks list their platforms'});
		}
	});

export type Check = Readonly<z.infer<typeof CheckSchema>>;

/** A golden case: inputs, and the status expected for each named target. */
export const CheckCaseSchema = z
	.object({
		name: z.string().min(1),
		objects: z.array(z.record(z.string(), z.unknown())).default([]),
		facts: z.record(z.string(), z.unknown()).default({}),
		/** node checks: recorded probe output per node, parsed by the real probe parsers. */
		nodes: z
			.array(
				z.object({
					name: z.string(),
					os: z.enum(['linux', 'windows']).default('linux'),
					role: z.enum(['control-plane', 'worker']).default('worker'),
					sudo: z.enum(['ok', 'refused']).default('ok'),
					probes: z.record(z.string(), z.string()).default({}),
				}),
			)
			.default([]),
		expect: z
			.array(z.object({target: z.string(), status: z.enum(['pass', 'fail', 'warn', 'error', 'skip', 'manual', 'accepted'])}))
			.min(1),
	})
	.strict();

export const CheckCasesSchema = z.object({cases: z.array(CheckCaseSchema).min(1)}).strict();
export type CheckCase = z.infer<typeof CheckCaseSchema>;
