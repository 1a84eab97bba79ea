import {
  retentionMs,
  type Backup,
  type Restore,
} from '@internal/backstage-plugin-dbaas-common';
import { randomUUID } from 'node:crypto';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { migratedClient } from './migrations';
import { QuotaExceededError } from './QuotaExceededError';
import type { BackupStore, RestoreRecord } from './BackupStore';
import { lockQuota } from './quotas';
import { toIso } from './serviceRows';
import type { InTransaction, TenantQuota } from './ServiceStore';
import { whereAnyOf } from './whereAnyOf';

export type RawBackupRow = {
  id: string;
  service_id: string;
  tenant: string;
  type: Backup['type'];
  status: Backup['status'];
  description: string | null;
  size_bytes: number | string | null;
  storage_path: string | null;
  started_at: Date | string | null;
  completed_at: Date | string | null;
  /** The engine's backup object, once a cluster reported one. */
  engine_backup_name: string | null;
  /** The engine's own id of the backup, once a cluster reported it. */
  engine_backup_id?: string | null;
  /** When it leaves the list and the quota (see {@link backupExpiry}). */
  expires_at?: Date | string | null;
  status_message: string | null;
  created_by: string;
  created_at: Date | string;
};

type RawRestoreRow = {
  id: string;
  service_id: string;
  backup_id: string;
  point_in_time: Date | string | null;
  target_service_id: string | null;
  status: Restore['status'];
  status_message: string | null;
  created_by: string;
  created_at: Date | string;
};

function toRestore(row: RawRestoreRow): RestoreRecord {
  return {
    id: row.id,
    serviceId: row.service_id,
    backupId: row.backup_id,
    ...(row.point_in_time ? { pointInTime: toIso(row.point_in_time) } : {}),
    ...(row.target_service_id
      ? { targetServiceId: row.target_service_id }
      : {}),
    status: row.status,
    ...(row.status_message ? { message: row.status_message } : {}),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

function toBackup(row: RawBackupRow): Backup {
  return {
    id: row.id,
    serviceId: row.service_id,
    type: row.type,
    status: row.status,
    ...(row.description ? { description: row.description } : {}),
    ...(row.size_bytes !== null ? { sizeBytes: Number(row.size_bytes) } : {}),
    ...(row.started_at ? { startedAt: toIso(row.started_at) } : {}),
    ...(row.completed_at ? { completedAt: toIso(row.completed_at) } : {}),
    ...(row.status_message ? { message: row.status_message } : {}),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

const noop = async () => {};

/**
 * When a backup expires under its database's `retention`: that long after it
 * completed, or after it failed; a backup still running does not. The engines
 * delete it then (CloudNativePG's retention policy, PBM's, the operator's
 * pruning of expired backup objects), so it leaves the list and the quota.
 */
export function backupExpiry(
  row: Pick<
    RawBackupRow,
    'status' | 'completed_at' | 'started_at' | 'created_at'
  >,
  retention: string,
): Date | null {
  if (row.status !== 'completed' && row.status !== 'failed') return null;
  const end = row.completed_at ?? row.started_at ?? row.created_at;
  return new Date(new Date(end).getTime() + retentionMs(retention));
}

/** Rows of backups that have not expired at `now`. */
function unexpired<T extends Knex.QueryBuilder>(query: T, now: Date): T {
  return query.where(q =>
    q.whereNull('expires_at').orWhere('expires_at', '>', now),
  ) as T;
}

/** BackupStore on the plugin's database; backups count against the tenant's quota. */
export class DatabaseBackupStore implements BackupStore {
  static async create(options: {
    database: DatabaseService;
    /** The quota of a tenant nobody set one for. */
    defaultQuota: TenantQuota;
  }): Promise<DatabaseBackupStore> {
    return new DatabaseBackupStore(
      await migratedClient(options.database),
      options.defaultQuota,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly defaultQuota: TenantQuota,
  ) {}

  async createBackup(
    input: {
      serviceId: string;
      tenant: string;
      type: Backup['type'];
      description?: string;
      createdBy: string;
    },
    inTransaction: InTransaction<Backup> = noop,
    outer?: Knex.Transaction,
  ): Promise<Backup> {
    const run = async (tx: Knex.Transaction) => {
      const quota = await lockQuota(tx, input.tenant, this.defaultQuota);
      const kept = await this.count(tx, input.tenant);
      // The final backup of a decommission is never refused: data must not be
      // lost because a quota is full.
      if (input.type !== 'final' && kept + 1 > quota.backups) {
        throw new QuotaExceededError(
          `${input.tenant} would keep ${kept + 1} of its ${
            quota.backups
          } backups`,
        );
      }
      const row: RawBackupRow = {
        id: randomUUID(),
        service_id: input.serviceId,
        tenant: input.tenant,
        type: input.type,
        status: 'pending',
        description: input.description ?? null,
        size_bytes: null,
        storage_path: null,
        started_at: null,
        completed_at: null,
        engine_backup_name: null,
        status_message: null,
        created_by: input.createdBy,
        created_at: new Date(),
      };
      await tx<RawBackupRow>('service_backups').insert(row);
      const backup = toBackup(row);
      await inTransaction(tx, backup);
      return backup;
    };
    return outer ? run(outer) : this.db.transaction(run);
  }

  async listBackups(serviceId: string): Promise<Backup[]> {
    const rows = await unexpired(
      this.db<RawBackupRow>('service_backups').where({ service_id: serviceId }),
      new Date(),
    ).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(toBackup);
  }

  async getBackup(
    serviceId: string,
    backupId: string,
  ): Promise<Backup | undefined> {
    const row = await this.db<RawBackupRow>('service_backups')
      .where({ id: backupId, service_id: serviceId })
      .first();
    return row ? toBackup(row) : undefined;
  }

  async countBackups(tenant: string): Promise<number> {
    return this.count(this.db, tenant);
  }

  async countBackupsOf(tenants: string[]): Promise<number[]> {
    if (tenants.length === 0) {
      return [];
    }
    const kept = await this.kept(this.db, tenants);
    return tenants.map(tenant => kept.get(tenant) ?? 0);
  }

  async retain(
    tx: Knex.Transaction,
    serviceId: string,
    retention: string,
  ): Promise<void> {
    // Only backups still kept: those expired before are gone from the engine.
    const rows = await unexpired(
      tx<RawBackupRow>('service_backups')
        .where({ service_id: serviceId })
        .whereIn('status', ['completed', 'failed']),
      new Date(),
    );
    for (const row of rows) {
      await tx<RawBackupRow>('service_backups')
        .where({ id: row.id })
        .update({ expires_at: backupExpiry(row, retention) });
    }
  }

  async engineBackupIdOf(backupId: string): Promise<string | undefined> {
    const row = await this.db<RawBackupRow>('service_backups')
      .where({ id: backupId })
      .first('engine_backup_id');
    return row?.engine_backup_id ?? undefined;
  }

  async latestRestorable(
    serviceId: string,
    since: Date,
  ): Promise<{ backup: Backup; engineBackupId: string } | undefined> {
    const row = await this.db<RawBackupRow>('service_backups')
      .where({ service_id: serviceId, status: 'completed' })
      .whereNotNull('engine_backup_id')
      .where('completed_at', '>=', since)
      .orderBy('completed_at', 'desc')
      .first();
    return row?.engine_backup_id
      ? { backup: toBackup(row), engineBackupId: row.engine_backup_id }
      : undefined;
  }

  async createRestore(
    tx: Knex.Transaction,
    input: {
      serviceId: string;
      backupId: string;
      pointInTime?: string;
      targetServiceId: string;
      createdBy: string;
    },
  ): Promise<RestoreRecord> {
    const row: RawRestoreRow = {
      id: randomUUID(),
      service_id: input.serviceId,
      backup_id: input.backupId,
      point_in_time: input.pointInTime ? new Date(input.pointInTime) : null,
      target_service_id: input.targetServiceId,
      // How far it got is its new database's; see router/restoreViews.
      status: 'pending',
      status_message: null,
      created_by: input.createdBy,
      created_at: new Date(),
    };
    await tx<RawRestoreRow>('service_restores').insert(row);
    return toRestore(row);
  }

  async listRestores(serviceId: string): Promise<RestoreRecord[]> {
    const rows = await this.db<RawRestoreRow>('service_restores')
      .where({ service_id: serviceId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toRestore);
  }

  async getRestore(
    serviceId: string,
    restoreId: string,
  ): Promise<RestoreRecord | undefined> {
    const row = await this.db<RawRestoreRow>('service_restores')
      .where({ id: restoreId, service_id: serviceId })
      .first();
    return row ? toRestore(row) : undefined;
  }

  async restoreInto(
    targetServiceId: string,
  ): Promise<RestoreRecord | undefined> {
    const row = await this.db<RawRestoreRow>('service_restores')
      .where({ target_service_id: targetServiceId })
      .first();
    return row ? toRestore(row) : undefined;
  }

  /**
   * How many backups the quota counts, by tenant: those people asked for that
   * did not fail and have not expired. Scheduled backups are the engine's,
   * within a retention the plan sets; counting them would fill the quota with
   * backups nobody asked for.
   */
  private async kept(
    db: Knex | Knex.Transaction,
    tenants: string[],
  ): Promise<Map<string, number>> {
    const rows: { tenant: string; kept: number | string }[] = await whereAnyOf(
      unexpired(
        db('service_backups')
          .whereNot('status', 'failed')
          .whereNot('type', 'scheduled'),
        new Date(),
      ),
      'tenant',
      tenants,
    )
      .groupBy('tenant')
      .select('tenant', db.raw('count(*) as kept'));
    return new Map(rows.map(row => [row.tenant, Number(row.kept)]));
  }

  private async count(db: Knex | Knex.Transaction, tenant: string) {
    return (await this.kept(db, [tenant])).get(tenant) ?? 0;
  }
}
