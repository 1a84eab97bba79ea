import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type {
  Backup,
  CreateServiceRequest,
  Organization,
  Restore,
  RestoreRequest,
  ScaleServiceRequest,
  ServiceChangeResponse,
  ServiceDetails,
  ServiceSummary,
  TenantQuotaUsage,
  UpdateServiceRequest,
  Page,
} from '@internal/backstage-plugin-dbaas-common';
import { DbaasApiError } from './DbaasApiError';

/**
 * The DBaaS API (`/api/dbaas/v1`) as seen by a scaffolder action. Every call is
 * made on behalf of the user who runs the template, so the API applies that
 * user's permissions, quotas and audit trail, never the scaffolder's.
 * @public
 */
export class DbaasApiClient {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
  }

  createService(
    credentials: BackstageCredentials,
    request: CreateServiceRequest,
  ): Promise<ServiceDetails> {
    return this.call(credentials, 'POST', '/v1/services', request);
  }

  getService(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<ServiceDetails> {
    return this.call(
      credentials,
      'GET',
      `/v1/services/${encodeURIComponent(id)}`,
    );
  }

  /** The tenant's database of that name, if the user may see it. */
  async findService(
    credentials: BackstageCredentials,
    tenant: string,
    name: string,
  ): Promise<ServiceSummary | undefined> {
    // `q` matches substrings, so the exact name is picked from the page.
    const query = new URLSearchParams({ tenant, q: name, limit: '100' });
    const page = await this.call<Page<ServiceSummary>>(
      credentials,
      'GET',
      `/v1/services?${query}`,
    );
    return page.data.find(service => service.name === name);
  }

  updateService(
    credentials: BackstageCredentials,
    id: string,
    request: UpdateServiceRequest,
  ): Promise<ServiceChangeResponse> {
    return this.call(
      credentials,
      'PUT',
      `/v1/services/${encodeURIComponent(id)}`,
      request,
    );
  }

  scaleService(
    credentials: BackstageCredentials,
    id: string,
    request: ScaleServiceRequest,
  ): Promise<ServiceChangeResponse> {
    return this.call(
      credentials,
      'POST',
      `/v1/services/${encodeURIComponent(id)}/scale`,
      request,
    );
  }

  deleteService(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<ServiceChangeResponse> {
    return this.call(
      credentials,
      'DELETE',
      `/v1/services/${encodeURIComponent(id)}`,
    );
  }

  async listBackups(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<Backup[]> {
    const body = await this.call<{ data: Backup[] }>(
      credentials,
      'GET',
      `/v1/services/${encodeURIComponent(id)}/backups`,
    );
    return body.data;
  }

  restoreService(
    credentials: BackstageCredentials,
    id: string,
    request: RestoreRequest,
  ): Promise<Restore> {
    return this.call(
      credentials,
      'POST',
      `/v1/services/${encodeURIComponent(id)}/restore`,
      request,
    );
  }

  /** The organizations the user may see, with their tenants. */
  async listOrganizations(
    credentials: BackstageCredentials,
  ): Promise<Organization[]> {
    const body = await this.call<{ data: Organization[] }>(
      credentials,
      'GET',
      '/v1/organizations',
    );
    return body.data;
  }

  async listQuotas(
    credentials: BackstageCredentials,
    organizationId: string,
  ): Promise<TenantQuotaUsage[]> {
    const body = await this.call<{ data: TenantQuotaUsage[] }>(
      credentials,
      'GET',
      `/v1/organizations/${encodeURIComponent(organizationId)}/quotas`,
    );
    return body.data;
  }

  private async call<T>(
    credentials: BackstageCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('dbaas'),
      this.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'dbaas',
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      throw await DbaasApiError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
