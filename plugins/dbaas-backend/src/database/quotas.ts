import type { ClaimFootprint } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { QuotaExceededError } from './QuotaExceededError';
import type { TenantQuota, TenantUsage } from './ServiceStore';
import { whereAnyOf } from './whereAnyOf';

export type RawQuotaRow = {
  tenant: string;
  max_instances: number;
  max_storage_gi: number;
  max_cpu: number;
  max_memory_gi: number;
  max_backups: number;
  max_cdc_pipelines: number;
};

/** Limits a tenant starts with until an org owner sets its own. */
export const DEFAULT_TENANT_QUOTA: TenantQuota = {
  instances: 10,
  storageGi: 10 * 1024,
  cpu: 64,
  memoryGi: 256,
  backups: 100,
  cdcPipelines: 20,
};

export function toQuota(row: RawQuotaRow): TenantQuota {
  return {
    instances: Number(row.max_instances),
    storageGi: Number(row.max_storage_gi),
    cpu: Number(row.max_cpu),
    memoryGi: Number(row.max_memory_gi),
    backups: Number(row.max_backups),
    cdcPipelines: Number(row.max_cdc_pipelines),
  };
}

export function toQuotaRow(tenant: string, quota: TenantQuota): RawQuotaRow {
  return {
    tenant,
    max_instances: quota.instances,
    max_storage_gi: quota.storageGi,
    max_cpu: quota.cpu,
    max_memory_gi: quota.memoryGi,
    max_backups: quota.backups,
    max_cdc_pipelines: quota.cdcPipelines,
  };
}

/**
 * Reads the tenant's quota and locks its row until the transaction ends
 * (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers itself), so
 * concurrent changes of one tenant are checked one after another.
 */
export async function lockQuota(
  tx: Knex.Transaction,
  tenant: string,
  defaultQuota: TenantQuota,
): Promise<TenantQuota> {
  await tx<RawQuotaRow>('tenant_quotas')
    .insert(toQuotaRow(tenant, defaultQuota))
    .onConflict('tenant')
    .ignore();
  const query = tx<RawQuotaRow>('tenant_quotas').where({ tenant });
  const locked = tx.client.config.client === 'pg' ? query.forUpdate() : query;
  return toQuota((await locked.first())!);
}

/** The sums a usage is made of, over the rows a query selects. */
const usageColumns = (db: Knex | Knex.Transaction) => [
  db.raw('count(*) as instances'),
  db.raw('coalesce(sum(storage_gi), 0) as storage_gi'),
  db.raw('coalesce(sum(cpu), 0) as cpu'),
  db.raw('coalesce(sum(memory_gi), 0) as memory_gi'),
  db.raw('coalesce(sum(cdc_pipelines), 0) as cdc_pipelines'),
];

/** The sums as the database hands them back: PostgreSQL's as strings. */
type RawUsageRow = {
  instances: number | string;
  storage_gi: number | string;
  cpu: number | string;
  memory_gi: number | string;
  cdc_pipelines: number | string;
};

const toUsage = (row: RawUsageRow): TenantUsage => ({
  instances: Number(row.instances),
  storageGi: Number(row.storage_gi),
  cpu: Number(row.cpu),
  memoryGi: Number(row.memory_gi),
  cdcPipelines: Number(row.cdc_pipelines),
});

/**
 * What the tenant's live (not yet removed) databases use together, but for
 * the database `except` names (one a change is about to rewrite).
 */
export async function usageOf(
  db: Knex | Knex.Transaction,
  tenant: string,
  except?: string,
): Promise<TenantUsage> {
  const query = db('service_instances')
    // Drills' scratch databases are the platform's (RestoreDrills).
    .where({ tenant, drill: false })
    .whereNull('deleted_at');
  if (except !== undefined) query.whereNot({ id: except });
  const [row] = await query.select(usageColumns(db));
  return toUsage(row);
}

/**
 * The quota and usage of each tenant, in the tenants' order, in two statements
 * however many tenants there are (a tenant without a quota of its own has the
 * default).
 */
export async function quotaUsageOf(
  db: Knex,
  tenants: string[],
  defaultQuota: TenantQuota,
): Promise<{ quota: TenantQuota; usage: TenantUsage }[]> {
  if (tenants.length === 0) {
    return [];
  }
  const [quotaRows, usageRows]: [
    RawQuotaRow[],
    (RawUsageRow & { tenant: string })[],
  ] = await Promise.all([
    whereAnyOf(db<RawQuotaRow>('tenant_quotas'), 'tenant', tenants),
    whereAnyOf(db('service_instances'), 'tenant', tenants)
      .whereNull('deleted_at')
      // Drills' scratch databases are the platform's (RestoreDrills).
      .where({ drill: false })
      .groupBy('tenant')
      .select('tenant', ...usageColumns(db)),
  ]);
  const quotas = new Map(quotaRows.map(row => [row.tenant, toQuota(row)]));
  const usages = new Map(usageRows.map(row => [row.tenant, toUsage(row)]));
  const unused: TenantUsage = {
    instances: 0,
    storageGi: 0,
    cpu: 0,
    memoryGi: 0,
    cdcPipelines: 0,
  };
  return tenants.map(tenant => ({
    quota: quotas.get(tenant) ?? { ...defaultQuota },
    usage: usages.get(tenant) ?? { ...unused },
  }));
}

const checks: [keyof ClaimFootprint, string][] = [
  ['instances', 'databases'],
  ['storageGi', 'GiB of storage'],
  ['cpu', 'CPU cores'],
  ['memoryGi', 'GiB of memory'],
];

/**
 * Throws QuotaExceededError when usage plus the change would pass a limit. Only
 * growth is checked, so shrinking a tenant that is already over (after its quota
 * was lowered) is always possible.
 */
export function assertWithinQuota(
  tenant: string,
  quota: TenantQuota,
  usage: ClaimFootprint,
  change: ClaimFootprint,
) {
  for (const [key, unit] of checks) {
    const total = usage[key] + change[key];
    if (change[key] > 0 && total > quota[key]) {
      throw new QuotaExceededError(
        `${tenant} would use ${total} of its ${quota[key]} ${unit}`,
      );
    }
  }
}
