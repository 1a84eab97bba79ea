import fs from 'node:fs';
import path from 'node:path';
import {
  GRAFANA_DASHBOARD_UIDS,
  PORTAL_DASHBOARD_PANELS as PANELS,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithPrometheus,
  repoRoot,
  startScrapedPrometheus,
  type Sample,
  type ScrapedPrometheus,
} from '@internal/test-services';

// Every query of the portal's dashboard, as the dbaas-portal chart ships it,
// run by a real Prometheus over the backend's SLI metrics of two portals (two
// pods each): what the chosen portal's series say, and nothing of the other's.
jest.setTimeout(60_000);

const SCRAPE_SECONDS = 1;
const WINDOW = `${4 * SCRAPE_SECONDS}s`;

type Target = { refId: string; expr: string; legendFormat: string };
type DashboardJson = {
  panels: { id: number; title: string; targets?: Target[] }[];
  templating: { list: { name: string; query?: string }[] };
};

const dashboard: DashboardJson = JSON.parse(
  fs.readFileSync(
    path.join(
      repoRoot,
      'charts/dbaas-portal/dashboards',
      `${GRAFANA_DASHBOARD_UIDS.portal}.json`,
    ),
    'utf8',
  ),
);

/**
 * A portal's traffic, per second over all its pods: answers by route and
 * status, each route's latencies as cumulative bucket counts, provisionings
 * and backups by engine and outcome, provisioning times by engine.
 */
type Portal = {
  namespace: string;
  job: string;
  requests: { route: string; code: string; perSecond: number }[];
  latency: Record<string, Record<string, number>>;
  provisionings: { engine: string; outcome: string; perSecond: number }[];
  provisioningTime: Record<string, Record<string, number>>;
  backups: { engine: string; outcome: string; perSecond: number }[];
};

const API_BUCKETS = ['0.1', '0.25', '1', '2.5', '+Inf'];
const PROVISIONING_BUCKETS = ['60', '120', '300', '600', '1800', '+Inf'];

const chosen: Portal = {
  namespace: 'dbaas',
  job: 'portal-dbaas-portal',
  requests: [
    { route: '/v1/services', code: '200', perSecond: 9.5 },
    { route: '/v1/services', code: '404', perSecond: 0.3 },
    { route: '/v1/services', code: '503', perSecond: 0.2 },
  ],
  latency: {
    '/v1/services': { '0.1': 4, '0.25': 8, '1': 8, '2.5': 8, '+Inf': 8 },
    '/v1/catalog/skus': { '0.1': 2, '0.25': 2, '1': 2, '2.5': 2, '+Inf': 2 },
  },
  provisionings: [
    { engine: 'postgresql', outcome: 'active', perSecond: 0.4 },
    { engine: 'postgresql', outcome: 'failed', perSecond: 0.1 },
    { engine: 'mongodb', outcome: 'active', perSecond: 0.5 },
    // Counted from 0: a series that never grew.
    { engine: 'mongodb', outcome: 'failed', perSecond: 0 },
  ],
  provisioningTime: {
    postgresql: {
      '60': 0,
      '120': 0,
      '300': 0.2,
      '600': 0.4,
      '1800': 0.4,
      '+Inf': 0.4,
    },
    mongodb: {
      '60': 0,
      '120': 0.5,
      '300': 0.5,
      '600': 0.5,
      '1800': 0.5,
      '+Inf': 0.5,
    },
  },
  backups: [
    { engine: 'postgresql', outcome: 'completed', perSecond: 0.95 },
    { engine: 'postgresql', outcome: 'failed', perSecond: 0.05 },
    { engine: 'mongodb', outcome: 'completed', perSecond: 1 },
    { engine: 'mongodb', outcome: 'failed', perSecond: 0 },
  ],
};

// Another release (staging) in the same Prometheus, worse in every figure:
// any of its series counted for the chosen portal changes a value.
const other: Portal = {
  namespace: 'dbaas-staging',
  job: 'staging-dbaas-portal',
  requests: [
    { route: '/v1/services', code: '200', perSecond: 5 },
    { route: '/v1/services', code: '500', perSecond: 5 },
  ],
  latency: {
    '/v1/services': { '0.1': 0, '0.25': 0, '1': 0, '2.5': 10, '+Inf': 10 },
  },
  provisionings: [
    { engine: 'postgresql', outcome: 'active', perSecond: 0.1 },
    { engine: 'postgresql', outcome: 'failed', perSecond: 0.9 },
  ],
  provisioningTime: {
    postgresql: {
      '60': 0,
      '120': 0,
      '300': 0,
      '600': 0,
      '1800': 0,
      '+Inf': 0.1,
    },
  },
  backups: [
    { engine: 'postgresql', outcome: 'completed', perSecond: 0.1 },
    { engine: 'postgresql', outcome: 'failed', perSecond: 0.9 },
  ],
};

const PODS = 2;

/** One pod's /metrics, `seconds` after the counters started: its share. */
function podSeries(portal: Portal, seconds: number): Sample[] {
  const n = (perSecond: number) => (perSecond * seconds) / PODS;
  const histogram = (
    name: string,
    labels: Record<string, string>,
    buckets: string[],
    counts: Record<string, number>,
  ): Sample[] => [
    ...buckets.map(
      (le): Sample => [`${name}_bucket`, { ...labels, le }, n(counts[le])],
    ),
    [`${name}_count`, labels, n(counts['+Inf'])],
    [`${name}_sum`, labels, n(counts['+Inf'])],
  ];
  return [
    ...portal.requests.map(
      (r): Sample => [
        'dbaas_api_requests_total',
        { method: 'GET', route: r.route, code: r.code },
        n(r.perSecond),
      ],
    ),
    ...Object.entries(portal.latency).flatMap(([route, counts]) =>
      histogram(
        'dbaas_api_request_duration_seconds',
        { method: 'GET', route },
        API_BUCKETS,
        counts,
      ),
    ),
    ...portal.provisionings.map(
      (p): Sample => [
        'dbaas_provisioning_total',
        { engine: p.engine, outcome: p.outcome },
        n(p.perSecond),
      ],
    ),
    ...Object.entries(portal.provisioningTime).flatMap(([engine, counts]) =>
      histogram(
        'dbaas_provisioning_duration_seconds',
        { engine },
        PROVISIONING_BUCKETS,
        counts,
      ),
    ),
    ...portal.backups.map(
      (b): Sample => [
        'dbaas_backups_total',
        { engine: b.engine, outcome: b.outcome },
        n(b.perSecond),
      ],
    ),
  ];
}

/**
 * The chosen portal's series each query must return, by legend, keyed by
 * panel id and query. Quantiles as histogram_quantile interpolates them
 * within the bucket that holds the rank.
 */
const expectations: Record<string, Record<string, number>> = {
  // 1 - 0.2 / 10: the 503s; the 404s are answers.
  [`${PANELS.availability.id}A`]: { availability: 0.98 },
  // All routes, 10 a second: rank 9.9 between 6 (≤ 0.1 s) and 10 (≤ 0.25 s).
  [`${PANELS.latencyP99.id}A`]: { p99: 0.1 + (0.15 * (9.9 - 6)) / (10 - 6) },
  [`${PANELS.provisioningSuccess.id}A`]: { 'success rate': 0.9 / 1 },
  // 0.9 a second: rank 0.81 between 0.7 (≤ 300 s) and 0.9 (≤ 600 s).
  [`${PANELS.provisioningTime.id}A`]: {
    p90: 300 + (300 * (0.81 - 0.7)) / (0.9 - 0.7),
  },
  [`${PANELS.backupSuccess.id}A`]: { 'success rate': 1.95 / 2 },
  [`${PANELS.requests.id}A`]: { '200': 9.5, '404': 0.3, '503': 0.2 },
  [`${PANELS.availabilityOverTime.id}A`]: { availability: 0.98 },
  [`${PANELS.latencyByRoute.id}A`]: {
    '/v1/services': 0.1 + (0.15 * (7.92 - 4)) / (8 - 4),
    // Rank 1.98 of 2, all in the first bucket, which starts at 0.
    '/v1/catalog/skus': (0.1 * 1.98) / 2,
  },
  // increase() over the window: the rate times its 4 seconds.
  [`${PANELS.provisionings.id}A`]: {
    'postgresql active': 1.6,
    'postgresql failed': 0.4,
    'mongodb active': 2,
    'mongodb failed': 0,
  },
  [`${PANELS.provisioningTimeByEngine.id}A`]: {
    postgresql: 300 + (300 * (0.36 - 0.2)) / (0.4 - 0.2),
    mongodb: 60 + (60 * 0.45) / 0.5,
  },
  [`${PANELS.backups.id}A`]: {
    'postgresql completed': 3.8,
    'postgresql failed': 0.2,
    'mongodb completed': 4,
    'mongodb failed': 0,
  },
};

function variableQuery(name: string) {
  const query = dashboard.templating.list.find(v => v.name === name)?.query;
  const match = /^label_values\((.*), *(\w+)\)$/.exec(query ?? '');
  if (!match) throw new Error(`No label_values variable ${name}: ${query}`);
  return { selector: match[1], label: match[2] };
}

function withVariables(expr: string, values: Record<string, string>) {
  return expr.replace(/\$(\w+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`No value for $${name} in ${expr}`);
    return values[name];
  });
}

describeWithPrometheus(
  'the portal dashboard on a real Prometheus over two portals',
  prometheusBinary => {
    let prometheus: ScrapedPrometheus | undefined;

    beforeAll(async () => {
      prometheus = await startScrapedPrometheus(prometheusBinary, {
        scrapeSeconds: SCRAPE_SECONDS,
        scrapesBeforeQueries: 4 * SCRAPE_SECONDS + 3,
        serve: (url, seconds) =>
          podSeries(
            url.startsWith(`/${chosen.job}/`) ? chosen : other,
            seconds,
          ),
        // As the chart's ServiceMonitor has the Prometheus Operator scrape
        // each pod: the job after the Service, the release's namespace.
        scrapeConfigs: host =>
          [chosen, other].map(portal => ({
            job_name: portal.job,
            static_configs: Array.from({ length: PODS }, (_, i) => ({
              targets: [host],
              labels: {
                namespace: portal.namespace,
                pod: `${portal.job}-${i}`,
                __metrics_path__: `/${portal.job}/${i}/metrics`,
              },
            })),
          })),
      });
    });

    afterAll(async () => {
      await prometheus?.stop();
    });

    it('lists the portals by namespace, then the chosen one’s job', async () => {
      const namespace = variableQuery('namespace');
      expect(
        (
          await prometheus!.labelValues(namespace.selector, namespace.label)
        ).sort(),
      ).toEqual(['dbaas', 'dbaas-staging']);
      const job = variableQuery('job');
      expect(
        await prometheus!.labelValues(
          withVariables(job.selector, { namespace: chosen.namespace }),
          job.label,
        ),
      ).toEqual([chosen.job]);
    });

    const targets = dashboard.panels.flatMap(panel =>
      (panel.targets ?? []).map((target): [string, string, Target] => [
        panel.title,
        `${panel.id}${target.refId}`,
        target,
      ]),
    );

    it.each(targets)(
      '%s (%s): the chosen portal’s figures only',
      async (_title, key, target) => {
        const want = expectations[key];
        // A query nobody checks is a failure: give it series and an
        // expectation above.
        expect({ key, checked: Boolean(want) }).toEqual({ key, checked: true });
        const result = await prometheus!.query(
          withVariables(target.expr, {
            namespace: chosen.namespace,
            job: chosen.job,
            __range: WINDOW,
            __rate_interval: WINDOW,
          }),
        );
        const actual = result.map(({ metric, value }): [string, unknown] => {
          const legend = target.legendFormat.replace(
            /\{\{\s*(\w+)\s*\}\}/g,
            (_, label: string) => metric[label] ?? '',
          );
          const v = Number(value[1]);
          const close =
            legend in want &&
            Math.abs(v - want[legend]) <= 0.05 * Math.abs(want[legend]);
          return [legend, close ? 'as expected' : v];
        });
        expect({
          series: actual.length,
          ...Object.fromEntries(actual),
        }).toEqual({
          series: Object.keys(want).length,
          ...Object.fromEntries(
            Object.keys(want).map(legend => [legend, 'as expected']),
          ),
        });
      },
    );
  },
);
