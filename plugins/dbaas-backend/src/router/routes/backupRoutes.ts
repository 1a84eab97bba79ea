import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  DEFAULT_BACKUP_RETENTION,
  createBackupRequestSchema,
  dbaasBackupManagePermission,
  engineBackups,
  restoreRequestSchema,
  retentionMs,
  type Backup,
} from '@internal/backstage-plugin-dbaas-common';
import type { Router } from 'express';
import type { ServiceRecord } from '../../database/ServiceStore';
import { invalidInput } from '../../errors/invalidInput';
import { parseInput } from '../parse';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

/**
 * Which moments a backup can restore to: from the end of the backup (replaying
 * the log from there) until now, and never before the retention window, whose
 * older backups and logs are gone.
 */
function restoreWindow(record: ServiceRecord, backup: Backup, now: Date) {
  const retention = record.spec.backup.retention ?? DEFAULT_BACKUP_RETENTION;
  const oldest = new Date(now.getTime() - retentionMs(retention));
  const end = new Date(backup.completedAt!);
  return {
    retention,
    from: end > oldest ? end : oldest,
    to: now,
    expired: end < oldest,
  };
}

/** `/v1/services/{id}/backups` and `/v1/services/{id}/restore`. */
export function addBackupRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/services/:id/backups', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    res.json({ data: await ctx.backups.listBackups(record.id) });
  });

  router.post('/v1/services/:id/backups', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(
      createBackupRequestSchema,
      req.body,
      'backup request',
    );
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasBackupManagePermission,
    );
    if (record.status === 'Deleting') {
      throw new ConflictError(
        `Database ${record.name} is being deleted; its final backup is already requested`,
      );
    }
    const manual = engineBackups[record.spec.engine].manual;
    if (!manual.available) {
      throw new ConflictError(
        `Database ${record.name} cannot be backed up now: ${manual.reason}`,
      );
    }
    const backup = await ctx.lifecycle.requestBackup({ req, caller }, record, {
      type: body.type,
      description: body.description,
    });
    res.status(201).json(backup);
  });

  router.post('/v1/services/:id/restore', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(restoreRequestSchema, req.body, 'restore request');
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasBackupManagePermission,
    );
    const backup = await ctx.backups.getBackup(record.id, body.backupId);
    if (!backup) {
      throw new NotFoundError(
        `Database ${record.name} has no backup ${body.backupId}`,
      );
    }
    if (backup.status !== 'completed' || !backup.completedAt) {
      throw invalidInput('restore request', [
        {
          path: ['backupId'],
          message: `Backup ${backup.id} is ${backup.status}; only a completed backup can be restored`,
        },
      ]);
    }
    const window = restoreWindow(record, backup, new Date());
    if (window.expired) {
      throw invalidInput('restore request', [
        {
          path: ['backupId'],
          message: `Backup ${backup.id} ended ${backup.completedAt}, before the ${window.retention} retention window`,
        },
      ]);
    }
    if (body.pointInTime) {
      const at = new Date(body.pointInTime);
      if (at < window.from || at > window.to) {
        throw invalidInput('restore request', [
          {
            path: ['pointInTime'],
            message: `Must be between ${window.from.toISOString()} (the backup's end, within the ${
              window.retention
            } retention) and ${window.to.toISOString()} (now)`,
          },
        ]);
      }
    }
    // Checked after the request itself, so a wrong backup or moment is named
    // first; then what the engine behind the database cannot do.
    const capability =
      engineBackups[record.spec.engine][
        body.pointInTime ? 'pointInTime' : 'restore'
      ];
    if (!capability.available) {
      throw new ConflictError(
        `Database ${record.name} cannot be restored: ${capability.reason}`,
      );
    }
    const restore = await ctx.lifecycle.requestRestore(
      { req, caller },
      record,
      { backup, pointInTime: body.pointInTime },
    );
    res.status(202).json(restore);
  });
}
