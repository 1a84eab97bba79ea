import type {
  ClaimFootprint,
  ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

/** A tenant's limits. */
export type TenantQuota = {
  instances: number;
  storageGi: number;
  cpu: number;
  memoryGi: number;
  backups: number;
};

/** A database as the control plane records it. */
export type ServiceRecord = {
  id: string;
  tenant: string;
  name: string;
  status: 'Pending' | 'Provisioning' | 'Active' | 'Failed' | 'Deleting';
  spec: ServiceClaimSpec;
  footprint: ClaimFootprint;
  generation: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/** Databases and quotas, with quota checks in the same transaction as the change. */
export interface ServiceStore {
  /**
   * Records a new database as Pending. Throws QuotaExceededError when the tenant's
   * quota would be exceeded, ConflictError when the name is taken in the tenant.
   */
  createService(input: {
    tenant: string;
    name: string;
    spec: ServiceClaimSpec;
    createdBy: string;
  }): Promise<ServiceRecord>;
  getQuota(tenant: string): Promise<TenantQuota>;
  setQuota(tenant: string, quota: TenantQuota): Promise<void>;
  /** What the tenant's live databases use together. */
  getUsage(tenant: string): Promise<ClaimFootprint>;
}
