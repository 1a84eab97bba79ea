import type {
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { examplePops } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DBAAS_PLUGIN_ID,
  DbaasClient,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiError } from './dbaasApiFixtures';

/** A request the stub answered. */
export type StubRequest = {
  method: string;
  /** The request target as sent, e.g. `/api/dbaas/v1/services?page=1&limit=100`. */
  url: string;
  /** The path under the plugin's mount, e.g. `/v1/services`. */
  path: string;
  query: URLSearchParams;
  body: any;
  authorization?: string;
  /** Who the token says called: a user's entity ref, or a service's subject such as `plugin:catalog`. */
  caller?: string;
};

/** An answer: a status (200 by default) and a JSON body. */
export type StubAnswer = { status?: number; body?: unknown };

type Handler = (request: StubRequest) => StubAnswer | Promise<StubAnswer>;

const MOUNT = `/api/${DBAAS_PLUGIN_ID}`;

const callerOf = ({ principal }: BackstageCredentials) =>
  (principal as { userEntityRef?: string; subject?: string }).userEntityRef ??
  (principal as { subject?: string }).subject;

async function bodyOf(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/**
 * A stand-in for the DBaaS API on a loopback port, for the tests of the
 * packages that call it with `DbaasClient`. It checks tokens as the DBaaS
 * plugin does (401 otherwise) and keeps every request, so a test can check
 * what was sent and as whom. It answers what the test registers with `on`;
 * else `GET /v1/services` (in pages, newest first) and `GET /v1/services/{id}`
 * from the databases given to `add`; else 404, in the API's error shape.
 */
export class StubDbaasApi {
  readonly requests: StubRequest[] = [];
  /** The databases, oldest first. */
  readonly databases = new Map<string, ServiceSummary>();
  /** Reads of a database answered 500 before it is served again. */
  readonly failures = new Map<string, number>();
  /** Called before a page of the list is served; the page waits for it. */
  beforePage?: (page: number) => unknown;
  /** The databases a list is cut from, when not `databases`. */
  listing?: () => ServiceSummary[];

  private readonly handlers: {
    method: string;
    path: string | RegExp;
    handler: Handler;
  }[] = [];
  private readonly auth = mockServices.auth({ pluginId: DBAAS_PLUGIN_ID });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<StubDbaasApi> {
    const server = createServer();
    const stub = new StubDbaasApi(server);
    // The regions the real API lists from the catalog's PoP entities.
    stub.on('GET', '/v1/catalog/regions', { body: { items: examplePops } });
    server.on('request', (req, res) => {
      stub
        .answer(req)
        .catch(e => apiError(500, 'INTERNAL_ERROR', String(e)))
        .then(({ status, body }) => {
          res.writeHead(status ?? 200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body ?? {}));
        });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return stub;
  }

  async close(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }

  /** Where the DBaaS plugin is mounted on the stub. */
  get baseUrl() {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${MOUNT}`;
  }

  /** Discovery that sends the DBaaS plugin's requests here. */
  discovery(): DiscoveryService {
    const { port } = this.server.address() as AddressInfo;
    return {
      getBaseUrl: async pluginId => `http://127.0.0.1:${port}/api/${pluginId}`,
      getExternalBaseUrl: async pluginId =>
        `https://portal.example.com/api/${pluginId}`,
    };
  }

  /** A client of the stub. */
  client(): DbaasClient {
    return new DbaasClient({ discoveryApi: this.discovery() });
  }

  add(...databases: ServiceSummary[]) {
    for (const database of databases) {
      this.databases.set(database.id, database);
    }
  }

  /** Answers a route with a fixed answer or a function of the request; the latest registration wins. */
  on(method: string, path: string | RegExp, answer: Handler | StubAnswer) {
    this.handlers.unshift({
      method,
      path,
      handler: typeof answer === 'function' ? answer : () => answer,
    });
    return this;
  }

  /** The requests other than reads. */
  writes() {
    return this.requests.filter(r => r.method !== 'GET');
  }

  private async answer(req: IncomingMessage): Promise<StubAnswer> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const request: StubRequest = {
      method: req.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      path: url.pathname.startsWith(MOUNT)
        ? url.pathname.slice(MOUNT.length)
        : url.pathname,
      query: url.searchParams,
      body: await bodyOf(req),
      authorization: req.headers.authorization,
    };
    this.requests.push(request);
    try {
      request.caller = callerOf(
        await this.auth.authenticate(
          request.authorization?.replace(/^Bearer /, '') ?? '',
        ),
      );
    } catch (error) {
      return apiError(401, 'UNAUTHORIZED', String(error));
    }

    const registered = this.handlers.find(
      h =>
        h.method === request.method &&
        (typeof h.path === 'string'
          ? h.path === request.path
          : h.path.test(request.path)),
    );
    if (registered) return registered.handler(request);
    if (request.method === 'GET' && request.path === '/v1/services') {
      return this.listPage(request.query);
    }
    const id = request.path.match(/^\/v1\/services\/([^/]+)$/)?.[1];
    if (request.method === 'GET' && id) return this.read(id);
    return apiError(
      404,
      'NOT_FOUND',
      `No route ${request.method} ${request.path}`,
    );
  }

  private async listPage(query: URLSearchParams): Promise<StubAnswer> {
    const page = Number(query.get('page') ?? 1);
    const limit = Number(query.get('limit') ?? 20);
    await this.beforePage?.(page);
    const newestFirst = [
      ...(this.listing?.() ?? this.databases.values()),
    ].reverse();
    return {
      body: {
        data: newestFirst.slice((page - 1) * limit, page * limit),
        pagination: { page, limit, total: newestFirst.length },
      },
    };
  }

  private read(id: string): StubAnswer {
    const failures = this.failures.get(id);
    if (failures) {
      this.failures.set(id, failures - 1);
      return apiError(500, 'INTERNAL_ERROR', 'stub failure');
    }
    const database = this.databases.get(id);
    return database
      ? { body: { ...database, connection: null, endpoints: [] } }
      : apiError(404, 'NOT_FOUND', `There is no database ${id}`);
  }
}
