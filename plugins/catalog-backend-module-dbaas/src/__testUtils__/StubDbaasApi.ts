import type { DiscoveryService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { ServiceSummary } from '@internal/backstage-plugin-dbaas-common';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stub answered, and who made it. */
export type StubRequest = { path: string; caller?: string };

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * The two reads of the DBaaS API the provider makes (`GET /services` in pages,
 * newest first, and `GET /services/{id}`), on a local HTTP server. Tokens are
 * checked by the mock auth service as the DBaaS plugin would check them.
 */
export class StubDbaasApi {
  /** The databases, oldest first. */
  readonly databases = new Map<string, ServiceSummary>();
  readonly requests: StubRequest[] = [];
  /** Reads of a database answered 500 before it is served again. */
  readonly failures = new Map<string, number>();
  /** Called before a page is served; the page waits for it. */
  beforePage?: (page: number) => unknown;
  /** The databases a list is cut from, when not `databases`. */
  listing?: () => ServiceSummary[];

  private readonly auth = mockServices.auth({ pluginId: 'dbaas' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<StubDbaasApi> {
    const server = createServer();
    const stub = new StubDbaasApi(server);
    server.on('request', (req, res) => {
      stub.answer(req.url ?? '/', req.headers.authorization, res).catch(e => {
        json(res, 500, { error: { message: String(e) } });
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return stub;
  }

  async stop(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
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

  add(...databases: ServiceSummary[]) {
    for (const database of databases) {
      this.databases.set(database.id, database);
    }
  }

  private async answer(
    url: string,
    authorization: string | undefined,
    res: ServerResponse,
  ) {
    const { pathname, search, searchParams } = new URL(url, 'http://stub');
    const request: StubRequest = { path: `${pathname}${search}` };
    this.requests.push(request);
    try {
      const credentials = await this.auth.authenticate(
        authorization?.replace(/^Bearer /, '') ?? '',
      );
      request.caller = (credentials.principal as { subject?: string }).subject;
    } catch {
      json(res, 401, { error: { code: 'UNAUTHENTICATED' } });
      return;
    }

    if (pathname === '/api/dbaas/v1/services') {
      const page = Number(searchParams.get('page'));
      const limit = Number(searchParams.get('limit'));
      await this.beforePage?.(page);
      const newestFirst = [
        ...(this.listing?.() ?? this.databases.values()),
      ].reverse();
      json(res, 200, {
        data: newestFirst.slice((page - 1) * limit, page * limit),
        pagination: { page, limit, total: newestFirst.length },
      });
      return;
    }

    const id = pathname.match(/^\/api\/dbaas\/v1\/services\/([^/]+)$/)?.[1];
    const database = id && this.databases.get(id);
    if (id && this.failures.get(id)) {
      this.failures.set(id, this.failures.get(id)! - 1);
      json(res, 500, { error: { code: 'INTERNAL', message: 'stub failure' } });
    } else if (database) {
      json(res, 200, { ...database, connection: null, endpoints: [] });
    } else {
      json(res, 404, { error: { code: 'NOT_FOUND' } });
    }
  }
}
