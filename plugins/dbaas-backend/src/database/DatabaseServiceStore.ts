import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  claimFootprint,
  type ClaimFootprint,
} from '@internal/backstage-plugin-dbaas-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { QuotaExceededError } from '../service/QuotaExceededError';
import { migratedClient } from './migrations';
import type { ServiceRecord, ServiceStore, TenantQuota } from './ServiceStore';

type RawQuotaRow = {
  tenant: string;
  max_instances: number;
  max_storage_gi: number;
  max_cpu: number;
  max_memory_gi: number;
  max_backups: number;
};

type RawServiceRow = {
  id: string;
  tenant: string;
  name: string;
  engine: string;
  plan: string;
  region: string;
  sku: string | null;
  status: ServiceRecord['status'];
  spec: string;
  storage_gi: number;
  cpu: number;
  memory_gi: number;
  generation: number;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
};

/** Limits a tenant starts with until an org admin sets its own. */
export const DEFAULT_TENANT_QUOTA: TenantQuota = {
  instances: 10,
  storageGi: 10 * 1024,
  cpu: 64,
  memoryGi: 256,
  backups: 100,
};

const toIso = (value: Date | string) => new Date(value).toISOString();

function toQuota(row: RawQuotaRow): TenantQuota {
  return {
    instances: Number(row.max_instances),
    storageGi: Number(row.max_storage_gi),
    cpu: Number(row.max_cpu),
    memoryGi: Number(row.max_memory_gi),
    backups: Number(row.max_backups),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // PostgreSQL: 23505; SQLite: SQLITE_CONSTRAINT_UNIQUE.
  return (
    e?.code === '23505' || /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

/**
 * ServiceStore on the plugin's database. Creates lock the tenant's quota row
 * (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers itself), so
 * concurrent requests are checked one after another and can never overrun a quota.
 */
export class DatabaseServiceStore implements ServiceStore {
  static async create(options: {
    database: DatabaseService;
    defaultQuota?: TenantQuota;
  }): Promise<DatabaseServiceStore> {
    const client = await migratedClient(options.database);
    return new DatabaseServiceStore(
      client,
      options.defaultQuota ?? DEFAULT_TENANT_QUOTA,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly defaultQuota: TenantQuota,
  ) {}

  async createService(input: {
    tenant: string;
    name: string;
    spec: ServiceRecord['spec'];
    createdBy: string;
  }): Promise<ServiceRecord> {
    const footprint = claimFootprint(input.spec);
    try {
      return await this.db.transaction(async tx => {
        const quota = await this.lockQuota(tx, input.tenant);
        const taken = await tx<RawServiceRow>('service_instances')
          .where({ tenant: input.tenant, name: input.name })
          .whereNull('deleted_at')
          .first('id');
        if (taken) {
          throw new ConflictError(
            `A database named "${input.name}" already exists in ${input.tenant}`,
          );
        }
        const usage = await this.usage(tx, input.tenant);
        this.assertWithinQuota(input.tenant, quota, usage, footprint);

        const now = new Date();
        const row: RawServiceRow = {
          id: randomUUID(),
          tenant: input.tenant,
          name: input.name,
          engine: input.spec.engine,
          plan: input.spec.plan,
          region: input.spec.region,
          sku: input.spec.sku ?? null,
          status: 'Pending',
          spec: JSON.stringify(input.spec),
          storage_gi: footprint.storageGi,
          cpu: footprint.cpu,
          memory_gi: footprint.memoryGi,
          generation: 1,
          created_by: input.createdBy,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
        await tx<RawServiceRow>('service_instances').insert(row);
        return this.toRecord(row);
      });
    } catch (error) {
      // Two creates of one name that raced past the check meet the unique index.
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `A database named "${input.name}" already exists in ${input.tenant}`,
        );
      }
      throw error;
    }
  }

  async getQuota(tenant: string): Promise<TenantQuota> {
    const row = await this.db<RawQuotaRow>('tenant_quotas')
      .where({ tenant })
      .first();
    return row ? toQuota(row) : { ...this.defaultQuota };
  }

  async setQuota(tenant: string, quota: TenantQuota): Promise<void> {
    await this.db<RawQuotaRow>('tenant_quotas')
      .insert(this.toQuotaRow(tenant, quota))
      .onConflict('tenant')
      .merge();
  }

  async getUsage(tenant: string): Promise<ClaimFootprint> {
    return this.usage(this.db, tenant);
  }

  private toQuotaRow(tenant: string, quota: TenantQuota): RawQuotaRow {
    return {
      tenant,
      max_instances: quota.instances,
      max_storage_gi: quota.storageGi,
      max_cpu: quota.cpu,
      max_memory_gi: quota.memoryGi,
      max_backups: quota.backups,
    };
  }

  private async lockQuota(
    tx: Knex.Transaction,
    tenant: string,
  ): Promise<TenantQuota> {
    await tx<RawQuotaRow>('tenant_quotas')
      .insert(this.toQuotaRow(tenant, this.defaultQuota))
      .onConflict('tenant')
      .ignore();
    const query = tx<RawQuotaRow>('tenant_quotas').where({ tenant });
    // SQLite has no row locks: its single writer already serialises transactions.
    const locked = tx.client.config.client === 'pg' ? query.forUpdate() : query;
    return toQuota((await locked.first())!);
  }

  private async usage(
    db: Knex | Knex.Transaction,
    tenant: string,
  ): Promise<ClaimFootprint> {
    const [row] = await db('service_instances')
      .where({ tenant })
      .whereNull('deleted_at')
      .select(
        db.raw('count(*) as instances'),
        db.raw('coalesce(sum(storage_gi), 0) as storage_gi'),
        db.raw('coalesce(sum(cpu), 0) as cpu'),
        db.raw('coalesce(sum(memory_gi), 0) as memory_gi'),
      );
    return {
      instances: Number(row.instances),
      storageGi: Number(row.storage_gi),
      cpu: Number(row.cpu),
      memoryGi: Number(row.memory_gi),
    };
  }

  private assertWithinQuota(
    tenant: string,
    quota: TenantQuota,
    usage: ClaimFootprint,
    footprint: ClaimFootprint,
  ) {
    const checks: [keyof ClaimFootprint, keyof TenantQuota, string][] = [
      ['instances', 'instances', 'databases'],
      ['storageGi', 'storageGi', 'GiB of storage'],
      ['cpu', 'cpu', 'CPU cores'],
      ['memoryGi', 'memoryGi', 'GiB of memory'],
    ];
    for (const [use, limit, unit] of checks) {
      const total = usage[use] + footprint[use];
      if (total > quota[limit]) {
        throw new QuotaExceededError(
          `${tenant} would use ${total} of its ${quota[limit]} ${unit}`,
        );
      }
    }
  }

  private toRecord(row: RawServiceRow): ServiceRecord {
    return {
      id: row.id,
      tenant: row.tenant,
      name: row.name,
      status: row.status,
      spec: JSON.parse(row.spec),
      footprint: {
        instances: 1,
        storageGi: Number(row.storage_gi),
        cpu: Number(row.cpu),
        memoryGi: Number(row.memory_gi),
      },
      generation: Number(row.generation),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
  }
}
