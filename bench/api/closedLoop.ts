import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One HTTP request of a load run. */
export type LoadRequest = {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
};

/** What a load run measured. */
export type LoadResult = {
  requests: number;
  seconds: number;
  /** Latencies of the requests, in milliseconds, sorted. */
  latencies: number[];
  errors: number;
  /** The first failed request's status and body, to say why. */
  firstError?: string;
  /** How many successful answers `counts` counted, when given. */
  counted: number;
};

/** The latency below which the given share (0..1) of requests stayed, nearest rank. */
export function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[rank - 1];
}

/** Sends one request and reads its whole answer. */
export function sendRequest(
  port: number,
  load: LoadRequest,
  agent?: Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: load.method,
        path: load.path,
        headers: {
          ...load.headers,
          ...(load.body !== undefined
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(load.body),
              }
            : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(load.body);
  });
}

/**
 * A closed loop: `concurrency` clients each send their next request as soon as
 * the last one is answered, on kept-alive connections, for `seconds`. So the
 * throughput is what the server sustains at that many requests in flight, and
 * the latency is what each of them waited, the full response body included.
 */
export async function runClosedLoop(options: {
  port: number;
  concurrency: number;
  seconds: number;
  /** The n-th request of the run; n counts across all clients. */
  next: (n: number) => LoadRequest;
  /** The status a successful answer has. */
  expectStatus: number;
  /** Whether to count a successful answer's body in `counted`. */
  counts?: (body: string) => boolean;
}): Promise<LoadResult> {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.concurrency,
  });
  const latencies: number[] = [];
  let errors = 0;
  let counted = 0;
  let firstError: string | undefined;
  let counter = 0;
  const start = performance.now();
  const end = start + options.seconds * 1000;

  async function client() {
    while (performance.now() < end) {
      const load = options.next(counter++);
      const sent = performance.now();
      try {
        const { status, body } = await sendRequest(options.port, load, agent);
        latencies.push(performance.now() - sent);
        if (status !== options.expectStatus) {
          errors += 1;
          firstError ??= `${load.method} ${load.path} → ${status} ${body.slice(
            0,
            300,
          )}`;
        } else if (options.counts?.(body)) {
          counted += 1;
        }
      } catch (error) {
        latencies.push(performance.now() - sent);
        errors += 1;
        firstError ??= `${load.method} ${load.path} → ${String(error)}`;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    seconds,
    latencies: latencies.sort((a, b) => a - b),
    errors,
    counted,
    ...(firstError ? { firstError } : {}),
  };
}
