import { ConflictError } from '@backstage/errors';
import {
  createServiceQuerySchema,
  dbaasServiceDeletePermission,
  dbaasServiceUpdatePermission,
  engineRoles,
  deleteServiceQuerySchema,
  engineBackups,
  scaleServiceRequestSchema,
  serviceChangeQuerySchema,
  updateServiceRequestSchema,
  type ServiceChangeResponse,
  type ServiceConfig,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request, Response, Router } from 'express';
import type { ServiceRecord } from '../../database/ServiceStore';
import { getDatabase } from '../../operations/getDatabase';
import { listDatabases } from '../../operations/listDatabases';
import { orderDatabase } from '../../operations/orderDatabase';
import { changePreview } from '../changePreview';
import { describeChange, specForUpdate } from '../claimSpecs';
import { invalidInput } from '../../errors/invalidInput';
import { parseInput } from '../parse';
import { apiStatus } from '../serviceViews';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

const changeResponse = (
  record: ServiceRecord,
  message: string,
): ServiceChangeResponse => ({
  id: record.id,
  status: apiStatus(record),
  generation: record.generation,
  message,
});

/** `/v1/services` and `/v1/services/{id}`: the lifecycle of databases. */
export function addServiceRoutes(router: Router, ctx: RouteContext) {
  router.post('/v1/services', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(createServiceQuerySchema, req.query, 'query');
    const outcome = await orderDatabase(ctx, { req, caller }, req.body, {
      dryRun: query.dryRun === 'true',
    });
    if (outcome.dryRun) {
      res.json(outcome.preview);
      return;
    }
    res
      .status(201)
      .location(`services/${outcome.database.id}`)
      .json(outcome.database);
  });

  router.get('/v1/services', async (req, res) => {
    res.json(await listDatabases(ctx, callerFrom(req, res), req.query));
  });

  router.get('/v1/services/:id', async (req, res) => {
    res.json(await getDatabase(ctx, callerFrom(req, res), req.params.id));
  });

  /** PUT and scale: a config change, checked as a transition and against the quota. */
  async function change(
    req: Request,
    res: Response,
    action: string,
    changeOf: (record: ServiceRecord) => {
      config: ServiceConfig;
      fieldOf?: (specPath: string) => string;
    },
  ) {
    const caller = callerFrom(req, res);
    const query = parseInput(serviceChangeQuerySchema, req.query, 'query');
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasServiceUpdatePermission,
    );
    const { config, fieldOf } = changeOf(record);
    const spec = specForUpdate(
      await ctx.skuCatalog.current(),
      record.spec,
      config,
      fieldOf,
    );
    const summary = describeChange(record.spec, spec);
    if (query.dryRun === 'true') {
      if (summary) await ctx.lifecycle.checkChange(record, spec);
      res.json(
        changePreview(
          record.id,
          record,
          summary
            ? { ...record, spec, generation: record.generation + 1 }
            : record,
          summary ? `Requested: ${summary}` : 'Nothing to change',
          ctx.costs.prices,
        ),
      );
      return;
    }
    if (!summary) {
      res.json(changeResponse(record, 'Nothing to change'));
      return;
    }
    const updated = await ctx.lifecycle.change({ req, caller }, record, {
      action,
      spec,
      summary,
    });
    res.json(changeResponse(updated, `Requested: ${summary}`));
  }

  router.put('/v1/services/:id', async (req, res) => {
    const body = parseInput(updateServiceRequestSchema, req.body, 'change');
    await change(req, res, 'service.update', () => ({ config: body.config }));
  });

  router.post('/v1/services/:id/scale', async (req, res) => {
    const body = parseInput(
      scaleServiceRequestSchema,
      req.body,
      'scale request',
    );
    // Rules broken by the scaled spec are reported against this request's fields.
    const fieldOf = (specPath: string) =>
      specPath.match(/^resources\.[^.]+\.(replicas|cpu|memory)$/)?.[1] ??
      specPath;
    await change(req, res, 'service.scale', current => {
      const role = body.role ?? engineRoles[current.spec.engine].data;
      if (!Object.hasOwn(current.spec.resources, role)) {
        const roles = Object.keys(current.spec.resources).join(', ');
        throw invalidInput('scale request', [
          {
            path: ['role'],
            message: `${current.name} has no role "${role}"; its roles are ${roles}`,
          },
        ]);
      }
      const { replicas, cpu, memory } = body;
      return {
        config: { resources: { [role]: { replicas, cpu, memory } } },
        fieldOf,
      };
    });
  });

  router.delete('/v1/services/:id', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(deleteServiceQuerySchema, req.query, 'query');
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasServiceDeletePermission,
    );
    // Backups on, but the engine takes no final backup: the caller must say
    // they accept that none will exist.
    const final = engineBackups[record.spec.engine].final;
    if (
      record.spec.backup.enabled &&
      !final.available &&
      query.confirmNoFinalBackup !== 'true'
    ) {
      throw new ConflictError(
        `Database ${record.name} can take no final backup (${final.reason}); delete it with confirmNoFinalBackup=true to accept that none will exist`,
      );
    }
    if (query.dryRun === 'true') {
      if (record.status === 'Deleting') {
        throw new ConflictError(`Database ${record.name} is being deleted`);
      }
      res.json(
        changePreview(
          record.id,
          record,
          null,
          `Deletion requested; ${
            record.spec.backup.enabled && final.available
              ? 'a final backup is taken first'
              : 'no final backup is taken'
          }`,
          ctx.costs.prices,
        ),
      );
      return;
    }
    const { record: deleting, finalBackup } = await ctx.lifecycle.delete(
      { req, caller },
      record,
    );
    let message = 'Deletion requested; a final backup is taken first';
    if (!finalBackup) {
      message = record.spec.backup.enabled
        ? 'Deletion requested; the engine can take no final backup, so none is taken'
        : 'Deletion requested; backups are off, so no final backup is taken';
    }
    res.status(202).json(changeResponse(deleting, message));
  });
}
