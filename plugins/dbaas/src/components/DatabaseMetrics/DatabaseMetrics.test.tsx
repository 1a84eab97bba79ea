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
  dbaas: {
    grafana: {
      baseUrl: 'https://grafana.example/',
      dashboards: { postgresql: 'dbaas-postgresql' },
    },
  },
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

  it('embeds the engine’s Grafana dashboard for the database when Grafana is configured', async () => {
    renderMetrics(async () => metrics, grafana);

    const frame = await screen.findByTitle(
      'Grafana dashboard of orders (PostgreSQL)',
    );
    const src = new URL(frame.getAttribute('src')!);
    expect(`${src.origin}${src.pathname}`).toBe(
      'https://grafana.example/d/dbaas-postgresql',
    );
    expect(src.searchParams.get('var-service_id')).toBe(SERVICE_ID);
    expect(src.searchParams.get('from')).toBe('now-1h');
    expect(src.searchParams.get('to')).toBe('now');
    expect(src.searchParams.has('kiosk')).toBe(true);

    // The dashboard follows the chosen range.
    await userEvent.selectOptions(screen.getByLabelText('Time range'), '24h');
    await waitFor(() =>
      expect(
        new URL(
          screen.getByTitle(/^Grafana dashboard/).getAttribute('src')!,
        ).searchParams.get('from'),
      ).toBe('now-24h'),
    );
  });

  it('embeds no Grafana when it is not configured', async () => {
    renderMetrics(async () => metrics, {});
    await screen.findByRole('figure', {
      name: 'CPU (% of the limit), last hour',
    });

    expect(document.querySelector('iframe')).toBeNull();
    expect(screen.queryByText('Grafana')).not.toBeInTheDocument();
  });

  it('names the missing setting when Grafana has no dashboard for the engine', async () => {
    renderDatabasePage(<DatabaseMetrics />, {
      api: { getMetrics: async () => metrics },
      apis: [mockApis.config({ data: grafana })],
      entity: databaseEntity({
        annotations: {
          'dbaas.io/service-id': SERVICE_ID,
          'dbaas.io/engine': 'scylla',
        },
      }),
    });

    expect(
      await screen.findByText(
        /No Grafana dashboard is configured for ScyllaDB/,
      ),
    ).toHaveTextContent('(dbaas.grafana.dashboards.scylla)');
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
