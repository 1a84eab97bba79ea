import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CatalogSku,
  CatalogSkuList,
  Organization,
  SkuQuery,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import type { DbaasApi } from './DbaasApi';

/**
 * DbaasApi over HTTP. Errors carry the backend's message (`ResponseError`),
 * which the pages show as it is.
 * @public
 */
export class DbaasClient implements DbaasApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listSkus(query: SkuQuery = {}): Promise<CatalogSku[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value) params.set(key, value);
    }
    const search = params.size ? `?${params}` : '';
    const body = await this.get<CatalogSkuList>(`/v1/catalog/skus${search}`);
    return body.items;
  }

  async listOrganizations(): Promise<Organization[]> {
    const body = await this.get<{ data: Organization[] }>('/v1/organizations');
    return body.data;
  }

  async listQuotas(organizationId: string): Promise<TenantQuotaUsage[]> {
    const body = await this.get<{ data: TenantQuotaUsage[] }>(
      `/v1/organizations/${encodeURIComponent(organizationId)}/quotas`,
    );
    return body.data;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('dbaas');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
