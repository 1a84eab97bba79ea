import { ConflictError } from '@backstage/errors';
import {
  CDC_PIPELINES_PER_DATABASE,
  createCdcPipelineRequestSchema,
  dbaasServiceUpdatePermission,
  engineCdc,
  serviceChangeQuerySchema,
  type CdcPipeline,
  type CreateCdcPipelineRequest,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request, Response, Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { ServiceRecord } from '../../database/ServiceStore';
import { cdcPipelineList, cdcPipelineView, pipelineOf } from '../cdcViews';
import { changePreview } from '../changePreview';
import { specForCdc } from '../claimSpecs';
import { parseInput } from '../parse';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

/** What pause, resume and restart do to a pipeline in the claim. */
const pipelineActions: Record<
  'pause' | 'resume' | 'restart',
  { past: string; apply: (pipeline: CdcPipeline) => CdcPipeline }
> = {
  pause: { past: 'paused', apply: p => ({ ...p, paused: true }) },
  resume: { past: 'resumed', apply: ({ paused: _paused, ...p }) => p },
  // A new token: the operator restarts the connector once for each.
  restart: { past: 'restarted', apply: p => ({ ...p, restart: randomUUID() }) },
};

/**
 * `/v1/services/{id}/cdc-pipelines`: a database's CDC pipelines. They live in
 * its claim (`spec.cdc.pipelines`), so each change is a change of the
 * database's spec, with its permission, generation check, quota lock, audit
 * event and GitOps commit (DatabaseLifecycle.change).
 */
export function addCdcRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/services/:id/cdc-pipelines', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    res.json(cdcPipelineList(record));
  });

  router.get('/v1/services/:id/cdc-pipelines/:name', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    res.json(cdcPipelineView(record, pipelineOf(record, req.params.name)));
  });

  /** The database with its pipelines replaced, as one change of its spec. */
  async function changePipelines(
    req: Request,
    res: Response,
    input: {
      record: ServiceRecord;
      action: string;
      pipeline: string;
      pipelines: CdcPipeline[];
      summary: string;
      fieldOf?: (specPath: string) => string;
    },
  ): Promise<ServiceRecord> {
    const { record } = input;
    const spec = specForCdc(record.spec, input.pipelines, input.fieldOf);
    return ctx.lifecycle.change({ req, caller: callerFrom(req, res) }, record, {
      action: input.action,
      spec,
      summary: input.summary,
      details: { pipeline: input.pipeline },
    });
  }

  router.post('/v1/services/:id/cdc-pipelines', async (req, res) => {
    const query = parseInput(serviceChangeQuerySchema, req.query, 'query');
    const body: CreateCdcPipelineRequest = parseInput(
      createCdcPipelineRequestSchema,
      req.body,
      'CDC pipeline',
    );
    const record = await loadService(
      ctx,
      callerFrom(req, res),
      req.params.id,
      dbaasServiceUpdatePermission,
    );
    const capability = engineCdc[record.spec.engine];
    if (!capability.available) {
      throw new ConflictError(
        `Database ${record.name} cannot stream its changes: ${capability.reason}`,
      );
    }
    const pipelines = record.spec.cdc?.pipelines ?? [];
    if (pipelines.length >= CDC_PIPELINES_PER_DATABASE) {
      throw new ConflictError(
        `Database ${record.name} has ${pipelines.length} CDC pipelines, the most one database may have; add the tables to one of them, or remove one first`,
      );
    }
    const pipeline: CdcPipeline = {
      name: body.name,
      tables: body.tables,
      ...(body.snapshot ? { snapshot: body.snapshot } : {}),
    };
    // The claim's rules name the new pipeline's fields as this request's.
    const prefix = `cdc.pipelines.${pipelines.length}.`;
    const fieldOf = (path: string) =>
      path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const summary = `CDC pipeline ${pipeline.name} of ${pipeline.tables.join(
      ', ',
    )} added`;
    if (query.dryRun === 'true') {
      // Checked as the change below checks it; nothing recorded.
      const spec = specForCdc(record.spec, [...pipelines, pipeline], fieldOf);
      await ctx.lifecycle.checkChange(record, spec);
      res.json(
        changePreview(
          record.id,
          record,
          { ...record, spec, generation: record.generation + 1 },
          `Requested: ${summary}`,
          ctx.costs.prices,
        ),
      );
      return;
    }
    const updated = await changePipelines(req, res, {
      record,
      action: 'cdc.create',
      pipeline: pipeline.name,
      pipelines: [...pipelines, pipeline],
      summary,
      fieldOf,
    });
    res
      .status(202)
      .location(`cdc-pipelines/${pipeline.name}`)
      .json(
        cdcPipelineView(updated, pipelineOf(updated, pipeline.name), {
          reported: false,
        }),
      );
  });

  for (const [verb, { past, apply }] of Object.entries(pipelineActions)) {
    router.post(
      `/v1/services/:id/cdc-pipelines/:name/${verb}`,
      async (req, res) => {
        const record = await loadService(
          ctx,
          callerFrom(req, res),
          req.params.id,
          dbaasServiceUpdatePermission,
        );
        const current = pipelineOf(record, req.params.name);
        const next = apply(current);
        let updated = record;
        // Pausing a paused pipeline (or resuming a running one) changes nothing.
        if (JSON.stringify(next) !== JSON.stringify(current)) {
          updated = await changePipelines(req, res, {
            record,
            action: `cdc.${verb}`,
            pipeline: current.name,
            pipelines: record.spec.cdc!.pipelines.map(p =>
              p.name === current.name ? next : p,
            ),
            summary: `CDC pipeline ${current.name} ${past}`,
          });
        }
        res
          .status(202)
          .json(cdcPipelineView(updated, pipelineOf(updated, current.name)));
      },
    );
  }

  router.delete('/v1/services/:id/cdc-pipelines/:name', async (req, res) => {
    const record = await loadService(
      ctx,
      callerFrom(req, res),
      req.params.id,
      dbaasServiceUpdatePermission,
    );
    const removed = pipelineOf(record, req.params.name);
    await changePipelines(req, res, {
      record,
      action: 'cdc.delete',
      pipeline: removed.name,
      pipelines: record.spec.cdc!.pipelines.filter(p => p !== removed),
      // Kafka keeps the topics' messages for their retention.
      summary: `CDC pipeline ${removed.name} removed; its topics are kept for their retention`,
    });
    res.status(202).end();
  });
}
