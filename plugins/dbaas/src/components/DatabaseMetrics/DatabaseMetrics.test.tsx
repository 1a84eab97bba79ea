import { mockApis } from '@backstage/frontend-test-utils';
import type { ServiceMetrics } from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DbaasApi, MetricsRange } from '../../api/DbaasApi';
import {
  apiError,
  databaseEntity,
  renderDatabasePage,
  SERVICE_ID,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseMetrics } from './DatabaseMetrics';

const HOUR_MS = 3_600_000;

function series(values: number[]) {
  const start = Date.parse('2025-05-02T10:00:00.000Z');
  return {
    timestamps: values.map((_, i) =>
      new Date(start + i * 60_000).toISOString(),
    ),
    values,
  };
}

const metrics: ServiceMetrics = {
  metrics: {
    cpu: series([20, 35.25, 42.5]),
    memory: series([61, 62, 63.04]),
    disk: series([10, 10.5, 11]),
    connections: series([40, 44, 47]),
    qps: series([120.4, 180.2, 153.61]),
  },
};

function renderMetrics(getMetrics: DbaasApi['getMetrics'], config?: object) {
  return renderDatabasePage(<DatabaseMetrics />, {
    api: { getMetrics },
    apis: config ? [mockApis.config({ data: config })] : [],
  });
}

const grafana = {
  dbaas: { grafana: { baseUrl: 'https://grafana.example/' } },
};

describe('DatabaseMetrics', () => {
  it('charts the five metrics of the last hour with their latest values', async () => {
    const getMetrics = jest.fn(async () => metrics);
    renderMetrics(getMetrics);

    for (const [name, caption] of [
      ['CPU (% of the limit), last hour', 'CPU (% of the limit): 42.5% now'],
      [
        'Memory (% of the limit), last hour',
        'Memory (% of the limit): 63.0% now',
      ],
      [
        'Disk (% of the volume), last hour',
        'Disk (% of the volume): 11.0% now',
      ],
      ['Connections, last hour', 'Connections: 47 now'],
      ['Queries per second, last hour', 'Queries per second: 154 now'],
    ]) {
      expect(await screen.findByRole('figure', { name })).toHaveTextContent(
        caption,
      );
    }

    const [id, range] = getMetrics.mock.calls[0] as unknown as [
      string,
      MetricsRange,
    ];
    expect(id).toBe(SERVICE_ID);
    expect(range.step).toBe('1m');
    expect(Date.parse(range.end!) - Date.parse(range.start!)).toBe(HOUR_MS);
    expect(Math.abs(Date.now() - Date.parse(range.end!))).toBeLessThan(60_000);
  });

  it('asks again for the chosen range with a coarser step', async () => {
    const getMetrics = jest.fn(async () => metrics);
    renderMetrics(getMetrics);
    await screen.findByRole('figure', {
      name: 'CPU (% of the limit), last hour',
    });

    await userEvent.selectOptions(screen.getByLabelText('Time range'), '7d');

    expect(
      await screen.findByRole('figure', {
        name: 'CPU (% of the limit), last 7 days',
      }),
    ).toBeInTheDocument();
    expect(getMetrics).toHaveBeenCalledTimes(2);
    const [, range] = getMetrics.mock.calls[1] as unknown as [
      string,
      MetricsRange,
    ];
    expect(range.step).toBe('1h');
    expect(Date.parse(range.end!) - Date.parse(range.start!)).toBe(
      7 * 24 * HOUR_MS,
    );
  });

  it('shows the API’s message when Prometheus is not configured', async () => {
    const error = await apiError(
      503,
      'SERVICE_UNAVAILABLE',
      'Metrics are not configured for this portal (dbaas.metrics.prometheus.baseUrl)',
    );
    renderMetrics(async () => {
      throw error;
    });

    expect(
      await screen.findByText(
        'Metrics are not configured for this portal (dbaas.metrics.prometheus.baseUrl)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('says when a metric has no data in the range', async () => {
    renderMetrics(async () => ({
      metrics: { ...metrics.metrics, connections: series([]) },
    }));

    expect(
      await screen.findByRole('figure', { name: 'Connections, last hour' }),
    ).toHaveTextContent('Connections: no data in this range');
  });

  it('shows progress while the metrics load', async () => {
    renderMetrics(() => new Promise(() => {}));

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('embeds the panels of the engine’s shipped Grafana dashboard that the tab does not draw', async () => {
    renderMetrics(async () => metrics, grafana);

    // PostgreSQL's dashboard: memory and disk in bytes, replication, backups
    // and CDC, each panel alone by its id.
    const frames = await screen.findAllByTitle(
      / of orders \(PostgreSQL\), in Grafana$/,
    );
    expect(frames.map(frame => frame.getAttribute('title'))).toEqual([
      'Memory: working set and limit of orders (PostgreSQL), in Grafana',
      'Disk: used and capacity of orders (PostgreSQL), in Grafana',
      'Replication lag of orders (PostgreSQL), in Grafana',
      'Streaming replicas of orders (PostgreSQL), in Grafana',
      'Age of the last backup of orders (PostgreSQL), in Grafana',
      'Recovery window of orders (PostgreSQL), in Grafana',
      'Since the last archived WAL segment of orders (PostgreSQL), in Grafana',
      'WAL archiving failures of orders (PostgreSQL), in Grafana',
      'WAL held by CDC slots of orders (PostgreSQL), in Grafana',
    ]);
    const sources = frames.map(frame => new URL(frame.getAttribute('src')!));
    for (const src of sources) {
      expect(`${src.origin}${src.pathname}`).toBe(
        'https://grafana.example/d-solo/dbaas-postgresql',
      );
      expect(src.searchParams.get('var-service_id')).toBe(SERVICE_ID);
      expect(src.searchParams.get('from')).toBe('now-1h');
      expect(src.searchParams.get('to')).toBe('now');
    }
    expect(sources.map(src => Number(src.searchParams.get('panelId')))).toEqual(
      [11, 12, 21, 22, 31, 32, 33, 34, 41],
    );

    // The whole dashboard, a click away.
    const link = new URL(
      screen
        .getByRole('link', { name: /Open in Grafana/ })
        .getAttribute('href')!,
    );
    expect(`${link.origin}${link.pathname}`).toBe(
      'https://grafana.example/d/dbaas-postgresql',
    );
    expect(link.searchParams.get('var-service_id')).toBe(SERVICE_ID);
    expect(link.searchParams.has('panelId')).toBe(false);

    // The panels follow the chosen range.
    await userEvent.selectOptions(screen.getByLabelText('Time range'), '24h');
    await waitFor(() =>
      expect(
        screen
          .getAllByTitle(/, in Grafana$/)
          .map(frame =>
            new URL(frame.getAttribute('src')!).searchParams.get('from'),
          ),
      ).toEqual(Array(9).fill('now-24h')),
    );
  });

  it('embeds from the dashboard dbaas.grafana.dashboards names for the engine', async () => {
    renderDatabasePage(<DatabaseMetrics />, {
      api: { getMetrics: async () => metrics },
      apis: [
        mockApis.config({
          data: {
            dbaas: {
              grafana: {
                baseUrl: 'https://grafana.example',
                dashboards: { scylla: 'our-scylla' },
              },
            },
          },
        }),
      ],
      entity: databaseEntity({
        annotations: {
          'dbaas.io/service-id': SERVICE_ID,
          'dbaas.io/engine': 'scylla',
        },
      }),
    });

    // ScyllaDB's exporter has no replication or backup series: memory and
    // disk only.
    const frames = await screen.findAllByTitle(/, in Grafana$/);
    expect(
      frames.map(frame => {
        const src = new URL(frame.getAttribute('src')!);
        return `${src.pathname}?panelId=${src.searchParams.get('panelId')}`;
      }),
    ).toEqual([
      '/d-solo/our-scylla?panelId=11',
      '/d-solo/our-scylla?panelId=12',
    ]);
  });

  it('embeds no Grafana when it is not configured', async () => {
    renderMetrics(async () => metrics, {});
    await screen.findByRole('figure', {
      name: 'CPU (% of the limit), last hour',
    });

    expect(document.querySelector('iframe')).toBeNull();
    expect(screen.queryByText('Grafana')).not.toBeInTheDocument();
  });

  it('says so when no Grafana dashboard is shipped for the engine', async () => {
    renderDatabasePage(<DatabaseMetrics />, {
      api: { getMetrics: async () => metrics },
      apis: [mockApis.config({ data: grafana })],
      entity: databaseEntity({
        annotations: {
          'dbaas.io/service-id': SERVICE_ID,
          'dbaas.io/engine': 'cassandra',
        },
      }),
    });

    expect(
      await screen.findByText('No Grafana dashboard is shipped for cassandra.'),
    ).toBeInTheDocument();
    expect(document.querySelector('iframe')).toBeNull();
  });

  it('says which annotation is missing instead of loading anything', async () => {
    const getMetrics = jest.fn();
    renderDatabasePage(<DatabaseMetrics />, {
      api: { getMetrics },
      entity: databaseEntity({ annotations: {} }),
    });

    expect(await screen.findByText('dbaas.io/service-id')).toBeInTheDocument();
    expect(getMetrics).not.toHaveBeenCalled();
  });
});
