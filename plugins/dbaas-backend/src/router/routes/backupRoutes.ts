import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  dbaasBackupManagePermission,
  dbaasServiceCreatePermission,
  engineBackups,
  restoreRequestSchema,
  restoreWindow,
  restoredServiceName,
  serviceChangeQuerySchema,
} from '@internal/backstage-plugin-dbaas-common';
import type { Router } from 'express';
import { invalidInput } from '../../errors/invalidInput';
import { backUpDatabase } from '../../operations/backUpDatabase';
import { changePreview } from '../changePreview';
import { specForRestore } from '../claimSpecs';
import { parseInput, parseUuid } from '../parse';
import { restoreView } from '../restoreViews';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

/** `/v1/services/{id}/backups` and `/v1/services/{id}/restore`. */
export function addBackupRoutes(router: Router, ctx: RouteContext) {
  // A deleted database's backups and restores outlive it: listed, and
  // restorable into a new database, for their retention.
  const includeDeleted = { includeDeleted: true };

  router.get('/v1/services/:id/backups', async (req, res) => {
    const record = await loadService(
      ctx,
      callerFrom(req, res),
      req.params.id,
      undefined,
      includeDeleted,
    );
    res.json({ data: await ctx.backups.listBackups(record.id) });
  });

  router.post('/v1/services/:id/backups', async (req, res) => {
    const caller = callerFrom(req, res);
    res
      .status(201)
      .json(
        await backUpDatabase(ctx, { req, caller }, req.params.id, req.body),
      );
  });

  router.post('/v1/services/:id/restore', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(serviceChangeQuerySchema, req.query, 'query');
    const body = parseInput(restoreRequestSchema, req.body, 'restore request');
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasBackupManagePermission,
      includeDeleted,
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
    const now = new Date();
    const window = restoreWindow(
      backup.completedAt,
      record.spec.backup.retention,
      now,
      record.deletedAt,
    );
    if (window.expired) {
      throw invalidInput('restore request', [
        {
          path: ['backupId'],
          message: `Backup ${backup.id} ended ${backup.completedAt}, before the ${window.retention} retention window`,
        },
      ]);
    }
    const pointInTime = body.pointInTime
      ? new Date(body.pointInTime)
      : undefined;
    if (pointInTime && (pointInTime < window.from || pointInTime > window.to)) {
      throw invalidInput('restore request', [
        {
          path: ['pointInTime'],
          message: `Must be between ${window.from.toISOString()} (the backup's end, within the ${
            window.retention
          } retention) and ${window.to.toISOString()} (${
            record.deletedAt
              ? 'when the database was deleted'
              : 'five minutes ago: a newer log may not be saved yet'
          })`,
        },
      ]);
    }
    // Checked after the request itself, so a wrong backup or moment is named
    // first; then what the engine behind the database cannot do.
    const capability =
      engineBackups[record.spec.engine][
        pointInTime ? 'pointInTime' : 'restore'
      ];
    if (!capability.available) {
      throw new ConflictError(
        `Database ${record.name} cannot be restored: ${capability.reason}`,
      );
    }
    // The new database is the tenant's: whoever restores must be allowed to
    // make one there.
    if (
      !(await ctx.access.canOnService(
        dbaasServiceCreatePermission,
        caller.credentials,
        { organization: record.organization, tenants: [record.tenant] },
      ))
    ) {
      throw new NotAllowedError(
        `${caller.actor} may not create databases in ${record.tenant}, which a restore does`,
      );
    }
    const engineBackupId = await ctx.backups.engineBackupIdOf(backup.id);
    if (!engineBackupId) {
      throw new ConflictError(
        `Backup ${backup.id} cannot be restored: the cluster has not reported the engine's id of it (a backup completed before restores were built is reported again only while it is among the claim's recent backups)`,
      );
    }
    const spec = specForRestore(await ctx.skuCatalog.current(), record, {
      backup: engineBackupId,
      pointInTime: pointInTime?.toISOString(),
    });
    const name = body.targetName ?? restoredServiceName(record.name, now);
    if (query.dryRun === 'true') {
      // The new database checked as the order below checks it (its place,
      // the name, the quota); nothing recorded.
      const order = {
        tenant: record.tenant,
        organization: record.organization,
        name,
        spec,
      };
      await ctx.lifecycle.checkCreate(order);
      res.json(
        changePreview(
          record.id,
          null,
          { ...order, generation: 1 },
          `Requested: restore of backup ${backup.id}${
            pointInTime ? ` to ${pointInTime.toISOString()}` : ''
          } into the new database ${name}`,
          ctx.costs.prices,
        ),
      );
      return;
    }
    const { record: created, restore } = await ctx.lifecycle.restore(
      { req, caller },
      record,
      {
        name,
        spec,
        backup,
        pointInTime: pointInTime?.toISOString(),
      },
    );
    res
      .status(202)
      .location(`services/${created.id}`)
      .json(await restoreView(ctx, restore));
  });

  router.get('/v1/services/:id/restores', async (req, res) => {
    const record = await loadService(
      ctx,
      callerFrom(req, res),
      req.params.id,
      undefined,
      includeDeleted,
    );
    // Restore drills' restores are the drills' (GET .../drills), not the
    // team's: their scratch databases come and go every week.
    const drilled = await ctx.drills.restoresOf(record.id);
    const restores = (await ctx.backups.listRestores(record.id)).filter(
      restore => !drilled.has(restore.id),
    );
    res.json({
      data: await Promise.all(restores.map(r => restoreView(ctx, r))),
    });
  });

  router.get('/v1/services/:id/drills', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    res.json({ data: await ctx.drills.list(record.id) });
  });

  router.post('/v1/services/:id/drills', async (req, res) => {
    const caller = callerFrom(req, res);
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasBackupManagePermission,
    );
    res.status(202).json(await ctx.drills.runNow(record, caller));
  });

  router.get('/v1/services/:id/restores/:restoreId', async (req, res) => {
    const record = await loadService(
      ctx,
      callerFrom(req, res),
      req.params.id,
      undefined,
      includeDeleted,
    );
    const restoreId = parseUuid(req.params.restoreId, 'restore');
    const restore = await ctx.backups.getRestore(record.id, restoreId);
    if (!restore) {
      throw new NotFoundError(
        `Database ${record.name} has no restore ${restoreId}`,
      );
    }
    res.json(await restoreView(ctx, restore));
  });
}
