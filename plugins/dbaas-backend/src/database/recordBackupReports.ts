import type { ClaimBackupReport } from '@internal/backstage-plugin-dbaas-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { backupExpiry, type RawBackupRow } from './DatabaseBackupStore';
import { toIso } from './serviceRows';

/** An RFC 3339 time as a Date; undefined for anything that is not one. */
function timeOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

const sameTime = (a: Date | string | null | undefined, b: Date | undefined) =>
  (a ? toIso(a) : undefined) === (b ? b.toISOString() : undefined);

/** The row a report is about, if the portal has it. */
async function rowOf(
  tx: Knex.Transaction,
  serviceId: string,
  report: ClaimBackupReport,
): Promise<RawBackupRow | undefined> {
  const rows = () =>
    tx<RawBackupRow>('service_backups').where({ service_id: serviceId });
  const named = await rows().where({ engine_backup_name: report.name }).first();
  if (named) return named;
  if (report.backupId) {
    if (!/^[0-9a-f-]{36}$/.test(report.backupId)) return undefined;
    return rows().where({ id: report.backupId, type: report.type }).first();
  }
  if (report.type === 'final') {
    // The claim is removed from the repository with the final backup's
    // request, so the operator never learns its id: a database has one
    // decommission, and its final backup is the latest final row.
    return rows()
      .where({ type: 'final' })
      .whereNull('engine_backup_name')
      .orderBy('created_at', 'desc')
      .first();
  }
  return undefined;
}

/**
 * Records what a cluster reports about a database's backups: a manual or final
 * backup the portal asked for is updated by its id (or, for the final one, as
 * the database's latest final backup); a scheduled backup the engine took is
 * inserted the first time it is reported, known by its engine object's name
 * from then on. Reports about backups the portal cannot place (one taken by
 * hand in the cluster) are left out. Resolves to whether anything changed.
 */
export async function recordBackupReports(
  tx: Knex.Transaction,
  service: { id: string; tenant: string; retention: string },
  reports: ClaimBackupReport[],
  context: { cluster: string; observedAt: Date },
  /** Collects the backups that completed or failed with these reports. */
  finished: ('completed' | 'failed')[] = [],
): Promise<boolean> {
  let changed = false;
  const ended = (phase: ClaimBackupReport['phase']) =>
    phase === 'completed' || phase === 'failed' ? phase : undefined;
  for (const report of reports) {
    const startedAt = timeOf(report.startedAt);
    const completedAt = timeOf(report.completedAt);
    const row = await rowOf(tx, service.id, report);
    if (!row) {
      if (report.type !== 'scheduled') continue;
      const createdAt = startedAt ?? context.observedAt;
      const inserted = await tx<RawBackupRow>('service_backups')
        .insert({
          id: randomUUID(),
          service_id: service.id,
          tenant: service.tenant,
          type: 'scheduled',
          status: report.phase,
          description: null,
          size_bytes: report.sizeBytes ?? null,
          storage_path: null,
          started_at: startedAt ?? null,
          completed_at: completedAt ?? null,
          engine_backup_name: report.name,
          engine_backup_id: report.engineBackupId ?? null,
          status_message: report.message ?? null,
          // The engine's schedule in the cluster that reported it took it.
          created_by: `schedule:${context.cluster}`,
          created_at: createdAt,
          expires_at: backupExpiry(
            {
              status: report.phase,
              completed_at: completedAt ?? null,
              started_at: startedAt ?? null,
              created_at: createdAt,
            },
            service.retention,
          ),
        })
        // Recorded already by a concurrent event: the unique key says so.
        .onConflict(['service_id', 'engine_backup_name'])
        .ignore()
        .returning('id');
      changed ||= inserted.length > 0;
      const outcome = ended(report.phase);
      if (inserted.length > 0 && outcome) finished.push(outcome);
      continue;
    }
    const updates: Partial<RawBackupRow> = {};
    if (row.engine_backup_name !== report.name) {
      updates.engine_backup_name = report.name;
    }
    if (row.status !== report.phase) {
      updates.status = report.phase;
      const outcome = ended(report.phase);
      if (outcome && !ended(row.status as ClaimBackupReport['phase'])) {
        finished.push(outcome);
      }
    }
    if (
      report.engineBackupId &&
      row.engine_backup_id !== report.engineBackupId
    ) {
      updates.engine_backup_id = report.engineBackupId;
    }
    if (startedAt && !sameTime(row.started_at, startedAt)) {
      updates.started_at = startedAt;
    }
    if (completedAt && !sameTime(row.completed_at, completedAt)) {
      updates.completed_at = completedAt;
    }
    if (
      report.sizeBytes !== undefined &&
      (row.size_bytes === null || Number(row.size_bytes) !== report.sizeBytes)
    ) {
      updates.size_bytes = report.sizeBytes;
    }
    if ((row.status_message ?? undefined) !== report.message) {
      updates.status_message = report.message ?? null;
    }
    if (updates.status || updates.completed_at) {
      updates.expires_at = backupExpiry(
        { ...row, ...updates },
        service.retention,
      );
    }
    if (Object.keys(updates).length > 0) {
      await tx<RawBackupRow>('service_backups')
        .where({ id: row.id })
        .update(updates);
      changed = true;
    }
  }
  return changed;
}
