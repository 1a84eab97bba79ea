import {
  claimFootprint,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from './ServiceStore';

export type RawServiceRow = {
  id: string;
  tenant: string;
  organization: string;
  name: string;
  engine: string;
  plan: string;
  region: string;
  sku: string | null;
  status: ServiceRecord['status'];
  spec: string;
  reported_status: string | null;
  gitops_path?: string | null;
  gitops_commit?: string | null;
  gitops_commit_url?: string | null;
  gitops_pull_request_url?: string | null;
  backup_request?: string | null;
  primary_backup?: string | null;
  /** A restore drill's scratch database (SQLite answers 0 or 1). */
  drill?: boolean | number;
  storage_gi: number;
  cpu: number;
  memory_gi: number;
  /** The CDC pipelines its spec declares (`spec.cdc.pipelines`). */
  cdc_pipelines: number;
  generation: number;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
};

/** The CDC pipelines a spec declares. */
export const cdcPipelineCount = (spec: ServiceClaimSpec): number =>
  spec.cdc?.pipelines?.length ?? 0;

/**
 * A spec as its row holds it: the JSON and what quotas sum over it. Every
 * write of a spec writes these together, so that the sums stay the spec's.
 */
export function specColumns(
  spec: ServiceClaimSpec,
): Pick<
  RawServiceRow,
  'spec' | 'storage_gi' | 'cpu' | 'memory_gi' | 'cdc_pipelines'
> {
  const footprint = claimFootprint(spec);
  return {
    spec: JSON.stringify(spec),
    storage_gi: footprint.storageGi,
    cpu: footprint.cpu,
    memory_gi: footprint.memoryGi,
    cdc_pipelines: cdcPipelineCount(spec),
  };
}

export const toIso = (value: Date | string) => new Date(value).toISOString();

export function toServiceRecord(row: RawServiceRow): ServiceRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    organization: row.organization,
    name: row.name,
    status: row.status,
    spec: JSON.parse(row.spec),
    ...(row.reported_status
      ? { reported: JSON.parse(row.reported_status) }
      : {}),
    ...(row.gitops_path && row.gitops_commit
      ? {
          gitops: {
            path: row.gitops_path,
            commitSha: row.gitops_commit,
            ...(row.gitops_commit_url
              ? { commitUrl: row.gitops_commit_url }
              : {}),
            ...(row.gitops_pull_request_url
              ? { pullRequestUrl: row.gitops_pull_request_url }
              : {}),
          },
        }
      : {}),
    footprint: {
      instances: 1,
      storageGi: Number(row.storage_gi),
      cpu: Number(row.cpu),
      memoryGi: Number(row.memory_gi),
    },
    generation: Number(row.generation),
    ...(row.backup_request ? { backupRequest: row.backup_request } : {}),
    ...(row.primary_backup ? { primaryBackup: row.primary_backup } : {}),
    ...(row.drill ? { drill: true } : {}),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    ...(row.deleted_at ? { deletedAt: toIso(row.deleted_at) } : {}),
  };
}
