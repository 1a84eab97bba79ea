import { ServiceUnavailableError } from '@backstage/errors';
import { metricsQuerySchema } from '@internal/backstage-plugin-dbaas-common';
import type { Router } from 'express';
import { checkMetricsRange } from '../../metrics/PrometheusMetricsSource';
import { parseInput } from '../parse';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** `/v1/services/{id}/metrics`: time series from Prometheus. */
export function addMetricsRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/services/:id/metrics', async (req, res) => {
    const query = parseInput(metricsQuerySchema, req.query, 'metrics query');
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    const end = query.end ? new Date(query.end) : new Date();
    const start = query.start
      ? new Date(query.start)
      : new Date(end.getTime() - 3_600_000);
    const unit = query.step.slice(-1) as keyof typeof UNIT_SECONDS;
    const stepSeconds = Number(query.step.slice(0, -1)) * UNIT_SECONDS[unit];
    // A bad range is the caller's to fix whether or not metrics are configured.
    checkMetricsRange({ start, end, stepSeconds });
    if (!ctx.metricsSource) {
      throw new ServiceUnavailableError(
        'Metrics are not configured for this portal (dbaas.metrics.prometheus.baseUrl)',
      );
    }
    res.json(
      await ctx.metricsSource.query(
        {
          id: record.id,
          engine: record.spec.engine,
          tenant: record.tenant,
          name: record.name,
        },
        { start, end, stepSeconds },
      ),
    );
  });
}
