import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import dbaasPlugin from '@internal/backstage-plugin-dbaas-backend';
import { describeWithServices, freePort } from '@internal/test-services';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';

jest.setTimeout(90_000);

async function queryPrometheus(baseUrl: string, promql: string) {
  const response = await fetch(
    `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  const body = await response.json();
  return body.data.result as {
    metric: Record<string, string>;
    value: [number, string];
  }[];
}

describeWithServices(['prometheus'], 'backend metrics in Prometheus', env => {
  const targetFile = path.join(
    env.DBAAS_PROMETHEUS_TARGETS_DIR,
    'backend',
    `backend-test-${process.pid}.json`,
  );
  let shutdown: (() => Promise<void>) | undefined;

  afterAll(async () => {
    fs.rmSync(targetFile, { force: true });
    await shutdown?.();
  });

  it('scrapes the DBaaS API request counter from the backend', async () => {
    const port = await freePort();
    process.env.DBAAS_METRICS_HOST = '127.0.0.1';
    process.env.DBAAS_METRICS_PORT = String(port);
    // The same module `yarn start` loads with --require.
    const { meterProvider } = require('./instrumentation');
    shutdown = () => meterProvider.shutdown();

    const { server } = await startTestBackend({
      features: [
        dbaasPlugin,
        // The PoPs the SKU catalog is offered in, owned by the platform team.
        catalogServiceMock.factory({
          entities: examplePops.map(pop => popEntity(pop) as Entity),
        }),
        mockServices.rootConfig.factory({
          data: {
            dbaas: {
              permissions: { platformAdmins: ['group:default/platform'] },
            },
          },
        }),
      ],
    });
    await request(server).get('/api/dbaas/v1/catalog/skus').expect(200);
    await request(server)
      .get('/api/dbaas/v1/catalog/skus?plan=shared')
      .expect(200);
    await request(server)
      .get('/api/dbaas/v1/catalog/skus?plan=free')
      .expect(400);
    await request(server).get('/api/dbaas/v1/no-such-route').expect(404);
    await request(server).get('/api/dbaas/v1/no/such/route/either').expect(404);

    fs.writeFileSync(
      targetFile,
      JSON.stringify([
        {
          targets: [`127.0.0.1:${port}`],
          labels: { instance: 'backend-test' },
        },
      ]),
    );

    const query =
      'dbaas_catalog_requests_total{job="dbaas-backend",instance="backend-test"}';
    let results: Awaited<ReturnType<typeof queryPrometheus>> = [];
    for (let i = 0; i < 60 && results.length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 1000));
      results = await queryPrometheus(env.DBAAS_PROMETHEUS_URL, query);
    }

    const byOutcome = Object.fromEntries(
      results.map(r => [r.metric.outcome, Number(r.value[1])]),
    );
    expect(byOutcome).toEqual({ ok: 2, invalid: 1 });

    // The API's SLIs, by route pattern and status, as the alerts read them.
    const requests = await queryPrometheus(
      env.DBAAS_PROMETHEUS_URL,
      'dbaas_api_requests_total{job="dbaas-backend",instance="backend-test",route="/v1/catalog/skus"}',
    );
    expect(
      Object.fromEntries(
        requests.map(r => [
          `${r.metric.method} ${r.metric.code}`,
          Number(r.value[1]),
        ]),
      ),
    ).toEqual({ 'GET 200': 2, 'GET 400': 1 });
    const [p99] = await queryPrometheus(
      env.DBAAS_PROMETHEUS_URL,
      'histogram_quantile(0.99, sum by (le) (dbaas_api_request_duration_seconds_bucket{job="dbaas-backend",instance="backend-test",route="/v1/catalog/skus"}))',
    );
    expect(Number(p99.value[1])).toBeGreaterThan(0);
    expect(Number(p99.value[1])).toBeLessThanOrEqual(10);
    // A path no route takes is one series, whatever the path.
    const unmatched = await queryPrometheus(
      env.DBAAS_PROMETHEUS_URL,
      'dbaas_api_requests_total{job="dbaas-backend",instance="backend-test",route="unmatched"}',
    );
    expect(unmatched.map(r => [r.metric.code, Number(r.value[1])])).toEqual([
      ['404', 2],
    ]);
  });
});
