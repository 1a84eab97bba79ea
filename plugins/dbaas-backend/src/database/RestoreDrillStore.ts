import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { RestoreDrill } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { migratedClient } from './migrations';
import { toIso } from './serviceRows';

type RawDrillRow = {
  id: string;
  service_id: string;
  backup_id: string | null;
  restore_id: string | null;
  status: RestoreDrill['status'];
  started_at: Date | string;
  finished_at: Date | string | null;
  rto_seconds: number | null;
  rpo_seconds: number | null;
  status_message: string | null;
  requested_by: string;
};

/** A drill as recorded; the scratch database's name is the restore's. */
export type RestoreDrillRecord = Omit<RestoreDrill, 'scratchName'>;

function toDrill(row: RawDrillRow): RestoreDrillRecord {
  return {
    id: row.id,
    serviceId: row.service_id,
    status: row.status,
    ...(row.backup_id ? { backupId: row.backup_id } : {}),
    ...(row.restore_id ? { restoreId: row.restore_id } : {}),
    startedAt: toIso(row.started_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
    ...(row.rto_seconds !== null
      ? { rtoSeconds: Number(row.rto_seconds) }
      : {}),
    ...(row.rpo_seconds !== null
      ? { rpoSeconds: Number(row.rpo_seconds) }
      : {}),
    ...(row.status_message ? { message: row.status_message } : {}),
    requestedBy: row.requested_by,
  };
}

/** Restore drills of databases (drills/RestoreDrills runs them). */
export class RestoreDrillStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<RestoreDrillStore> {
    return new RestoreDrillStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Records a drill: running, or already failed when it could not restore
   * anything. In the transaction of its scratch database when it made one.
   */
  async record(
    input: {
      serviceId: string;
      backupId?: string;
      restoreId?: string;
      startedAt: Date;
      rpoSeconds?: number;
      requestedBy: string;
      failed?: string;
    },
    tx?: Knex.Transaction,
  ): Promise<RestoreDrillRecord> {
    const row: RawDrillRow = {
      id: randomUUID(),
      service_id: input.serviceId,
      backup_id: input.backupId ?? null,
      restore_id: input.restoreId ?? null,
      status: input.failed ? 'failed' : 'running',
      started_at: input.startedAt,
      finished_at: input.failed ? input.startedAt : null,
      rto_seconds: null,
      rpo_seconds: input.rpoSeconds ?? null,
      status_message: input.failed ?? null,
      requested_by: input.requestedBy,
    };
    await (tx ?? this.db)<RawDrillRow>('service_restore_drills').insert(row);
    return toDrill(row);
  }

  /** Ends a running drill; false when it was no longer running. */
  async finish(
    id: string,
    outcome: {
      status: 'passed' | 'failed';
      finishedAt: Date;
      rtoSeconds?: number;
      message?: string;
    },
  ): Promise<boolean> {
    const changed = await this.db<RawDrillRow>('service_restore_drills')
      .where({ id, status: 'running' })
      .update({
        status: outcome.status,
        finished_at: outcome.finishedAt,
        rto_seconds: outcome.rtoSeconds ?? null,
        status_message: outcome.message ?? null,
      });
    return changed > 0;
  }

  async get(id: string): Promise<RestoreDrillRecord | undefined> {
    const row = await this.db<RawDrillRow>('service_restore_drills')
      .where({ id })
      .first();
    return row ? toDrill(row) : undefined;
  }

  /** A database's drills, newest first. */
  async list(serviceId: string): Promise<RestoreDrillRecord[]> {
    const rows = await this.db<RawDrillRow>('service_restore_drills')
      .where({ service_id: serviceId })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toDrill);
  }

  /** Every running drill, oldest first. */
  async running(): Promise<RestoreDrillRecord[]> {
    const rows = await this.db<RawDrillRow>('service_restore_drills')
      .where({ status: 'running' })
      .orderBy('started_at');
    return rows.map(toDrill);
  }

  /** When each database's latest drill started, for those that had one. */
  async latestStarts(serviceIds: string[]): Promise<Map<string, Date>> {
    if (serviceIds.length === 0) return new Map();
    // A page of ids at a time (RestoreDrills), so a plain IN list.
    const rows: { service_id: string; latest: Date | string | number }[] =
      await this.db('service_restore_drills')
        .whereIn('service_id', serviceIds)
        .groupBy('service_id')
        .select('service_id', this.db.raw('max(started_at) as latest'));
    return new Map(rows.map(row => [row.service_id, new Date(row.latest)]));
  }
}
