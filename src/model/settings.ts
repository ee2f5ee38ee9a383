import {z} from 'zod';
import {expiryIssue, isBlank} from './waiver-rules.js';

const signed = z.string().min(1).refine((text) => !isBlank(text), 'must not be blank');

/** An ISO time; YAML 1.1 readers may hand back a Date for an unquoted timestamp. */
const isoTime = z.union([z.string().min(1), z.date()]).transform((value) => (value instanceof Date ? value.toISOString() : value));

/** A waiver: the exception an approver signed for one check on matching targets, until a date. */
export const WaiverSchema = z
	.object({
		check: z.string().min(1),
		target: z.string().min(1),
		justification: signed,
		approver: signed,
		expires: z.union([z.string(), z.date()]).transform((value, ctx) => {
			const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
			const issue = expiryIssue(text);
			if (issue) {
				ctx.addIssue({code: 'custom', message: issue});
				return z.NEVER;
			}
			return text;
		}),
		/** When it was recorded (the walkthrough writes it); not part of what a report lists. */
		at: isoTime.optional(),
	})
	.strict();

export const attestAnswers = ['yes', 'no', 'n/a'] as const;
export type AttestAnswer = (typeof attestAnswers)[number];

/** The operator's word on a question no machine can check: who answered, when, what, and why. */
export const AttestationSchema = z
	.object({
		check: z.string().min(1),
		/** A target pattern like a waiver's; `*` answers for every target of the check. */
		target: z.string().min(1),
		answer: z.enum(attestAnswers),
		note: z.string().default(''),
		by: signed,
		at: isoTime,
	})
	.strict();

/**
 * `.aks-harden.yaml` in the working folder: meant for git, reviewed like code. The walkthrough
 * writes its waivers, attestations and notes here too, so a headless audit reports the same.
 */
export const SettingsFileSchema = z
	.object({
		registries: z.object({allowed: z.array(z.string().min(1)).default([])}).strict().optional(),
		/** How host checks reach nodes when no --node-access flag says (README "Nodes through Kubernetes"). */
		nodeAccess: z
			.object({
				mode: z.enum(['ssh', 'kubernetes', 'auto']).optional(),
				probeImage: z.string().min(1).optional(),
				probeNamespace: z.string().min(1).optional(),
			})
			.strict()
			.optional(),
		waivers: z.array(WaiverSchema).default([]),
		attestations: z.array(AttestationSchema).default([]),
		/** Free notes by check id: shown once per check in every report format. */
		notes: z.record(z.string().min(1), z.string()).default({}),
	})
	.strict();

export type Waiver = z.infer<typeof WaiverSchema>;
export type Attestation = z.infer<typeof AttestationSchema>;
export type SettingsFile = z.infer<typeof SettingsFileSchema>;
