import {
  DEFAULT_BACKUP_RETENTION,
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
    const rows = await this.db<RawBackupRow>('service_backups')
      .where({ service_id: serviceId })
      .orderBy([
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
    return tenants.map(tenant => kept.filter(t => t === tenant).length);
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
   * The backups the quota counts, one tenant per entry: those people asked for
   * that did not fail and have not outlived their database's backup retention
   * (the engines delete them then: CloudNativePG's retention policy, YBA's
   * timeBeforeDelete). Scheduled backups are the engine's, kept by the same
   * retention; the portal learns when they are taken but not when the engine
   * expires them, so counting them would fill the quota with backups long
   * gone. A deleted database keeps its (soft-deleted) row, so its backups age
   * by its own retention; without a row, by the default one.
   */
  private async kept(
    db: Knex | Knex.Transaction,
    tenants: string[],
  ): Promise<string[]> {
    const rows: {
      tenant: string;
      status: Backup['status'];
      completed_at: Date | string | null;
      spec: string | Record<string, any> | null;
    }[] = await whereAnyOf(
      db('service_backups')
        .leftJoin(
          'service_instances',
          'service_instances.id',
          'service_backups.service_id',
        )
        .whereNot('service_backups.status', 'failed')
        .whereNot('service_backups.type', 'scheduled'),
      'service_backups.tenant',
      tenants,
    ).select(
      'service_backups.tenant as tenant',
      'service_backups.status as status',
      'service_backups.completed_at as completed_at',
      'service_instances.spec as spec',
    );
    const now = Date.now();
    return rows
      .filter(row => {
        if (row.status !== 'completed' || !row.completed_at) return true;
        const spec =
          typeof row.spec === 'string' ? JSON.parse(row.spec) : row.spec;
        const retention: string =
          spec?.backup?.retention ?? DEFAULT_BACKUP_RETENTION;
        return (
          new Date(row.completed_at).getTime() + retentionMs(retention) > now
        );
      })
      .map(row => row.tenant);
  }

  private async count(db: Knex | Knex.Transaction, tenant: string) {
    return (await this.kept(db, [tenant])).length;
  }
}
