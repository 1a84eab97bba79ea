import {
  backupRetention,
  engineBackups,
  serviceStatusOf,
  type Restore,
  type ServiceDetails,
  type ServiceSummary,
  type TimelineStep,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from '../database/ServiceStore';
import { pipelineTopics } from './cdcViews';

export const apiStatus = (record: ServiceRecord) =>
  serviceStatusOf(record.status);

export function toSummary(record: ServiceRecord): ServiceSummary {
  // A deleted database's pipelines are gone with it (their topics age out).
  const pipelines = record.deletedAt ? [] : record.spec.cdc?.pipelines ?? [];
  return {
    id: record.id,
    name: record.name,
    tenant: record.tenant,
    organization: record.organization,
    engine: record.spec.engine,
    plan: record.spec.plan,
    region: record.spec.region,
    ...(record.spec.sku ? { sku: record.spec.sku } : {}),
    status: apiStatus(record),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.deletedAt
      ? {
          deletedAt: record.deletedAt,
          backupRetention: backupRetention(record.spec),
        }
      : {}),
    // The catalog's full run makes each topic's entity from the list alone.
    ...(pipelines.length > 0
      ? {
          cdcPipelines: pipelines.map(pipeline => ({
            name: pipeline.name,
            tables: pipeline.tables,
            topics: pipelineTopics(record, pipeline),
          })),
        }
      : {}),
  };
}

export function toDetails(
  record: ServiceRecord,
  timeline: TimelineStep[],
  /** The restore the database was made by, when it was. */
  restoredFrom?: Restore,
): ServiceDetails {
  return {
    ...toSummary(record),
    generation: record.generation,
    ...(record.reported?.observedGeneration !== undefined
      ? { observedGeneration: record.reported.observedGeneration }
      : {}),
    config: record.spec,
    connection: record.reported?.connection ?? null,
    endpoints: record.reported?.endpoints ?? [],
    conditions: record.reported?.conditions ?? [],
    createdBy: record.createdBy,
    ...(record.gitops ? { gitops: record.gitops } : {}),
    timeline,
    backups: engineBackups[record.spec.engine],
    ...(restoredFrom ? { restoredFrom } : {}),
  };
}
