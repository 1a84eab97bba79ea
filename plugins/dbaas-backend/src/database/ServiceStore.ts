import type {
  ClaimFootprint,
  ListServicesQuery,
  Page,
  ServiceClaimSpec,
  ServiceClaimStatus,
  TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { AccessFilter } from '../permissions/accessFilter';

export type { TenantQuota };

/** A database as the control plane records it. */
export type ServiceRecord = {
  id: string;
  tenant: string;
  organization: string;
  name: string;
  status: 'Pending' | 'Provisioning' | 'Active' | 'Failed' | 'Deleting';
  spec: ServiceClaimSpec;
  /** What the cluster last reported, once it has. */
  reported?: ServiceClaimStatus;
  /** Where the claim is in the GitOps repository, once committed (or proposed) there. */
  gitops?: {
    path: string;
    commitSha: string;
    commitUrl?: string;
    pullRequestUrl?: string;
  };
  footprint: ClaimFootprint;
  generation: number;
  /** The latest manual backup requested through the claim (its backup id). */
  backupRequest?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/**
 * Runs inside a mutation's transaction, after the change: where the audit event
 * goes into the outbox, so the change and its record commit or fail together.
 */
export type InTransaction<T> = (
  tx: Knex.Transaction,
  result: T,
) => Promise<void>;

/** Databases and quotas, with quota checks in the same transaction as the change. */
export interface ServiceStore {
  /**
   * Records a new database as Pending. Throws QuotaExceededError when the tenant's
   * quota would be exceeded, ConflictError when the name is taken in the tenant.
   */
  createService(
    input: {
      tenant: string;
      organization: string;
      name: string;
      spec: ServiceClaimSpec;
      createdBy: string;
    },
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  /** A live database the filter lets through, or undefined. */
  getService(
    id: string,
    filter?: AccessFilter,
  ): Promise<ServiceRecord | undefined>;
  listServices(
    query: ListServicesQuery,
    filter?: AccessFilter,
  ): Promise<Page<ServiceRecord>>;
  /** The tenants of the live databases the filter lets through. */
  listTenantsWithServices(filter: AccessFilter): Promise<string[]>;
  /**
   * Replaces the spec of a database at the given generation and bumps it. Growth
   * is checked against the quota in the same transaction; ConflictError when the
   * database changed meanwhile or is being deleted.
   */
  updateSpec(
    input: {
      id: string;
      generation: number;
      spec: ServiceClaimSpec;
    },
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  /** Marks a database Deleting; it counts against the quota until removed. */
  markDeleting(
    id: string,
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  getQuota(tenant: string): Promise<TenantQuota>;
  setQuota(
    tenant: string,
    quota: TenantQuota,
    inTransaction?: InTransaction<TenantQuota>,
  ): Promise<void>;
  /** What the tenant's live databases use together. */
  getUsage(tenant: string): Promise<ClaimFootprint>;
}
