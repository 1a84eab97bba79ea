import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Page,
  ServiceDetails,
  ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';

/** The largest page `GET /services` serves. */
export const MAX_PAGE_SIZE = 100;

/**
 * Reads databases from the DBaaS API with the catalog's own service
 * credentials, which the DBaaS permission policy lets see every tenant's.
 */
export class DbaasServiceClient {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  /** One page of `GET /v1/services`, newest first. */
  async listServices(page: number): Promise<Page<ServiceSummary>> {
    const response = await this.get(
      `/v1/services?page=${page}&limit=${MAX_PAGE_SIZE}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as Page<ServiceSummary>;
  }

  /** The database, or undefined once it is gone. */
  async getService(id: string): Promise<ServiceDetails | undefined> {
    const response = await this.get(`/v1/services/${encodeURIComponent(id)}`);
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as ServiceDetails;
  }

  /** Where a database is read from, as people outside the backend reach it. */
  async serviceUrl(id: string): Promise<string> {
    const base = await this.deps.discovery.getExternalBaseUrl('dbaas');
    return `${base}/v1/services/${encodeURIComponent(id)}`;
  }

  private async get(path: string): Promise<Response> {
    const { auth, discovery } = this.deps;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'dbaas',
    });
    const baseUrl = await discovery.getBaseUrl('dbaas');
    return fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  }
}
