import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  createServiceRequestSchema,
  dbaasServiceCreatePermission,
  dbaasServiceDeletePermission,
  dbaasServiceReadPermission,
  dbaasServiceUpdatePermission,
  engineRoles,
  deleteServiceQuerySchema,
  engineBackups,
  listServicesQuerySchema,
  scaleServiceRequestSchema,
  updateServiceRequestSchema,
  type Page,
  type ServiceChangeResponse,
  type ServiceConfig,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request, Response, Router } from 'express';
import type { ServiceRecord } from '../../database/ServiceStore';
import { describeChange, specForCreate, specForUpdate } from '../claimSpecs';
import { invalidInput } from '../../errors/invalidInput';
import { parseInput } from '../parse';
import { restoreView } from '../restoreViews';
import { apiStatus, toDetails, toSummary } from '../serviceViews';
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

/**
 * The request with its tenant: as sent, or, when it names none, the one
 * tenant the caller may create databases in (the seed requirements' own
 * example names none). Left as it is for the schema to refuse when the
 * caller may create in no tenant or in several; the error names them.
 */
async function withDefaultTenant(
  ctx: RouteContext,
  caller: ReturnType<typeof callerFrom>,
  body: unknown,
): Promise<unknown> {
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    'tenant' in body
  ) {
    return body;
  }
  const places = (await ctx.directory.listOrganizations()).flatMap(org =>
    org.tenants.map(tenant => ({
      organization: org.id,
      tenants: [tenant.id],
    })),
  );
  const allowed = await ctx.access.canOnServices(
    dbaasServiceCreatePermission,
    caller.credentials,
    places,
  );
  const choices = places
    .filter((_, i) => allowed[i])
    .map(place => place.tenants[0]);
  if (choices.length === 1) return { ...body, tenant: choices[0] };
  const listed =
    choices.length > 10
      ? `${choices.slice(0, 10).join(', ')} and ${choices.length - 10} more`
      : choices.join(', ');
  throw invalidInput('database request', [
    {
      path: ['tenant'],
      message:
        choices.length === 0
          ? 'is required, and you may create databases in no tenant'
          : `is required: you may create databases in ${choices.length} tenants (${listed})`,
    },
  ]);
}

/** `/v1/services` and `/v1/services/{id}`: the lifecycle of databases. */
export function addServiceRoutes(router: Router, ctx: RouteContext) {
  router.post('/v1/services', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(
      createServiceRequestSchema,
      await withDefaultTenant(ctx, caller, req.body),
      'database request',
    );
    const organization = await ctx.directory.organizationOf(body.tenant);
    if (!organization) {
      throw invalidInput('database request', [
        {
          path: ['tenant'],
          message: `${body.tenant} is not a team of any organization in the catalog`,
        },
      ]);
    }
    const place = { organization, tenants: [body.tenant] };
    if (
      !(await ctx.access.canOnService(
        dbaasServiceCreatePermission,
        caller.credentials,
        place,
      ))
    ) {
      throw new NotAllowedError(
        `${caller.actor} may not create databases in ${body.tenant}`,
      );
    }
    const spec = specForCreate(await ctx.skuCatalog.current(), body);
    const record = await ctx.lifecycle.create(
      { req, caller },
      { tenant: body.tenant, organization, name: body.name, spec },
    );
    res
      .status(201)
      .location(`services/${record.id}`)
      .json(toDetails(record, await ctx.timeline.list(record.id)));
  });

  router.get('/v1/services', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(listServicesQuerySchema, req.query, 'query');
    const filter = await ctx.access
      .serviceFilter(dbaasServiceReadPermission, caller.credentials)
      .catch(error => {
        // A caller who may see no database at all gets an empty list.
        if (error.name === 'NotAllowedError') return 'none' as const;
        throw error;
      });
    const page =
      filter === 'none'
        ? {
            data: [],
            pagination: { page: query.page, limit: query.limit, total: 0 },
          }
        : await ctx.services.listServices(query, filter);
    const body: Page<ServiceSummary> = {
      data: page.data.map(toSummary),
      pagination: page.pagination,
    };
    res.json(body);
  });

  router.get('/v1/services/:id', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    const restore = await ctx.backups.restoreInto(record.id);
    res.json(
      toDetails(
        record,
        await ctx.timeline.list(record.id),
        restore ? await restoreView(ctx, restore) : undefined,
      ),
    );
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
