import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from '../render/types';

/** A condition of a claim's status. */
export type ClaimCondition = NonNullable<
  ServiceClaimStatus['conditions']
>[number];

/** The condition types the operator reports on every claim. */
export const CONDITION_TYPES = {
  ready: 'Ready',
  backupConfigured: 'BackupConfigured',
  degraded: 'Degraded',
} as const;

/**
 * A condition computed for the claim's current generation. Reasons are
 * CamelCase, as Kubernetes conditions have them.
 */
export function claimCondition(
  claim: ClaimObject,
  now: Date,
  type: string,
  status: ClaimCondition['status'],
  reason: string,
  message: string,
): ClaimCondition {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: now.toISOString(),
    observedGeneration: claim.metadata.generation,
  };
}
