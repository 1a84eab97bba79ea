import {
  KUBE_SERVICE_ID_LABEL,
  SERVICE_ID_LABEL,
  tenantNamespace,
} from '@internal/backstage-plugin-dbaas-common';
import { describeWithServices } from '@internal/test-services';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PrometheusMetricsSource } from './PrometheusMetricsSource';

jest.setTimeout(60_000);

async function listen(
  handler: http.RequestListener,
): Promise<{ server: http.Server; host: string }> {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, host: `127.0.0.1:${port}` };
}

async function close(server: http.Server): Promise<void> {
  // A test leaves a request hanging on purpose.
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
}

function database(id: string, tenant = 'group:default/payments') {
  return { id, engine: 'postgresql' as const, tenant, name: 'orders' };
}

const lastHour = () => ({
  start: new Date(Date.now() - 3_600_000),
  end: new Date(),
  stepSeconds: 60,
});

describe('PrometheusMetricsSource when the query cannot be answered', () => {
  let answer: http.RequestListener;
  let requests: number;
  let server: http.Server;
  let source: PrometheusMetricsSource;

  beforeAll(async () => {
    const listening = await listen((req, res) => {
      requests++;
      answer(req, res);
    });
    server = listening.server;
    source = new PrometheusMetricsSource({
      baseUrl: `http://${listening.host}/`,
      // Long enough that a loaded CI machine answers the other cases in it
      // (at 300 ms the 502 case once read as a timeout), short for the test.
      timeoutMs: 2_000,
    });
  });

  beforeEach(() => {
    requests = 0;
  });

  afterAll(() => close(server));

  it('answers ServiceUnavailableError with the error Prometheus gave', async () => {
    answer = (_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'execution',
          error: 'query processing would load too many samples into memory',
        }),
      );
    };
    await expect(
      source.query(database(randomUUID()), lastHour()),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Prometheus failed: HTTP 422, execution: query processing would load too many samples into memory',
    });
  });

  it('answers ServiceUnavailableError when a proxy in front of Prometheus fails', async () => {
    answer = (_req, res) => {
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    };
    await expect(
      source.query(database(randomUUID()), lastHour()),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Prometheus failed: HTTP 502, Bad Gateway',
    });
  });

  it('answers ServiceUnavailableError when Prometheus does not answer in time', async () => {
    answer = () => {};
    await expect(
      source.query(database(randomUUID()), lastHour()),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Prometheus failed: no answer within 2000 ms',
    });
  });

  it('answers ServiceUnavailableError when nothing listens at the address', async () => {
    const { server: closed, host } = await listen(() => {});
    await close(closed);
    const unreachable = new PrometheusMetricsSource({
      baseUrl: `http://${host}`,
    });
    await expect(
      unreachable.query(database(randomUUID()), lastHour()),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Prometheus failed: cannot connect (ECONNREFUSED)',
    });
  });

  it('refuses a range ending before it starts, naming end, without asking Prometheus', async () => {
    const start = new Date('2026-11-25T12:00:00Z');
    const end = new Date('2026-11-25T11:00:00Z');
    await expect(
      source.query(database(randomUUID()), { start, end, stepSeconds: 60 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^Invalid metrics query: end: must not be before start/,
      ),
    });
    expect(requests).toBe(0);
  });

  it("refuses more points than Prometheus' 11,000, naming the step that would do", async () => {
    const end = new Date('2026-11-25T12:00:00Z');
    const start = new Date(end.getTime() - 86_400_000);
    await expect(
      source.query(database(randomUUID()), { start, end, stepSeconds: 1 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^Invalid metrics query: step: must be at least 8s for this range/,
      ),
    });
    expect(requests).toBe(0);
  });

  it('asks Prometheus for exactly 11,000 points', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [] },
        }),
      );
    };
    const end = new Date('2026-11-25T12:00:00Z');
    const start = new Date(end.getTime() - 11_000_000);
    const { metrics } = await source.query(database(randomUUID()), {
      start,
      end,
      stepSeconds: 1,
    });
    expect(requests).toBe(5);
    expect(metrics.qps).toEqual({ timestamps: [], values: [] });
  });
});

describeWithServices(
  ['prometheus'],
  'PrometheusMetricsSource on a real Prometheus',
  env => {
    const GiB = 1024 ** 3;
    const orders = randomUUID();
    const billing = randomUUID();
    // Unique per run, so that series left by an earlier run cannot match.
    const tenant = `group:default/dbaas-test-${randomUUID().slice(0, 8)}`;
    const namespace = tenantNamespace(tenant);
    // orders runs on two pods, so every expected value is a sum over pods:
    // cpu 0.5 of 1 core = 50 %, memory 0.5 of 2 GiB = 25 %, disk 6 of 20 GiB = 30 %,
    // 3 + 4 = 7 connections, 15 + 25 = 40 queries per second.
    const pods = [
      {
        service: orders,
        namespace,
        pod: 'orders-0',
        cpuLimit: 0.5,
        cpuPerSecond: 0.25,
        memoryLimit: GiB,
        memoryUsed: GiB / 4,
        diskCapacity: 10 * GiB,
        diskUsed: 3 * GiB,
        connections: 3,
        queriesPerSecond: 15,
      },
      {
        service: orders,
        namespace,
        pod: 'orders-1',
        cpuLimit: 0.5,
        cpuPerSecond: 0.25,
        memoryLimit: GiB,
        memoryUsed: GiB / 4,
        diskCapacity: 10 * GiB,
        diskUsed: 3 * GiB,
        connections: 4,
        queriesPerSecond: 25,
      },
      {
        service: billing,
        namespace,
        pod: 'billing-0',
        cpuLimit: 2,
        cpuPerSecond: 1.5,
        memoryLimit: 4 * GiB,
        memoryUsed: 3 * GiB,
        diskCapacity: 100 * GiB,
        diskUsed: 90 * GiB,
        connections: 70,
        queriesPerSecond: 400,
      },
      // orders' id on a pod of another namespace (copied by hand, say), of the
      // same name as one of its own: not orders', so never counted.
      {
        service: orders,
        namespace: `${namespace}-elsewhere`,
        pod: 'orders-0',
        cpuLimit: 1,
        cpuPerSecond: 1,
        memoryLimit: GiB,
        memoryUsed: GiB,
        diskCapacity: GiB,
        diskUsed: GiB,
        connections: 1000,
        queriesPerSecond: 1000,
      },
    ];
    const startedAt = Date.now();
    const targetFile = path.join(
      env.DBAAS_PROMETHEUS_TARGETS_DIR,
      'backend',
      `metrics-source-test-${process.pid}.json`,
    );
    let server: http.Server;
    let source: PrometheusMetricsSource;
    const sinceStart = () => ({
      start: new Date(startedAt),
      end: new Date(),
      stepSeconds: 2,
    });

    function exposition(families: Record<string, [string, number][]>) {
      return Object.entries(families)
        .flatMap(([name, samples]) => [
          `# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`,
          ...samples.map(([labels, value]) => `${name}{${labels}} ${value}`),
        ])
        .join('\n')
        .concat('\n');
    }

    // What kube-state-metrics and the kubelet (cAdvisor, volume stats) would report.
    function kubeMetrics(seconds: number): string {
      type Pod = (typeof pods)[number];
      const ofPod = (p: Pod, more = '') =>
        `namespace="${p.namespace}",pod="${p.pod}"${more}`;
      const ofVolume = (p: Pod) =>
        `namespace="${p.namespace}",persistentvolumeclaim="data-${p.pod}"`;
      return exposition({
        kube_pod_labels: pods.map(p => [
          ofPod(p, `,${KUBE_SERVICE_ID_LABEL}="${p.service}"`),
          1,
        ]),
        kube_persistentvolumeclaim_labels: pods.map(p => [
          `${ofVolume(p)},${KUBE_SERVICE_ID_LABEL}="${p.service}"`,
          1,
        ]),
        kube_pod_container_resource_limits: pods.flatMap(p => [
          [
            ofPod(p, ',container="engine",resource="cpu",unit="core"'),
            p.cpuLimit,
          ],
          [
            ofPod(p, ',container="engine",resource="memory",unit="byte"'),
            p.memoryLimit,
          ],
        ]),
        // cAdvisor also reports each pod's cgroup as container="": counted, it
        // would double the usage.
        container_cpu_usage_seconds_total: pods.flatMap(p => [
          [ofPod(p, ',container="engine"'), p.cpuPerSecond * seconds],
          [ofPod(p, ',container=""'), p.cpuPerSecond * seconds],
        ]),
        container_memory_working_set_bytes: pods.flatMap(p => [
          [ofPod(p, ',container="engine"'), p.memoryUsed],
          [ofPod(p, ',container=""'), p.memoryUsed],
        ]),
        kubelet_volume_stats_capacity_bytes: pods.map(p => [
          ofVolume(p),
          p.diskCapacity,
        ]),
        kubelet_volume_stats_used_bytes: pods.map(p => [
          ofVolume(p),
          p.diskUsed,
        ]),
      });
    }

    // What an engine's exporter reports once the operator's scrape config has
    // mapped its series onto the DBaaS names.
    function engineMetrics(pod: (typeof pods)[number], seconds: number) {
      return exposition({
        dbaas_connections: [['', pod.connections]],
        dbaas_queries_total: [['', pod.queriesPerSecond * seconds]],
      });
    }

    beforeAll(async () => {
      const listening = await listen((req, res) => {
        const seconds = (Date.now() - startedAt) / 1000;
        const pod = pods.find(
          p => req.url === `/engine/${p.namespace}/${p.pod}`,
        );
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(pod ? engineMetrics(pod, seconds) : kubeMetrics(seconds));
      });
      server = listening.server;
      source = new PrometheusMetricsSource({
        baseUrl: env.DBAAS_PROMETHEUS_URL,
        scrapeIntervalSeconds: 2,
      });
      // The namespace and service id are target labels, as pod discovery
      // would set them.
      const targets = [
        {
          targets: [listening.host],
          labels: { __metrics_path__: '/kube', instance: 'kube' },
        },
        ...pods.map(p => ({
          targets: [listening.host],
          labels: {
            __metrics_path__: `/engine/${p.namespace}/${p.pod}`,
            instance: `${p.namespace}/${p.pod}`,
            namespace: p.namespace,
            [SERVICE_ID_LABEL]: p.service,
          },
        })),
      ];
      // Renamed into place so that Prometheus never reads half a file.
      fs.writeFileSync(`${targetFile}.tmp`, JSON.stringify(targets));
      fs.renameSync(`${targetFile}.tmp`, targetFile);

      // Scraped every 2 s: seven points of connections mean 12 s of samples, so the
      // last point's 8 s rate window holds samples only.
      for (;;) {
        const { metrics } = await source.query(
          database(orders, tenant),
          sinceStart(),
        );
        if (metrics.connections.values.length >= 7) {
          return;
        }
        if (Date.now() - startedAt > 45_000) {
          throw new Error(
            `Prometheus has not scraped the test target for 45 s: ${JSON.stringify(
              metrics,
            )}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    });

    afterAll(async () => {
      fs.rmSync(targetFile, { force: true });
      await close(server);
    });

    // orders' pod in another namespace would change every figure, counted.
    it("reads a database's series summed over its pods in its tenant's namespace", async () => {
      const { metrics } = await source.query(
        database(orders, tenant),
        sinceStart(),
      );
      const { cpu, memory, disk, connections, qps } = metrics;

      // Each pod's exporter is a target of its own, first scraped up to a scrape
      // apart, so the first points may count one pod only.
      expect(connections.values.at(-1)).toBe(7);
      // kube-state-metrics and the kubelet report all pods at once.
      expect(new Set(memory.values)).toEqual(new Set([25]));
      expect(new Set(disk.values)).toEqual(new Set([30]));
      expect(cpu.values.at(-1)).toBeGreaterThan(47.5);
      expect(cpu.values.at(-1)).toBeLessThan(52.5);
      expect(qps.values.at(-1)).toBeGreaterThan(38);
      expect(qps.values.at(-1)).toBeLessThan(42);

      // Points sit on the step grid from the range's start, as ISO times.
      for (const series of [cpu, memory, disk, connections, qps]) {
        expect(series.timestamps).toHaveLength(series.values.length);
        for (const time of series.timestamps) {
          expect(new Date(time).toISOString()).toBe(time);
          expect((Date.parse(time) - startedAt) % 2000).toBe(0);
        }
      }
    });

    it("keeps another database's series apart", async () => {
      const { metrics } = await source.query(
        database(billing, tenant),
        sinceStart(),
      );
      expect(metrics.connections.values.at(-1)).toBe(70);
      expect(metrics.memory.values.at(-1)).toBe(75);
      expect(metrics.disk.values.at(-1)).toBe(90);
    });

    it('answers empty series for a database without samples', async () => {
      const empty = { timestamps: [], values: [] };
      for (const id of [randomUUID(), `${orders}"} or vector(1) #`]) {
        const { metrics } = await source.query(
          database(id, tenant),
          sinceStart(),
        );
        expect(metrics).toEqual({
          cpu: empty,
          memory: empty,
          disk: empty,
          connections: empty,
          qps: empty,
        });
      }
    });
  },
);
