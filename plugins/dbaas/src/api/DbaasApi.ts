import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CatalogSku,
  SkuQuery,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * Client of the DBaaS backend's `/api/dbaas/v1` API.
 * @public
 */
export interface DbaasApi {
  /** SKUs of the service catalog matching every given filter. */
  listSkus(query?: SkuQuery): Promise<CatalogSku[]>;
}

/** @public */
export const dbaasApiRef = createApiRef<DbaasApi>({ id: 'plugin.dbaas' });
