import type {
  ClaimFootprint,
  TenantQuota,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * What a tenant may still use: its limits less what its live databases use.
 * Not CDC pipelines, which the usage counts too: a new database declares none
 * (a create request's config has no `cdc`), so they never stop one.
 */
export function quotaLeft(
  usage: TenantQuotaUsage,
): Omit<TenantQuota, 'cdcPipelines'> {
  const { quota, usage: used } = usage;
  return {
    instances: quota.instances - used.instances,
    storageGi: quota.storageGi - used.storageGi,
    cpu: quota.cpu - used.cpu,
    memoryGi: quota.memoryGi - used.memoryGi,
    backups: quota.backups - used.backups,
  };
}

/** The limits a new database would pass, e.g. `storageGi (needs 300, 200 left)`. */
export function quotaShortfalls(
  left: Omit<TenantQuota, 'cdcPipelines'>,
  footprint: ClaimFootprint,
): string[] {
  return (Object.keys(footprint) as (keyof ClaimFootprint)[])
    .filter(key => footprint[key] > left[key])
    .map(key => `${key} (needs ${footprint[key]}, ${left[key]} left)`);
}
