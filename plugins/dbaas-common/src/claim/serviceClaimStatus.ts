import { z } from 'zod';
import {
  CDC_PIPELINES_PER_DATABASE,
  claimCdcReportSchema,
} from '../cdc/cdcPipelineSchema';

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
 * The reason of a claim's conditions in a PoP that holds none of its database
 * (not one of its regions, or one a YugabyteDB universe is run from elsewhere):
 * that PoP's report says nothing about the database's health.
 * @public
 */
export const NOT_IN_THIS_POP = 'NotInThisPoP';

/** How many of a claim's backups its status lists (the newest). @public */
export const CLAIM_BACKUPS_REPORTED = 20;

/**
 * A backup the engine's operator knows of, as the claim's status reports it.
 * `backupId` is the portal's id of a manual or final backup the portal asked
 * for; a scheduled backup has none and is known by `name`, the engine object's.
 * @public
 */
export const claimBackupReportSchema = z.object({
  /** The engine's backup object (CloudNativePG Backup, ...), unique per claim. */
  name: z.string().min(1).max(253),
  type: z.enum(['scheduled', 'manual', 'final']),
  phase: z.enum(['pending', 'running', 'completed', 'failed']),
  backupId: z.string().min(1).max(64).optional(),
  /**
   * The engine's own id of a completed backup, what a restore names
   * (Barman's backup ID on PostgreSQL); the archive keeps it after the
   * backup object is gone.
   */
  engineBackupId: z.string().min(1).max(128).optional(),
  /** RFC 3339 times as the engine's operator wrote them. */
  startedAt: z.string().min(1).optional(),
  completedAt: z.string().min(1).optional(),
  sizeBytes: z.number().int().min(0).optional(),
  /** What the engine's operator says about it, for people (a failure's cause). */
  message: z.string().max(1024).optional(),
});

/** @public */
export type ClaimBackupReport = z.infer<typeof claimBackupReportSchema>;

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
  /** The claim's most recent backups, newest first. */
  backups: z
    .array(claimBackupReportSchema)
    .max(CLAIM_BACKUPS_REPORTED)
    .optional(),
  /** The claim's CDC pipelines, reported by the PoP that runs them. */
  cdc: z.array(claimCdcReportSchema).max(CDC_PIPELINES_PER_DATABASE).optional(),
});

/** @public */
export type ServiceClaimStatus = z.infer<typeof serviceClaimStatusSchema>;
