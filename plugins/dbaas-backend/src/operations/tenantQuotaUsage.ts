import type { TenantQuotaUsage } from '@internal/backstage-plugin-dbaas-common';
import type { RouteContext } from '../router/routes/RouteContext';

/**
 * Each tenant's limits and what its live databases and backups use, in the
 * tenants' order: three statements for any number of tenants. Decides
 * nothing about who may see them.
 */
export async function tenantQuotaUsage(
  ctx: Pick<RouteContext, 'services' | 'backups'>,
  tenants: string[],
): Promise<TenantQuotaUsage[]> {
  const [quotaUsage, backups] = await Promise.all([
    ctx.services.listQuotaUsage(tenants),
    ctx.backups.countBackupsOf(tenants),
  ]);
  return tenants.map((tenant, i) => ({
    tenant,
    quota: quotaUsage[i].quota,
    usage: { ...quotaUsage[i].usage, backups: backups[i] },
  }));
}
