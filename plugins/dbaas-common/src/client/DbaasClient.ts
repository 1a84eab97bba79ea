import type {
  OrganizationBudgets,
  SetBudgetRequest,
  TenantCost,
} from '../cost/tenantBudgets';
import { ResponseError } from '@backstage/errors';
import type {
  CatalogSku,
  CatalogSkuList,
  RegionList,
  SkuQuery,
} from '../catalog/skuQuery';
import type { Region } from '../catalog/schema';
import type {
  AuditLogQuery,
  CreateServiceRequest,
  GrantRoleRequest,
  ListServicesQuery,
  RestoreRequest,
  ScaleServiceRequest,
  SetQuotaRequest,
  UpdateServiceRequest,
} from '../api/serviceRequests';
import type {
  AuditLogEntry,
  Backup,
  CdcPipelineList,
  CdcPipelineView,
  CreateCdcPipelineRequest,
  Organization,
  OrganizationQuotas,
  Page,
  PlatformOverview,
  Restore,
  RestoreDrill,
  RoleGrant,
  ServiceChangePreview,
  ServiceChangeResponse,
  ServiceDetails,
  ServiceMetrics,
  ServiceOrderPreview,
  ServiceSummary,
  TenantQuotaUsage,
} from '../api/serviceResponses';
import type {
  AlertMute,
  MuteAlertsRequest,
  ServiceAlertList,
} from '../alerts/serviceAlerts';
import type {
  ApiClient,
  ApiClientList,
  RegisterApiClientRequest,
} from '../tenancy/apiClients';
import type { DbaasApi, DbaasRequestOptions, MetricsRange } from './DbaasApi';

/** The plugin id the DBaaS backend is mounted and discovered under. @public */
export const DBAAS_PLUGIN_ID = 'dbaas';

/**
 * Where, under the plugin's base URL, the backend serves its OpenAPI document;
 * the route Backstage's own plugins serve theirs at.
 * @public
 */
export const DBAAS_OPENAPI_PATH = '/openapi.json';

/** The largest page `GET /v1/services` serves. @public */
export const MAX_SERVICES_PAGE_SIZE = 100;

/** A route of the API, its parameters URL-encoded. */
const route = (strings: TemplateStringsArray, ...params: string[]) =>
  strings.reduce(
    (out, part, i) =>
      out + part + (i < params.length ? encodeURIComponent(params[i]) : ''),
    '',
  );

function queryString(query: Record<string, string | number | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.size ? `?${params}` : '';
}

/**
 * The `ResponseError` of a failed answer. It keeps a JSON body only when that
 * has Backstage's `response` field besides `error`; the API sends it, but the
 * API's error body (docs/api.md, Errors) is `{ error: { code, message, details } }` alone, so such
 * a body is completed rather than dropped for a made-up one.
 */
async function responseError(response: Response): Promise<ResponseError> {
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  let body: { error?: { message?: unknown }; response?: unknown } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body?.error?.message !== 'string' || body.response) {
    return ResponseError.fromResponse(response);
  }
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ ...body, response: { statusCode: response.status } }),
      {
        status: response.status,
        statusText: response.statusText,
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/**
 * {@link DbaasApi} over HTTP, on a discovery API and a fetch API as
 * `@backstage/catalog-client` is: the frontend binds it to `discoveryApiRef`
 * and `fetchApiRef`, backend modules to the discovery service and pass a
 * token per call.
 * @public
 */
export class DbaasClient implements DbaasApi {
  private readonly discoveryApi: {
    getBaseUrl(pluginId: string): Promise<string>;
  };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? {
      fetch: (input, init) => fetch(input, init),
    };
  }

  async listSkus(
    query: SkuQuery = {},
    options?: DbaasRequestOptions,
  ): Promise<CatalogSku[]> {
    const body = await this.request<CatalogSkuList>(
      'GET',
      `/v1/catalog/skus${queryString(query)}`,
      options,
    );
    return body.items;
  }

  async listRegions(options?: DbaasRequestOptions): Promise<Region[]> {
    const body = await this.request<RegionList>(
      'GET',
      '/v1/catalog/regions',
      options,
    );
    return body.items;
  }

  async listOrganizations(
    options?: DbaasRequestOptions,
  ): Promise<Organization[]> {
    const body = await this.request<{ data: Organization[] }>(
      'GET',
      '/v1/organizations',
      options,
    );
    return body.data;
  }

  getOrganization(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<Organization> {
    return this.request(
      'GET',
      route`/v1/organizations/${organizationId}`,
      options,
    );
  }

  async listMembers(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<RoleGrant[]> {
    const body = await this.request<{ data: RoleGrant[] }>(
      'GET',
      route`/v1/organizations/${organizationId}/members`,
      options,
    );
    return body.data;
  }

  grantRole(
    organizationId: string,
    request: GrantRoleRequest,
    options?: DbaasRequestOptions,
  ): Promise<RoleGrant> {
    return this.request(
      'POST',
      route`/v1/organizations/${organizationId}/members`,
      options,
      request,
    );
  }

  async revokeRole(
    organizationId: string,
    principal: string,
    query: { tenant?: string } = {},
    options?: DbaasRequestOptions,
  ): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      `${route`/v1/organizations/${organizationId}/members/${principal}`}${queryString(
        { tenant: query.tenant },
      )}`,
      options,
    );
  }

  async listQuotas(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<TenantQuotaUsage[]> {
    return (await this.getQuotas(organizationId, options)).data;
  }

  getQuotas(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<OrganizationQuotas> {
    return this.request(
      'GET',
      route`/v1/organizations/${organizationId}/quotas`,
      options,
    );
  }

  setQuota(
    organizationId: string,
    request: SetQuotaRequest,
    options?: DbaasRequestOptions,
  ): Promise<TenantQuotaUsage> {
    return this.request(
      'PUT',
      route`/v1/organizations/${organizationId}/quotas`,
      options,
      request,
    );
  }
  getBudgets(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<OrganizationBudgets> {
    return this.request(
      'GET',
      route`/v1/organizations/${organizationId}/budgets`,
      options,
    );
  }

  setBudget(
    organizationId: string,
    request: SetBudgetRequest,
    options?: DbaasRequestOptions,
  ): Promise<TenantCost> {
    return this.request(
      'PUT',
      route`/v1/organizations/${organizationId}/budgets`,
      options,
      request,
    );
  }

  listAuditEvents(
    query: Partial<AuditLogQuery>,
    options?: DbaasRequestOptions,
  ): Promise<Page<AuditLogEntry>> {
    return this.request('GET', `/v1/audit-logs${queryString(query)}`, options);
  }

  getPlatformOverview(
    options?: DbaasRequestOptions,
  ): Promise<PlatformOverview> {
    return this.request('GET', '/v1/platform/overview', options);
  }

  listServices(
    query: Partial<ListServicesQuery> = {},
    options?: DbaasRequestOptions,
  ): Promise<Page<ServiceSummary>> {
    return this.request('GET', `/v1/services${queryString(query)}`, options);
  }

  async findService(
    tenant: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceSummary | undefined> {
    // `q` matches substrings, so the exact name is picked from the page.
    const page = await this.listServices(
      { tenant, q: name, limit: MAX_SERVICES_PAGE_SIZE },
      options,
    );
    return page.data.find(service => service.name === name);
  }

  getService(
    id: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceDetails> {
    return this.request('GET', route`/v1/services/${id}`, options);
  }

  createService(
    request: CreateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceDetails> {
    return this.request('POST', '/v1/services', options, request);
  }

  previewService(
    request: CreateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceOrderPreview> {
    return this.request(
      'POST',
      `/v1/services${queryString({ dryRun: 'true' })}`,
      options,
      request,
    );
  }

  updateService(
    id: string,
    request: UpdateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangeResponse> {
    return this.request('PUT', route`/v1/services/${id}`, options, request);
  }

  scaleService(
    id: string,
    request: ScaleServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangeResponse> {
    return this.request(
      'POST',
      route`/v1/services/${id}/scale`,
      options,
      request,
    );
  }

  /**
   * `confirmNoFinalBackup`: delete although the engine can take no final
   * backup (the API refuses otherwise, with the reason).
   */
  deleteService(
    id: string,
    options?: DbaasRequestOptions,
    query: { confirmNoFinalBackup?: boolean } = {},
  ): Promise<ServiceChangeResponse> {
    return this.request(
      'DELETE',
      `${route`/v1/services/${id}`}${queryString({
        confirmNoFinalBackup: query.confirmNoFinalBackup ? 'true' : undefined,
      })}`,
      options,
    );
  }

  previewUpdateService(
    id: string,
    request: UpdateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview> {
    return this.request(
      'PUT',
      `${route`/v1/services/${id}`}${queryString({ dryRun: 'true' })}`,
      options,
      request,
    );
  }

  previewScaleService(
    id: string,
    request: ScaleServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview> {
    return this.request(
      'POST',
      `${route`/v1/services/${id}/scale`}${queryString({ dryRun: 'true' })}`,
      options,
      request,
    );
  }

  previewDeleteService(
    id: string,
    options?: DbaasRequestOptions,
    query: { confirmNoFinalBackup?: boolean } = {},
  ): Promise<ServiceChangePreview> {
    return this.request(
      'DELETE',
      `${route`/v1/services/${id}`}${queryString({
        dryRun: 'true',
        confirmNoFinalBackup: query.confirmNoFinalBackup ? 'true' : undefined,
      })}`,
      options,
    );
  }

  async listBackups(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<Backup[]> {
    const body = await this.request<{ data: Backup[] }>(
      'GET',
      route`/v1/services/${serviceId}/backups`,
      options,
    );
    return body.data;
  }

  createBackup(
    serviceId: string,
    description?: string,
    options?: DbaasRequestOptions,
  ): Promise<Backup> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/backups`,
      options,
      { type: 'manual', description },
    );
  }

  restoreService(
    serviceId: string,
    request: RestoreRequest,
    options?: DbaasRequestOptions,
  ): Promise<Restore> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/restore`,
      options,
      request,
    );
  }

  previewRestoreService(
    serviceId: string,
    request: RestoreRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview> {
    return this.request(
      'POST',
      `${route`/v1/services/${serviceId}/restore`}${queryString({
        dryRun: 'true',
      })}`,
      options,
      request,
    );
  }

  async listRestores(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<Restore[]> {
    const body = await this.request<{ data: Restore[] }>(
      'GET',
      route`/v1/services/${serviceId}/restores`,
      options,
    );
    return body.data;
  }

  async listRestoreDrills(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<RestoreDrill[]> {
    const body = await this.request<{ data: RestoreDrill[] }>(
      'GET',
      route`/v1/services/${serviceId}/drills`,
      options,
    );
    return body.data;
  }

  runRestoreDrill(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<RestoreDrill> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/drills`,
      options,
      {},
    );
  }

  listCdcPipelines(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineList> {
    return this.request(
      'GET',
      route`/v1/services/${serviceId}/cdc-pipelines`,
      options,
    );
  }

  createCdcPipeline(
    serviceId: string,
    request: CreateCdcPipelineRequest,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/cdc-pipelines`,
      options,
      request,
    );
  }

  previewCreateCdcPipeline(
    serviceId: string,
    request: CreateCdcPipelineRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview> {
    return this.request(
      'POST',
      `${route`/v1/services/${serviceId}/cdc-pipelines`}${queryString({
        dryRun: 'true',
      })}`,
      options,
      request,
    );
  }

  pauseCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/cdc-pipelines/${name}/pause`,
      options,
    );
  }

  resumeCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/cdc-pipelines/${name}/resume`,
      options,
    );
  }

  restartCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView> {
    return this.request(
      'POST',
      route`/v1/services/${serviceId}/cdc-pipelines/${name}/restart`,
      options,
    );
  }

  async deleteCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      route`/v1/services/${serviceId}/cdc-pipelines/${name}`,
      options,
    );
  }

  getMetrics(
    serviceId: string,
    range: MetricsRange = {},
    options?: DbaasRequestOptions,
  ): Promise<ServiceMetrics> {
    return this.request(
      'GET',
      `${route`/v1/services/${serviceId}/metrics`}${queryString(range)}`,
      options,
    );
  }

  listAlerts(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceAlertList> {
    return this.request(
      'GET',
      route`/v1/services/${serviceId}/alerts`,
      options,
    );
  }

  muteAlerts(
    serviceId: string,
    request: MuteAlertsRequest,
    options?: DbaasRequestOptions,
  ): Promise<AlertMute> {
    return this.request(
      'PUT',
      route`/v1/services/${serviceId}/alerts/mute`,
      options,
      request,
    );
  }

  async unmuteAlerts(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      route`/v1/services/${serviceId}/alerts/mute`,
      options,
    );
  }

  listApiClients(options?: DbaasRequestOptions): Promise<ApiClientList> {
    return this.request('GET', '/v1/api-clients', options);
  }

  registerApiClient(
    request: RegisterApiClientRequest,
    options?: DbaasRequestOptions,
  ): Promise<ApiClient> {
    return this.request('POST', '/v1/api-clients', options, request);
  }

  async removeApiClient(
    subject: string,
    options?: DbaasRequestOptions,
  ): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      route`/v1/api-clients/${subject}`,
      options,
    );
  }

  getOpenApiDocument(
    options?: DbaasRequestOptions,
  ): Promise<Record<string, unknown>> {
    return this.request('GET', DBAAS_OPENAPI_PATH, options);
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: DbaasRequestOptions | undefined,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(DBAAS_PLUGIN_ID);
    const url = `${baseUrl}${path}`;
    const token = options?.token;
    // A plain read is fetched by its URL alone: a fetch API may then share one
    // answer between callers that ask at once (the frontend's does).
    const response =
      method === 'GET' && !token
        ? await this.fetchApi.fetch(url)
        : await this.fetchApi.fetch(url, {
            method,
            headers: {
              ...(token ? { Authorization: `Bearer ${token}` } : {}),
              ...(body !== undefined
                ? { 'Content-Type': 'application/json' }
                : {}),
            },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          });
    if (!response.ok) {
      throw await responseError(response);
    }
    // A 202 or 204 of a deletion may come without a body.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
