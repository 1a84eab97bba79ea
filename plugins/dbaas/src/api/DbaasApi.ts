import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CatalogSku,
  Organization,
  SkuQuery,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * Client of the DBaaS backend's `/api/dbaas/v1` API.
 * @public
 */
export interface DbaasApi {
  /** SKUs of the service catalog matching every given filter. */
  listSkus(query?: SkuQuery): Promise<CatalogSku[]>;
  /** The organizations the signed-in user may see, with their tenants. */
  listOrganizations(): Promise<Organization[]>;
  /** Each tenant's limits and usage in an organization (a group reference or name). */
  listQuotas(organizationId: string): Promise<TenantQuotaUsage[]>;
}

/** @public */
export const dbaasApiRef = createApiRef<DbaasApi>({ id: 'plugin.dbaas' });
