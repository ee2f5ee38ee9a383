import {z} from 'zod';

/** `--inventory FILE`: per-node overrides of how to reach it. */
export const InventorySchema = z
	.object({
		nodes: z
			.array(
				z
					.object({
						name: z.string().min(1),
						address: z.string().min(1).optional(),
						port: z.number().int().min(1).max(65535).optional(),
						user: z.string().min(1).optional(),
						key: z.string().min(1).optional(),
						jump: z.string().min(1).optional(),
						os: z.enum(['linux', 'windows']).optional(),
						role: z.enum(['control-plane', 'worker']).optional(),
						/** How this node's host checks reach it, over --node-access (README "Nodes through Kubernetes"). */
						access: z.enum(['ssh', 'kubernetes', 'auto']).optional(),
					})
					.strict(),
			)
			.min(1),
	})
	.strict();

export type Inventory = z.infer<typeof InventorySchema>;
export type InventoryEntry = Inventory['nodes'][number];
