import type { z as zod } from 'zod/v3';

/**
 * The fields of a database an agent reads most, as in the API's answers;
 * every other field of the answer is passed through as it is.
 */
export const databaseSummarySchema = (z: typeof zod) =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      tenant: z.string(),
      organization: z.string(),
      engine: z.string(),
      plan: z.string(),
      region: z.string(),
      status: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
    })
    .passthrough();

/** A tenant's limits, or what of them is used or left. */
export const quotaAmountsSchema = (z: typeof zod) =>
  z.object({
    instances: z.number(),
    storageGi: z.number(),
    cpu: z.number(),
    memoryGi: z.number(),
    backups: z.number(),
  });
