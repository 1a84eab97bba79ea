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
  generation: number;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
};

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
