import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Backup,
  CatalogSku,
  CatalogSkuList,
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
import type { DbaasApi, MetricsRange } from './DbaasApi';

function queryString(query: Record<string, string | number | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.size ? `?${params}` : '';
}

/**
 * DbaasApi over HTTP. Errors carry the backend's message (`ResponseError`),
 * which the pages show as it is.
 * @public
 */
export class DbaasClient implements DbaasApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  // Reads in flight by URL: the cards of one entity page ask for the same
  // database at once, and each signal makes them all ask again.
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listSkus(query: SkuQuery = {}): Promise<CatalogSku[]> {
    const body = await this.request<CatalogSkuList>(
      `/v1/catalog/skus${queryString(query)}`,
    );
    return body.items;
  }

  async listOrganizations(): Promise<Organization[]> {
    const body = await this.request<{ data: Organization[] }>(
      '/v1/organizations',
    );
    return body.data;
  }

  async listQuotas(organizationId: string): Promise<TenantQuotaUsage[]> {
    const body = await this.request<{ data: TenantQuotaUsage[] }>(
      `/v1/organizations/${encodeURIComponent(organizationId)}/quotas`,
    );
    return body.data;
  }

  async listServices(
    query: Partial<ListServicesQuery> = {},
  ): Promise<Page<ServiceSummary>> {
    return this.request(`/v1/services${queryString(query)}`);
  }

  async getService(id: string): Promise<ServiceDetails> {
    return this.request(`/v1/services/${encodeURIComponent(id)}`);
  }

  async listBackups(serviceId: string): Promise<Backup[]> {
    const body = await this.request<{ data: Backup[] }>(
      `/v1/services/${encodeURIComponent(serviceId)}/backups`,
    );
    return body.data;
  }

  async createBackup(serviceId: string, description?: string): Promise<Backup> {
    return this.request(
      `/v1/services/${encodeURIComponent(serviceId)}/backups`,
      { method: 'POST', body: { type: 'manual', description } },
    );
  }

  async restoreService(
    serviceId: string,
    request: RestoreRequest,
  ): Promise<Restore> {
    return this.request(
      `/v1/services/${encodeURIComponent(serviceId)}/restore`,
      { method: 'POST', body: request },
    );
  }

  async getMetrics(
    serviceId: string,
    range: MetricsRange = {},
  ): Promise<ServiceMetrics> {
    return this.request(
      `/v1/services/${encodeURIComponent(serviceId)}/metrics${queryString(
        range,
      )}`,
    );
  }

  private async request<T>(
    path: string,
    options: { method?: 'POST'; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('dbaas');
    const url = `${baseUrl}${path}`;
    if (options.method) {
      return this.send<T>(url, {
        method: options.method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(options.body ?? {}),
      });
    }
    const pending = this.reads.get(url);
    if (pending) return pending as Promise<T>;
    const read = this.send<T>(url).finally(() => this.reads.delete(url));
    this.reads.set(url, read);
    return read;
  }

  private async send<T>(url: string, init?: RequestInit): Promise<T> {
    const response = init
      ? await this.fetchApi.fetch(url, init)
      : await this.fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
