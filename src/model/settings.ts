import {z} from 'zod';
import {expiryIssue, isBlank} from './waiver-rules.js';

const signed = z.string().min(1).refine((text) => !isBlank(text), 'must not be blank');

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
	})
	.strict();

/** `.aks-harden.yaml` in the working folder: meant for git, reviewed like code. */
export const SettingsFileSchema = z
	.object({
		registries: z.object({allowed: z.array(z.string().min(1)).default([])}).strict().optional(),
		waivers: z.array(WaiverSchema).default([]),
	})
	.strict();

export type Waiver = z.infer<typeof WaiverSchema>;
export type SettingsFile = z.infer<typeof SettingsFileSchema>;
