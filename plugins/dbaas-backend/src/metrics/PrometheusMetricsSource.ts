import type { RootConfigService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, isError } from '@backstage/errors';
import {
  metricQueries,
  tenantNamespace,
  type MetricName,
  type ServiceMetrics,
} from '@internal/backstage-plugin-dbaas-common';
import { invalidInput } from '../errors/invalidInput';
import type {
  MeteredService,
  MetricsRange,
  ServiceMetricsSource,
} from './ServiceMetricsSource';

// Prometheus refuses longer ranges itself; refusing first lets the answer be a 400
// naming the step rather than a 503 blaming Prometheus.
const MAX_POINTS_PER_SERIES = 11_000;

type Series = ServiceMetrics['metrics'][MetricName];

/** The part of Prometheus' `/api/v1/query_range` answer read here. */
type QueryRangeBody = {
  status?: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: {
    resultType?: string;
    result?: { values?: [number, string][] }[];
  };
};

/** Throws an InputError naming the field when Prometheus would refuse the range. */
export function checkMetricsRange({
  start,
  end,
  stepSeconds,
}: MetricsRange): void {
  for (const [field, date] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (Number.isNaN(date.getTime())) {
      throw invalidInput('metrics query', [
        { path: [field], message: 'must be a valid time' },
      ]);
    }
  }
  if (!(stepSeconds > 0) || !Number.isFinite(stepSeconds)) {
    throw invalidInput('metrics query', [
      { path: ['step'], message: 'must be a positive number of seconds' },
    ]);
  }
  if (end < start) {
    throw invalidInput('metrics query', [
      { path: ['end'], message: 'must not be before start' },
    ]);
  }
  const rangeSeconds = (end.getTime() - start.getTime()) / 1000;
  if (rangeSeconds / stepSeconds > MAX_POINTS_PER_SERIES) {
    throw invalidInput('metrics query', [
      {
        path: ['step'],
        message:
          `must be at least ${Math.ceil(
            rangeSeconds / MAX_POINTS_PER_SERIES,
          )}s ` +
          `for this range: more than ${MAX_POINTS_PER_SERIES} points per series ` +
          `is over Prometheus' limit`,
      },
    ]);
  }
}

// No `cause`: CustomErrorBase would append it to the message API clients read.
function failure(why: string): ServiceUnavailableError {
  return new ServiceUnavailableError(`Prometheus failed: ${why}`);
}

// fetch reports a refused connection as "fetch failed" with the reason in `cause`;
// the code names it without repeating Prometheus' internal address to API clients.
function whyFetchFailed(error: unknown, timeoutMs: number): string {
  if (isError(error) && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = isError(error) ? (error.cause as { code?: string }) : undefined;
  if (cause?.code) {
    return `cannot connect (${cause.code})`;
  }
  return isError(error) ? error.message : String(error);
}

function toSeries(body: QueryRangeBody): Series {
  const values = body.data?.result?.[0]?.values ?? [];
  const series: Series = { timestamps: [], values: [] };
  for (const [time, text] of values) {
    // Prometheus sends values as strings, NaN and ±Inf included (a ratio over a
    // zero limit); JSON cannot carry those, and a chart cannot draw them.
    const value = Number(text);
    if (Number.isFinite(value)) {
      // Times are float seconds; rounding keeps 0.123 s from becoming 122 ms.
      series.timestamps.push(new Date(Math.round(time * 1000)).toISOString());
      series.values.push(value);
    }
  }
  return series;
}

/** Options of {@link PrometheusMetricsSource}. */
export type PrometheusMetricsSourceOptions = {
  /** Prometheus' address, e.g. `http://prometheus:9090`; its HTTP API lives under `/api/v1`. */
  baseUrl: string;
  /**
   * How often Prometheus scrapes the databases, 30 s unless given. `rate()` looks back
   * over at least four scrapes (as Grafana's `$__rate_interval` does), so that a
   * missed scrape does not blank the qps and cpu series.
   */
  scrapeIntervalSeconds?: number;
  /** How long to wait for each query, 10 s unless given. */
  timeoutMs?: number;
};

/**
 * ServiceMetricsSource reading Prometheus' HTTP API: the five queries of
 * `metricQueries`, run in parallel through `/api/v1/query_range`.
 */
export class PrometheusMetricsSource implements ServiceMetricsSource {
  /**
   * The source configured at `dbaas.metrics.prometheus`, or undefined when that is
   * not set: the metrics route then answers 503.
   */
  static fromConfig(
    config: RootConfigService,
  ): PrometheusMetricsSource | undefined {
    const baseUrl = config.getOptionalString(
      'dbaas.metrics.prometheus.baseUrl',
    );
    return baseUrl ? new PrometheusMetricsSource({ baseUrl }) : undefined;
  }

  private readonly queryRangeUrl: string;
  private readonly scrapeIntervalSeconds: number;
  private readonly timeoutMs: number;

  constructor(options: PrometheusMetricsSourceOptions) {
    this.queryRangeUrl = `${options.baseUrl.replace(
      /\/+$/,
      '',
    )}/api/v1/query_range`;
    this.scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 30;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async query(
    service: MeteredService,
    range: MetricsRange,
  ): Promise<ServiceMetrics> {
    checkMetricsRange(range);
    // The window covers a whole step too, so that no sample falls between points.
    const rateWindow = `${Math.ceil(
      Math.max(range.stepSeconds, 4 * this.scrapeIntervalSeconds),
    )}s`;
    const names = Object.keys(metricQueries) as MetricName[];
    const series = await Promise.all(
      names.map(name =>
        this.queryRange(
          metricQueries[name]({
            serviceId: service.id,
            // Where the operator runs the tenant's databases: a pod elsewhere
            // carrying the id is not this database's.
            namespace: tenantNamespace(service.tenant),
            rateWindow,
          }),
          range,
        ),
      ),
    );
    return {
      metrics: Object.fromEntries(
        names.map((name, i) => [name, series[i]]),
      ) as ServiceMetrics['metrics'],
    };
  }

  private async queryRange(
    promql: string,
    { start, end, stepSeconds }: MetricsRange,
  ): Promise<Series> {
    const params = new URLSearchParams({
      query: promql,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.queryRangeUrl}?${params}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw failure(whyFetchFailed(error, this.timeoutMs));
    }
    let body: QueryRangeBody | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy in front of Prometheus answering HTML; the status says enough.
    }
    if (!response.ok || body?.status !== 'success') {
      const detail = body?.error
        ? `${body.errorType ?? 'error'}: ${body.error}`
        : response.statusText || 'not a Prometheus API answer';
      throw failure(`HTTP ${response.status}, ${detail}`);
    }
    if (body.data?.resultType !== 'matrix') {
      throw failure(
        `expected a matrix, got ${body.data?.resultType ?? 'no data'}`,
      );
    }
    return toSeries(body);
  }
}
