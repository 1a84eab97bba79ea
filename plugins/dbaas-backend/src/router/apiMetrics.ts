import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { RequestHandler } from 'express';

/**
 * Bucket bounds of the API's request durations, in seconds: fine below the
 * 1 s the API's p99 must stay under (seed requirements §7), coarse above.
 */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10,
];

/**
 * The API's availability and latency SLIs, as Prometheus names them:
 * `dbaas_api_requests_total{method, route, code}` and
 * `dbaas_api_request_duration_seconds{method, route}`. `route` is the
 * matched route's pattern (`/v1/services/:id`), never the path, so a caller
 * cannot grow the series with made-up ids; a request no route took (refused
 * before one, or unknown) is `unmatched`. Counted when the answer is sent,
 * so refusals (401, 429, 400) count too.
 */
export function apiMetrics(metrics: MetricsService): RequestHandler {
  const requests = metrics.createCounter<{
    method: string;
    route: string;
    code: string;
  }>('dbaas.api.requests', {
    description: 'DBaaS API requests answered, by method, route and status',
  });
  const durations = metrics.createHistogram<{ method: string; route: string }>(
    'dbaas.api.request_duration_seconds',
    {
      description: 'Time to answer a DBaaS API request, by method and route',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    },
  );
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route: string = req.route?.path ?? 'unmatched';
      const method = req.method;
      requests.add(1, { method, route, code: String(res.statusCode) });
      durations.record(seconds, { method, route });
    });
    next();
  };
}
