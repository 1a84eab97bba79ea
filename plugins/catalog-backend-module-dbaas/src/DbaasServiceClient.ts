import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DBAAS_PLUGIN_ID,
  DbaasClient,
  MAX_SERVICES_PAGE_SIZE,
  type DbaasRequestOptions,
  type Page,
  type ServiceDetails,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The DBaaS API as the catalog reads it: through the shared `DbaasClient`,
 * with the catalog's own service credentials, which the DBaaS permission
 * policy lets see every tenant's databases.
 */
export class DbaasServiceClient {
  private readonly api: DbaasClient;

  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {
    this.api = new DbaasClient({ discoveryApi: deps.discovery });
  }

  /** One page of `GET /v1/services`, newest first. */
  async listServices(page: number): Promise<Page<ServiceSummary>> {
    return this.api.listServices(
      { page, limit: MAX_SERVICES_PAGE_SIZE },
      await this.asCatalog(),
    );
  }

  /** The database, or undefined once it is gone. */
  async getService(id: string): Promise<ServiceDetails | undefined> {
    try {
      return await this.api.getService(id, await this.asCatalog());
    } catch (error) {
      if (ResponseError.is(error) && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** The API's OpenAPI document, as the backend serves it. */
  async getOpenApiDocument(): Promise<Record<string, unknown>> {
    return this.api.getOpenApiDocument(await this.asCatalog());
  }

  /** Where a database is read from, as people outside the backend reach it. */
  async serviceUrl(id: string): Promise<string> {
    const base = await this.deps.discovery.getExternalBaseUrl(DBAAS_PLUGIN_ID);
    return `${base}/v1/services/${encodeURIComponent(id)}`;
  }

  private async asCatalog(): Promise<DbaasRequestOptions> {
    const { auth } = this.deps;
    return auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: DBAAS_PLUGIN_ID,
    });
  }
}
