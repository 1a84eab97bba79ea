import type { ClaimFootprint } from '../claim/claimFootprint';
import type { TenantQuota } from './serviceRequests';
import type { TenantQuotaUsage } from './serviceResponses';

/** What a tenant may still use of each limit a new database counts against. @public */
export type QuotaLeft = Omit<TenantQuota, 'cdcPipelines'>;

/**
 * What a tenant may still use: its limits less what its live databases use.
 * Not CDC pipelines, which the usage counts too: a new database declares none
 * (a create request's config has no `cdc`), so they never stop one.
 * @public
 */
export function quotaLeft(usage: TenantQuotaUsage): QuotaLeft {
  const { quota, usage: used } = usage;
  return {
    instances: quota.instances - used.instances,
    storageGi: quota.storageGi - used.storageGi,
    cpu: quota.cpu - used.cpu,
    memoryGi: quota.memoryGi - used.memoryGi,
    backups: quota.backups - used.backups,
  };
}

/** The limits a new database would pass, e.g. `storageGi (needs 300, 200 left)`. @public */
export function quotaShortfalls(
  left: QuotaLeft,
  footprint: ClaimFootprint,
): string[] {
  return (Object.keys(footprint) as (keyof ClaimFootprint)[])
    .filter(key => footprint[key] > left[key])
    .map(key => `${key} (needs ${footprint[key]}, ${left[key]} left)`);
}
