import { z } from 'zod';

/** Where a claim is in its life. @public */
export const CLAIM_PHASES = [
  'Pending',
  'Provisioning',
  'Active',
  'Failed',
  'Deleting',
] as const;

/** A Kubernetes-style condition (Ready, BackupConfigured, Degraded, ...). @public */
export const claimConditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  /** The spec generation the condition was computed for. */
  observedGeneration: z.number().int().min(0).optional(),
});

/**
 * What the operator reports back. Connection details name the Secret holding the
 * password; the password itself never appears in a claim.
 * @public
 */
export const serviceClaimStatusSchema = z.object({
  phase: z.enum(CLAIM_PHASES).optional(),
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(claimConditionSchema).optional(),
  connection: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      database: z.string().optional(),
      username: z.string().optional(),
      passwordSecretRef: z
        .object({ name: z.string().min(1), key: z.string().min(1) })
        .optional(),
    })
    .optional(),
  endpoints: z
    .array(z.object({ name: z.string().min(1), url: z.string().min(1) }))
    .optional(),
});

/** @public */
export type ServiceClaimStatus = z.infer<typeof serviceClaimStatusSchema>;
