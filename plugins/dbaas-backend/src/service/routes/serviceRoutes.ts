import { NotAllowedError } from '@backstage/errors';
import {
  createServiceRequestSchema,
  dbaasServiceCreatePermission,
  dbaasServiceDeletePermission,
  dbaasServiceReadPermission,
  dbaasServiceUpdatePermission,
  engineRoles,
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
import type { HandOver } from '../../provisioner/ServiceProvisioner';
import { checkTenantSlug } from '../../tenancy/tenantSlugs';
import { describeChange, specForCreate, specForUpdate } from '../claimSpecs';
import { invalidInput, parseInput } from '../parse';
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

/** `/v1/services` and `/v1/services/{id}`: the lifecycle of databases. */
export function addServiceRoutes(router: Router, ctx: RouteContext) {
  /**
   * After a change committed: waits a little for its claim to reach the
   * GitOps repository, and answers with the database as it is then.
   */
  async function handedOver(
    record: ServiceRecord,
    handOver: HandOver,
  ): Promise<ServiceRecord> {
    if (!handOver) return record;
    await ctx.provisioner.handedOver(handOver);
    return (await ctx.services.getService(record.id)) ?? record;
  }

  router.post('/v1/services', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(
      createServiceRequestSchema,
      req.body,
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
    const spec = specForCreate(ctx.skuCatalog, body);
    let handOver: HandOver;
    const recorded = await ctx.audit.record<ServiceRecord>(
      req,
      caller,
      {
        action: 'service.create',
        tenant: body.tenant,
        organization,
        resourceType: 'database',
        resourceId: created => created.id,
        details: created => ({
          name: created.name,
          engine: spec.engine,
          plan: spec.plan,
          region: spec.region,
        }),
      },
      async recordAudit => {
        // Whose name the claim's place is, before its file is read.
        await checkTenantSlug(ctx.db, body.tenant);
        await ctx.provisioner.checkOwnership({
          tenant: body.tenant,
          name: body.name,
        });
        return ctx.services.createService(
          {
            tenant: body.tenant,
            organization,
            name: body.name,
            spec,
            createdBy: caller.actor,
          },
          async (tx, inserted) => {
            await recordAudit(tx, inserted);
            handOver = await ctx.provisioner.apply(inserted, tx);
          },
        );
      },
    );
    const record = await handedOver(recorded, handOver);
    await ctx.notifier.notify(record, 'created');
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
    res.json(toDetails(record, await ctx.timeline.list(record.id)));
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
    const spec = specForUpdate(record.spec, config, fieldOf);
    const summary = describeChange(record.spec, spec);
    if (!summary) {
      res.json(changeResponse(record, 'Nothing to change'));
      return;
    }
    let handOver: HandOver;
    const recorded = await ctx.audit.record<ServiceRecord>(
      req,
      caller,
      {
        action,
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'database',
        resourceId: record.id,
        details: next => ({ change: summary, generation: next.generation }),
      },
      async recordAudit => {
        await ctx.provisioner.checkOwnership(record);
        return ctx.services.updateSpec(
          { id: record.id, generation: record.generation, spec },
          async (tx, changed) => {
            await recordAudit(tx, changed);
            handOver = await ctx.provisioner.apply(changed, tx);
          },
        );
      },
    );
    const updated = await handedOver(recorded, handOver);
    await ctx.notifier.notify(updated, 'updated');
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
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasServiceDeletePermission,
    );
    const withFinalBackup = record.spec.backup.enabled;
    let handOver: HandOver;
    const marked = await ctx.audit.record<ServiceRecord>(
      req,
      caller,
      {
        action: 'service.delete',
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'database',
        resourceId: record.id,
        details: () => ({ name: record.name, finalBackup: withFinalBackup }),
      },
      async recordAudit => {
        await ctx.provisioner.checkOwnership(record);
        return ctx.services.markDeleting(record.id, async (tx, going) => {
          await recordAudit(tx, going);
          // Governed decommission: the data is backed up before it goes away.
          if (withFinalBackup) {
            const backup = await ctx.backups.createBackup(
              {
                serviceId: record.id,
                tenant: record.tenant,
                type: 'final',
                description: 'Final backup before deletion',
                createdBy: caller.actor,
              },
              undefined,
              tx,
            );
            await ctx.provisioner.requestBackup(going, backup, tx);
          }
          handOver = await ctx.provisioner.remove(going, tx);
        });
      },
    );
    const deleting = await handedOver(marked, handOver);
    await ctx.notifier.notify(deleting, 'deleted');
    res
      .status(202)
      .json(
        changeResponse(
          deleting,
          withFinalBackup
            ? 'Deletion requested; a final backup is taken first'
            : 'Deletion requested; backups are off, so no final backup is taken',
        ),
      );
  });
}
