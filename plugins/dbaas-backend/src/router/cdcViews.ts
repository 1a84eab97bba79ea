import { NotFoundError } from '@backstage/errors';
import {
  cdcDeadLetterTopic,
  cdcTableForms,
  cdcTopic,
  engineCdc,
  tenantSlug,
  type CdcPipeline,
  type CdcPipelineList,
  type CdcPipelineView,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from '../database/ServiceStore';

/** The database's pipeline of that name, or NotFoundError. */
export function pipelineOf(record: ServiceRecord, name: string): CdcPipeline {
  const pipeline = record.spec.cdc?.pipelines.find(p => p.name === name);
  if (!pipeline) {
    throw new NotFoundError(
      `Database ${record.name} has no CDC pipeline ${name}`,
    );
  }
  return pipeline;
}

/** A pipeline's topics, one per table, in the order of its tables. */
export function pipelineTopics(
  record: ServiceRecord,
  pipeline: CdcPipeline,
): string[] {
  const tenant = tenantSlug(record.tenant);
  return pipeline.tables.map(table =>
    cdcTopic(record.spec.engine, tenant, table),
  );
}

/**
 * A pipeline as its claim declares it, with how it runs as the database's
 * PoP last reported it (the primary's report: it runs where the primary is);
 * `pending` until the PoP reported it, or when `reported` is false (a
 * pipeline just added: a report of the name is of an earlier one).
 */
export function cdcPipelineView(
  record: ServiceRecord,
  pipeline: CdcPipeline,
  options: { reported?: boolean } = {},
): CdcPipelineView {
  const { engine } = record.spec;
  const tenant = tenantSlug(record.tenant);
  const report =
    options.reported === false
      ? undefined
      : record.reported?.cdc?.find(r => r.name === pipeline.name);
  return {
    name: pipeline.name,
    tables: pipeline.tables,
    snapshot: pipeline.snapshot ?? 'initial',
    paused: pipeline.paused ?? false,
    state: report?.state ?? 'pending',
    ...(report?.message ? { message: report.message } : {}),
    topics: pipelineTopics(record, pipeline),
    deadLetterTopic: cdcDeadLetterTopic(
      engine,
      tenant,
      record.name,
      pipeline.name,
    ),
    ...(report?.connector ? { connector: report.connector } : {}),
    ...(report?.measured ? { measured: report.measured } : {}),
    ...(report?.access ? { access: report.access } : {}),
  };
}

/** A database's pipelines, with what its engine offers and how it names a table. */
export function cdcPipelineList(record: ServiceRecord): CdcPipelineList {
  return {
    data: (record.spec.cdc?.pipelines ?? []).map(pipeline =>
      cdcPipelineView(record, pipeline),
    ),
    capability: engineCdc[record.spec.engine],
    tableForm: cdcTableForms[record.spec.engine],
  };
}
