import {
  GRAFANA_DASHBOARD_UIDS,
  PORTAL_DASHBOARD_PANELS as PANELS,
} from '@internal/backstage-plugin-dbaas-common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  dbaasDashboard,
  labelValuesVariable,
  row,
  statPanel,
  timeseriesPanel,
} from './grafanaBuilders';

// One portal's series: Prometheus names the ServiceMonitor's job after the
// Service and puts the release's namespace on it, as the PrometheusRule does.
const PORTAL = 'namespace="$namespace", job="$job"';

/** Successes over all, `[window]` of the counter, per `by` (or in all). */
function successRate(
  counter: string,
  success: string,
  window: string,
  by = '',
): string {
  const sum = by ? `sum by (${by})` : 'sum';
  return (
    `${sum} (increase(${counter}{${PORTAL}, outcome="${success}"}[${window}])) / ` +
    `${sum} (increase(${counter}{${PORTAL}}[${window}]))`
  );
}

// A route that answered no 5xx has no such series at all (the counter is
// labelled by status as it happens), hence `or vector(0)`.
function availability(window: string): string {
  return (
    `1 - ((sum(increase(dbaas_api_requests_total{${PORTAL}, code=~"5.."}[${window}])) or vector(0)) / ` +
    `sum(increase(dbaas_api_requests_total{${PORTAL}}[${window}])))`
  );
}

function quantile(q: number, histogram: string, window: string, by: string) {
  return `histogram_quantile(${q}, sum by (${by}) (rate(${histogram}_bucket{${PORTAL}}[${window}])))`;
}

/**
 * The portal's own dashboard: its service levels (seed requirements §7) from
 * the backend's metrics (docs/observability.md, "The portal's metrics"), over
 * the time range in figures and over time in graphs.
 */
export function portalDashboard(): Dashboard {
  const builder = dbaasDashboard({
    uid: GRAFANA_DASHBOARD_UIDS.portal,
    title: 'DBaaS / Portal',
    description:
      'The DBaaS portal’s service levels: API availability and latency, provisioning and backups.',
  })
    .withVariable(
      labelValuesVariable({
        name: 'namespace',
        label: 'Namespace',
        selector: 'dbaas_api_requests_total',
        labelName: 'namespace',
        description: 'The namespace of the portal’s release.',
      }),
    )
    .withVariable(
      labelValuesVariable({
        name: 'job',
        label: 'Job',
        selector: 'dbaas_api_requests_total{namespace="$namespace"}',
        labelName: 'job',
        description:
          'The scrape job of the portal’s ServiceMonitor: the release’s full name.',
      }),
    );

  builder.withRow(row(PANELS.objectivesRow));
  builder.withPanel(
    statPanel(
      PANELS.availability,
      { expr: availability('$__range'), legend: 'availability' },
      {
        unit: 'percentunit',
        good: 0.99,
        width: 5,
        description:
          'Share of the DBaaS API’s answers that were not 5xx over the time range (refusals such as 400, 401 and 429 count as answered).',
      },
    ),
  );
  builder.withPanel(
    statPanel(
      PANELS.latencyP99,
      {
        expr: quantile(
          0.99,
          'dbaas_api_request_duration_seconds',
          '$__range',
          'le',
        ),
        legend: 'p99',
      },
      {
        unit: 's',
        good: 1,
        lowerIsBetter: true,
        width: 5,
        description:
          'The time 99% of the API’s requests took less than, over the time range. The target is under 1 s, a bucket bound, so above it more than 1% were slower.',
      },
    ),
  );
  builder.withPanel(
    statPanel(
      PANELS.provisioningSuccess,
      {
        expr: successRate('dbaas_provisioning_total', 'active', '$__range'),
        legend: 'success rate',
      },
      {
        unit: 'percentunit',
        good: 0.95,
        width: 5,
        description:
          'Databases that became Active over those whose provisioning ended in the time range (Active or Failed).',
      },
    ),
  );
  builder.withPanel(
    statPanel(
      PANELS.provisioningTime,
      {
        expr: quantile(
          0.9,
          'dbaas_provisioning_duration_seconds',
          '$__range',
          'le',
        ),
        legend: 'p90',
      },
      {
        unit: 's',
        good: 1800,
        lowerIsBetter: true,
        width: 4,
        description:
          'The time from the order to Active that 90% of the databases provisioned in the time range took less than.',
      },
    ),
  );
  builder.withPanel(
    statPanel(
      PANELS.backupSuccess,
      {
        expr: successRate('dbaas_backups_total', 'completed', '$__range'),
        legend: 'success rate',
      },
      {
        unit: 'percentunit',
        good: 0.99,
        width: 5,
        description:
          'Backups that completed over those that ended in the time range, as the PoPs reported them.',
      },
    ),
  );

  builder.withRow(row(PANELS.apiRow));
  builder.withPanel(
    timeseriesPanel(
      PANELS.requests,
      [
        {
          expr: `sum by (code) (rate(dbaas_api_requests_total{${PORTAL}}[$__rate_interval]))`,
          legend: '{{code}}',
        },
      ],
      {
        unit: 'reqps',
        min: 0,
        width: 8,
        description: 'The DBaaS API’s answers per second, by HTTP status.',
      },
    ),
  );
  builder.withPanel(
    timeseriesPanel(
      PANELS.availabilityOverTime,
      [{ expr: availability('$__rate_interval'), legend: 'availability' }],
      {
        unit: 'percentunit',
        max: 1,
        width: 8,
        description:
          'Share of the API’s answers that were not 5xx; DbaasApiErrorsHigh fires below 99% over 10 minutes.',
      },
    ),
  );
  builder.withPanel(
    timeseriesPanel(
      PANELS.latencyByRoute,
      [
        {
          expr: quantile(
            0.99,
            'dbaas_api_request_duration_seconds',
            '$__rate_interval',
            'route, le',
          ),
          legend: '{{route}}',
        },
      ],
      {
        unit: 's',
        min: 0,
        width: 8,
        description:
          'The 99th percentile of each route’s answers (the route’s pattern); DbaasApiLatencyHigh fires on all routes’ above 1 s.',
      },
    ),
  );

  builder.withRow(row(PANELS.databasesRow));
  builder.withPanel(
    timeseriesPanel(
      PANELS.provisionings,
      [
        {
          expr: `sum by (engine, outcome) (increase(dbaas_provisioning_total{${PORTAL}}[$__rate_interval]))`,
          legend: '{{engine}} {{outcome}}',
        },
      ],
      {
        unit: 'none',
        min: 0,
        width: 8,
        description:
          'Databases whose provisioning ended, Active or Failed, by engine.',
      },
    ),
  );
  builder.withPanel(
    timeseriesPanel(
      PANELS.provisioningTimeByEngine,
      [
        {
          expr: quantile(
            0.9,
            'dbaas_provisioning_duration_seconds',
            '$__rate_interval',
            'engine, le',
          ),
          legend: '{{engine}}',
        },
      ],
      {
        unit: 's',
        min: 0,
        width: 8,
        description:
          'Time from the order to Active that 90% of each engine’s databases took; a gap where none was provisioned.',
      },
    ),
  );
  builder.withPanel(
    timeseriesPanel(
      PANELS.backups,
      [
        {
          expr: `sum by (engine, outcome) (increase(dbaas_backups_total{${PORTAL}}[$__rate_interval]))`,
          legend: '{{engine}} {{outcome}}',
        },
      ],
      {
        unit: 'none',
        min: 0,
        width: 8,
        description:
          'Backups that ended, completed or failed, by engine, as the PoPs reported them; DbaasBackupFailed fires on a failure.',
      },
    ),
  );
  return builder.build();
}
