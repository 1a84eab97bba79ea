import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Options of {@link startServer}. */
export type ServerOptions = {
  port: number;
  /** Listen address; default all interfaces, as a probe from the kubelet needs. */
  host?: string;
  registry: Registry;
  /** Whether the operator can do its job: its caches are filled. */
  ready: () => boolean;
  /** Whether the process is working at all; default always. */
  healthy?: () => boolean;
};

/** The running server; `close()` stops it. */
export type OperatorServer = { port: number; close(): Promise<void> };

/**
 * The operator's tiny HTTP server: `/metrics` for Prometheus, `/healthz` for
 * the liveness probe and `/readyz` for the readiness probe. A standby replica is
 * ready too (its caches are warm for a takeover); only the leader reconciles.
 */
export async function startServer(
  options: ServerOptions,
): Promise<OperatorServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const answer = (code: number, body: string, type = 'text/plain') => {
      res.writeHead(code, { 'content-type': type }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(405, 'method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        text => answer(200, text, options.registry.contentType),
        error => answer(500, `${error}\n`),
      );
    } else if (path === '/healthz') {
      const ok = options.healthy?.() ?? true;
      answer(ok ? 200 : 503, ok ? 'ok\n' : 'unhealthy\n');
    } else if (path === '/readyz') {
      const ok = options.ready();
      answer(ok ? 200 : 503, ok ? 'ok\n' : 'caches not synced\n');
    } else {
      answer(404, 'not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
