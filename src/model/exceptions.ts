import {z} from 'zod';

/**
 * AKS hybrid platform components that break isolation rules by design. They are reported as
 * `accepted` with the reason, never hidden (checks/platform-exceptions.yaml).
 */
export const PlatformExceptionSchema = z
	.object({
		component: z.string().min(1),
		namespaces: z.array(z.string()).min(1),
		kinds: z.array(z.string()).optional(),
		/** Name prefixes (a static pod is `<prefix><node>`); `name$` matches exactly. */
		names: z.array(z.string()).min(1),
		/** Check ids or `<section>.*`. */
		checks: z.array(z.string()).min(1),
		reason: z.string().min(1),
		/**
		 * Only accept when every image comes from a platform registry (or the pod is
		 * system-critical), so a look-alike name in kube-system is still judged.
		 */
		requirePlatformImage: z.boolean().default(true),
	})
	.strict();

export const PlatformExceptionsSchema = z
	.object({
		systemNamespaces: z.array(z.string()).min(1),
		platformRegistries: z.array(z.string()).min(1),
		exceptions: z.array(PlatformExceptionSchema),
	})
	.strict();

export type PlatformException = z.infer<typeof PlatformExceptionSchema>;
export type PlatformExceptions = z.infer<typeof PlatformExceptionsSchema>;
