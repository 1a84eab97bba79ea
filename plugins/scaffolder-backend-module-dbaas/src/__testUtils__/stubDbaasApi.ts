import { mockServices } from '@backstage/backend-test-utils';
import type {
  ServiceDetails,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DbaasApiClient } from '../client/DbaasApiClient';

export type StubRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  authorization?: string;
};

type Answer = { status?: number; body?: unknown };
type Handler = (request: StubRequest) => Answer;

/**
 * A stand-in for the DBaaS API on a loopback port: answers what each test
 * registers with `on`, 404 in the API's error shape otherwise, and keeps every
 * request so tests can check what an action sent.
 */
export class StubDbaasApi {
  readonly requests: StubRequest[] = [];
  private readonly handlers: {
    method: string;
    path: string | RegExp;
    handler: Handler;
  }[] = [];

  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url!, 'http://stub');
        const text = Buffer.concat(chunks).toString('utf8');
        const answer = this.answer({
          method: req.method!,
          path: url.pathname.replace(/^\/api\/dbaas/, ''),
          query: url.searchParams,
          body: text ? JSON.parse(text) : undefined,
          authorization: req.headers.authorization,
        });
        res.writeHead(answer.status ?? 200, {
          'Content-Type': 'application/json',
        });
        res.end(JSON.stringify(answer.body ?? {}));
      });
    });
  }

  static async start(): Promise<StubDbaasApi> {
    const api = new StubDbaasApi();
    await new Promise<void>(resolve =>
      api.server.listen(0, '127.0.0.1', resolve),
    );
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}/api/dbaas`;
  }

  on(method: string, path: string | RegExp, handler: Handler | Answer) {
    this.handlers.unshift({
      method,
      path,
      handler: typeof handler === 'function' ? handler : () => handler,
    });
    return this;
  }

  /** The requests other than reads. */
  writes() {
    return this.requests.filter(r => r.method !== 'GET');
  }

  /** A client of this stub, calling as the mock user would through the backend. */
  client() {
    return new DbaasApiClient({
      discovery: {
        getBaseUrl: async () => this.baseUrl,
        getExternalBaseUrl: async () => this.baseUrl,
      },
      auth: mockServices.auth(),
    });
  }

  close() {
    return new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private answer(request: StubRequest): Answer {
    this.requests.push(request);
    const match = this.handlers.find(
      h =>
        h.method === request.method &&
        (typeof h.path === 'string'
          ? h.path === request.path
          : h.path.test(request.path)),
    );
    return match
      ? match.handler(request)
      : apiError(
          404,
          'NOT_FOUND',
          `No route ${request.method} ${request.path}`,
        );
  }
}

/** An error answer in the API's `{ error: { code, message, details } }` shape. */
export function apiError(
  status: number,
  code: string,
  message: string,
  violations?: { field: string; constraint: string }[],
): Answer {
  return {
    status,
    body: {
      error: {
        code,
        name: 'Error',
        message,
        ...(violations
          ? {
              details: {
                field: violations[0].field,
                constraint: violations[0].constraint,
                violations,
              },
            }
          : {}),
      },
      request: { method: 'X', url: '/' },
      response: { statusCode: status },
    },
  };
}

/** A database as `GET /v1/services/{id}` answers it. */
export function serviceDetails(
  overrides: Partial<ServiceDetails> = {},
): ServiceDetails {
  return {
    id: '6f1b9a0c-3c1e-4a57-8f43-5b1f2e0d9a01',
    name: 'orders',
    tenant: 'group:default/payments',
    organization: 'group:default/acme',
    engine: 'postgresql',
    plan: 'dedicated',
    region: 'lagos',
    status: 'pending',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    generation: 1,
    config: {} as ServiceDetails['config'],
    connection: null,
    endpoints: [],
    conditions: [],
    createdBy: 'user:default/mock',
    timeline: [],
    ...overrides,
  };
}

/** The organizations and quotas routes for one tenant with the given room. */
export function withQuota(
  api: StubDbaasApi,
  usage: Partial<TenantQuotaUsage['usage']> = {},
  quota: Partial<TenantQuotaUsage['quota']> = {},
) {
  api.on('GET', '/v1/organizations', {
    body: {
      data: [
        {
          id: 'group:default/acme',
          title: 'Acme',
          tenants: [{ id: 'group:default/payments', title: 'Payments' }],
        },
      ],
    },
  });
  api.on('GET', '/v1/organizations/group%3Adefault%2Facme/quotas', {
    body: {
      data: [
        {
          tenant: 'group:default/payments',
          quota: {
            instances: 10,
            storageGi: 10240,
            cpu: 64,
            memoryGi: 256,
            backups: 100,
            ...quota,
          },
          usage: {
            instances: 2,
            storageGi: 500,
            cpu: 8,
            memoryGi: 32,
            backups: 4,
            ...usage,
          },
        },
      ],
    },
  });
  return api;
}
