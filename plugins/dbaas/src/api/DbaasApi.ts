import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  Backup,
  CatalogSku,
  ListServicesQuery,
  Organization,
  Page,
  Restore,
  RestoreRequest,
  ServiceDetails,
  ServiceMetrics,
  ServiceSummary,
  SkuQuery,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';

/** The time range of a metrics query; the backend defaults to the last hour. @public */
export type MetricsRange = { start?: string; end?: string; step?: string };

/**
 * Client of the DBaaS backend's `/api/dbaas/v1` API. Every method throws a
 * `ResponseError` carrying the API's own message when the answer is not 2xx.
 * @public
 */
export interface DbaasApi {
  /** SKUs of the service catalog matching every given filter. */
  listSkus(query?: SkuQuery): Promise<CatalogSku[]>;
  /** The organizations the signed-in user may see, with their tenants. */
  listOrganizations(): Promise<Organization[]>;
  /** Each tenant's limits and usage in an organization (a group reference or name). */
  listQuotas(organizationId: string): Promise<TenantQuotaUsage[]>;
  /** One page of the databases the user may see, filtered. */
  listServices(
    query?: Partial<ListServicesQuery>,
  ): Promise<Page<ServiceSummary>>;
  /** A database with its config, connection details (never a password) and timeline. */
  getService(id: string): Promise<ServiceDetails>;
  /** A database's backups, newest first. */
  listBackups(serviceId: string): Promise<Backup[]>;
  /** Requests a manual backup now. */
  createBackup(serviceId: string, description?: string): Promise<Backup>;
  /** Restores a database from one of its backups, optionally to a point in time. */
  restoreService(serviceId: string, request: RestoreRequest): Promise<Restore>;
  /** CPU, memory, disk, connections and QPS series of a database. */
  getMetrics(serviceId: string, range?: MetricsRange): Promise<ServiceMetrics>;
}

/** @public */
export const dbaasApiRef = createApiRef<DbaasApi>({ id: 'plugin.dbaas' });
