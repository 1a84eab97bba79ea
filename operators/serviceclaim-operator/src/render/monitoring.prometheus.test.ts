import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  ENGINE_IDS,
  KUBE_SERVICE_ID_LABEL,
  claimManifest,
  metricQueries,
  specFromSku,
  type EngineId,
  type MetricName,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { describeWhenAvailable, freePort } from '@internal/test-services';
import { podMonitor } from './monitoring';
import { engineRenderers } from './renderClaim';
import type { ClaimObject } from './types';

// Every query of the Metrics tab run by a real Prometheus over series named as
// each engine's exporter names them, renamed by the metricRelabelings of the
// PodMonitor the ServiceClaim operator renders for the engine: the contract
// between the operator and metricQueries, which no unit test on either side sees.
jest.setTimeout(60_000);

const SCRAPE_SECONDS = 1;
/** As PrometheusMetricsSource picks it: four scrape intervals. */
const RATE_WINDOW = `${4 * SCRAPE_SECONDS}s`;
const GiB = 1024 ** 3;

/** Debian's `prometheus` package, or why it cannot be run. */
function findPrometheus(): { value: string } | { missing: string } {
  const probe = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return { value: 'prometheus' };
  const why =
    (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
      ? 'prometheus is not on the PATH'
      : `prometheus --version failed: ${probe.error?.message ?? probe.stderr}`;
  return {
    missing: `${why}. It comes with Debian's prometheus package: \`scripts/services.sh install prometheus\``,
  };
}

/** A series in the exposition format: name{labels} value. */
type Sample = [name: string, labels: Record<string, string>, value: number];

function exposition(samples: Sample[]): string {
  return samples
    .map(([name, labels, value]) => {
      const pairs = Object.entries(labels).map(
        ([key, v]) => `${key}=${JSON.stringify(v)}`,
      );
      return `${name}{${pairs.join(',')}} ${value}`;
    })
    .join('\n')
    .concat('\n');
}

/**
 * What a database of `engine` is made to report: `connections` client
 * connections and `qps` statements a second, spread over several native series
 * where the exporter has several, next to series that must not be counted.
 */
type Database = {
  engine: EngineId;
  tenant: 'a' | 'b';
  namespace: string;
  serviceId: string;
  claim: ClaimObject;
  pod: string;
  connections: number;
  qps: number;
  cpuLimit: number;
  cpuPercent: number;
  memoryLimit: number;
  memoryPercent: number;
  diskCapacity: number;
  diskPercent: number;
};

/**
 * The engine's exporter as it names its series, with `seconds` since the
 * counters started. Connections are split `1 + (n - 1)` and queries `¼ + ¾`
 * where the exporter has several series for them, so a series renamed twice or
 * not at all shows in the sum.
 */
function nativeSeries(db: Database, seconds: number): Sample[] {
  const c = db.connections;
  const q = (share: number) => share * db.qps * seconds;
  switch (db.engine) {
    case 'postgresql':
      // CloudNativePG's default monitoring queries.
      return [
        [
          'cnpg_backends_total',
          {
            datname: 'app',
            usename: 'app',
            application_name: '',
            state: 'active',
          },
          1,
        ],
        [
          'cnpg_backends_total',
          {
            datname: 'app',
            usename: 'app',
            application_name: '',
            state: 'idle',
          },
          c - 1,
        ],
        ['cnpg_backends_waiting_total', {}, 7],
        ['cnpg_pg_stat_database_xact_commit', { datname: 'app' }, q(0.75)],
        ['cnpg_pg_stat_database_xact_rollback', { datname: 'app' }, q(0.25)],
        ['cnpg_pg_stat_database_tup_fetched', { datname: 'app' }, q(50)],
      ];
    case 'mongodb':
      // percona/mongodb_exporter, serverStatus in its v2 naming.
      return [
        ['mongodb_ss_connections', { conn_type: 'current' }, c],
        ['mongodb_ss_connections', { conn_type: 'available' }, 51200],
        ['mongodb_ss_connections', { conn_type: 'totalCreated' }, 900],
        ['mongodb_ss_opcounters', { legacy_op_type: 'query' }, q(0.75)],
        ['mongodb_ss_opcounters', { legacy_op_type: 'insert' }, q(0.25)],
        ['mongodb_ss_opcounters', { legacy_op_type: 'update' }, 0],
        ['mongodb_ss_opcountersRepl', { legacy_op_type: 'insert' }, q(9)],
      ];
    case 'dragonfly':
      return [
        ['dragonfly_connected_clients', {}, c],
        ['dragonfly_blocked_clients', {}, 3],
        ['dragonfly_commands_processed_total', {}, q(1)],
      ];
    case 'aerospike':
      // aerospike-prometheus-exporter.
      return [
        [
          'aerospike_node_stats_client_connections',
          { cluster_name: 'db', service: 'db-0:3000' },
          c,
        ],
        [
          'aerospike_namespace_client_read_success',
          { cluster_name: 'db', ns: 'test' },
          q(0.5),
        ],
        [
          'aerospike_namespace_client_write_success',
          { cluster_name: 'db', ns: 'test' },
          q(0.25),
        ],
        [
          'aerospike_namespace_client_read_error',
          { cluster_name: 'db', ns: 'test' },
          q(0.25),
        ],
        [
          'aerospike_namespace_client_read_not_found_total',
          { cluster_name: 'db', ns: 'test' },
          q(5),
        ],
      ];
    case 'scylla':
      // One series per shard.
      return [
        ['scylla_transport_current_connections', { shard: '0' }, 1],
        ['scylla_transport_current_connections', { shard: '1' }, c - 1],
        ['scylla_transport_requests_served', { shard: '0' }, q(0.25)],
        ['scylla_transport_requests_served', { shard: '1' }, q(0.75)],
        ['scylla_transport_requests_shed', { shard: '0' }, q(3)],
      ];
    case 'vitess':
      return [
        ['vtgate_mysql_server_conn_count', {}, c],
        ['vtgate_mysql_server_conn_accepted', {}, 500],
        ['vtgate_queries_processed', { plan: 'Select' }, q(0.75)],
        ['vtgate_queries_processed', { plan: 'Insert' }, q(0.25)],
      ];
    case 'yugabyte': {
      // The YSQL server's /prometheus-metrics: one histogram per statement kind.
      const stmt = (kind: string, share: number): Sample[] => {
        const name = `handler_latency_yb_ysqlserver_SQLProcessor_${kind}`;
        const labels = {
          exported_instance: 'yb-tserver-0',
          metric_type: 'server',
        };
        return [
          [`${name}_count`, labels, q(share)],
          [`${name}_sum`, labels, q(share) * 250],
        ];
      };
      return [
        ['yb_ysqlserver_connection_total', { metric_type: 'server' }, c],
        ['yb_ysqlserver_max_connection_total', { metric_type: 'server' }, 300],
        ...stmt('SelectStmt', 0.25),
        ...stmt('InsertStmt', 0.25),
        ...stmt('UpdateStmt', 0.25),
        ...stmt('OtherStmts', 0.25),
        ...stmt('BeginStmt', 2),
      ];
    }
    default:
      throw new Error(`No exporter series for ${db.engine}`);
  }
}

/**
 * What kube-state-metrics and the kubelet (cAdvisor, volume stats) report of
 * every database's pod and volume, `seconds` after the counters started.
 */
function kubeSeries(dbs: Database[], seconds: number): Sample[] {
  return dbs.flatMap(db => {
    const pod = { namespace: db.namespace, pod: db.pod };
    const volume = {
      namespace: db.namespace,
      persistentvolumeclaim: `data-${db.pod}`,
    };
    const cpuPerSecond = (db.cpuLimit * db.cpuPercent) / 100;
    const memory = (db.memoryLimit * db.memoryPercent) / 100;
    return [
      ['kube_pod_labels', { ...pod, [KUBE_SERVICE_ID_LABEL]: db.serviceId }, 1],
      [
        'kube_persistentvolumeclaim_labels',
        { ...volume, [KUBE_SERVICE_ID_LABEL]: db.serviceId },
        1,
      ],
      [
        'kube_pod_container_resource_limits',
        { ...pod, container: 'engine', resource: 'cpu', unit: 'core' },
        db.cpuLimit,
      ],
      [
        'kube_pod_container_resource_limits',
        { ...pod, container: 'engine', resource: 'memory', unit: 'byte' },
        db.memoryLimit,
      ],
      [
        'container_cpu_usage_seconds_total',
        { ...pod, container: 'engine' },
        cpuPerSecond * seconds,
      ],
      // The pod's cgroup (container="") holds its containers' usage again, and
      // the pause container (container="POD") some of its own.
      [
        'container_cpu_usage_seconds_total',
        { ...pod, container: '' },
        cpuPerSecond * seconds,
      ],
      [
        'container_cpu_usage_seconds_total',
        { ...pod, container: 'POD' },
        0.01 * seconds,
      ],
      [
        'container_memory_working_set_bytes',
        { ...pod, container: 'engine' },
        memory,
      ],
      ['container_memory_working_set_bytes', { ...pod, container: '' }, memory],
      ['container_memory_working_set_bytes', { ...pod, container: 'POD' }, 1e6],
      ['kubelet_volume_stats_capacity_bytes', volume, db.diskCapacity],
      [
        'kubelet_volume_stats_used_bytes',
        volume,
        (db.diskCapacity * db.diskPercent) / 100,
      ],
    ] satisfies Sample[];
  });
}

/** A claim as the portal commits it and the cluster returns it. */
function claimOf(
  engine: EngineId,
  tenant: string,
  serviceId: string,
): ClaimObject {
  const sku = exampleSkuCatalog.skus.find(s => s.engine === engine);
  if (!sku) throw new Error(`No example SKU of ${engine}`);
  const manifest = claimManifest({
    id: serviceId,
    tenant: `group:default/${tenant}`,
    organization: 'acme',
    name: engine,
    generation: 1,
    spec: specFromSku(exampleSkuCatalog, sku.id, sku.regions[0]),
  });
  return {
    ...manifest,
    metadata: { ...manifest.metadata, uid: randomUUID(), generation: 1 },
  };
}

/**
 * A relabeling of a PodMonitor as the Prometheus Operator writes it into
 * Prometheus' configuration: the same fields in snake_case, the action in lower
 * case, unset fields left to Prometheus' defaults.
 */
function relabelConfig(relabeling: Record<string, unknown>) {
  const names: Record<string, string> = {
    sourceLabels: 'source_labels',
    separator: 'separator',
    targetLabel: 'target_label',
    regex: 'regex',
    modulus: 'modulus',
    replacement: 'replacement',
    action: 'action',
  };
  return Object.fromEntries(
    Object.entries(relabeling).map(([key, value]) => {
      if (!names[key]) {
        throw new Error(
          `The Prometheus Operator knows no relabeling field ${key}`,
        );
      }
      return [
        names[key],
        key === 'action' ? String(value).toLowerCase() : value,
      ];
    }),
  );
}

/** The scrape job the Prometheus Operator makes of the database's PodMonitor. */
function scrapeJob(db: Database, host: string) {
  const monitor = podMonitor(
    db.claim,
    engineRenderers[db.engine],
  ) as unknown as {
    metadata: { name: string; namespace: string };
    spec: {
      podMetricsEndpoints: {
        path: string;
        relabelings?: Record<string, unknown>[];
        metricRelabelings?: Record<string, unknown>[];
      }[];
    };
  };
  const [endpoint] = monitor.spec.podMetricsEndpoints;
  return {
    job_name: `podMonitor/${monitor.metadata.namespace}/${monitor.metadata.name}/0`,
    // The exporter's own path, under the engine and tenant this server answers for.
    metrics_path: `/${db.engine}/${db.tenant}${endpoint.path}`,
    // Stands in for pod discovery: the `namespace` and `pod` the Operator's own
    // relabelings derive from the pod, and the pod's `dbaas.io/service-id`.
    static_configs: [
      {
        targets: [host],
        labels: {
          namespace: db.namespace,
          pod: db.pod,
          __meta_kubernetes_pod_label_dbaas_io_service_id: db.serviceId,
        },
      },
    ],
    relabel_configs: (endpoint.relabelings ?? []).map(relabelConfig),
    metric_relabel_configs: (endpoint.metricRelabelings ?? []).map(
      relabelConfig,
    ),
  };
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describeWhenAvailable(
  'metricQueries on a real Prometheus over each engine exporter',
  'prometheus',
  findPrometheus(),
  prometheusBinary => {
    const startedAt = Date.now();
    const databases: Database[] = ENGINE_IDS.flatMap((engine, i) =>
      (['a', 'b'] as const).map(tenant => {
        const serviceId = randomUUID();
        // Tenant b's database is bigger and busier in every metric, so a
        // series of one counted in the other changes its value.
        const b = tenant === 'b';
        return {
          engine,
          tenant,
          namespace: `tenant-${tenant}`,
          serviceId,
          claim: claimOf(engine, tenant, serviceId),
          // The same pod name in both tenants: only the namespace tells them apart.
          pod: `${engine}-0`,
          connections: b ? 40 + i : 3 + i,
          qps: b ? 500 + 10 * i : 10 + i,
          cpuLimit: b ? 2 : 0.5,
          cpuPercent: b ? 70 + i : 20 + i,
          memoryLimit: b ? 8 * GiB : 2 * GiB,
          memoryPercent: b ? 60 + i : 10 + i,
          diskCapacity: b ? 100 * GiB : 10 * GiB,
          diskPercent: b ? 80 + i : 30 + i,
        };
      }),
    );

    let server: http.Server;
    let prometheus: ChildProcess | undefined;
    let prometheusLog = '';
    let workDir: string;
    let baseUrl: string;

    async function query(promql: string): Promise<Vector> {
      const res = await fetch(
        `${baseUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`,
      );
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data: { resultType: string; result: Vector };
      };
      if (body.status !== 'success') {
        throw new Error(`Prometheus refused ${promql}: ${body.error}`);
      }
      return body.data.result;
    }

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const seconds = (Date.now() - startedAt) / 1000;
        const db = databases.find(d =>
          req.url?.startsWith(`/${d.engine}/${d.tenant}/`),
        );
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(
          exposition(
            db ? nativeSeries(db, seconds) : kubeSeries(databases, seconds),
          ),
        );
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

      workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metric-queries-'));
      const config = {
        global: {
          scrape_interval: `${SCRAPE_SECONDS}s`,
          scrape_timeout: `${SCRAPE_SECONDS}s`,
        },
        scrape_configs: [
          // kube-state-metrics and the kubelet, whose labels name the pod.
          {
            job_name: 'kube',
            honor_labels: true,
            metrics_path: '/kube',
            static_configs: [{ targets: [host] }],
          },
          ...databases.map(db => scrapeJob(db, host)),
        ],
      };
      const configFile = path.join(workDir, 'prometheus.yml');
      fs.writeFileSync(configFile, yaml.dump(config));

      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      prometheus = spawn(
        prometheusBinary,
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${path.join(workDir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const keepLog = (chunk: Buffer) => {
        prometheusLog = (prometheusLog + chunk.toString()).slice(-20_000);
      };
      prometheus.stdout?.on('data', keepLog);
      prometheus.stderr?.on('data', keepLog);

      // Every target scraped often enough that the rate window holds samples
      // only: up is Prometheus' own series, named whatever the renaming does.
      const targets = databases.length + 1;
      for (;;) {
        if (prometheus.exitCode !== null) {
          throw new Error(`Prometheus exited:\n${prometheusLog}`);
        }
        const scraped = await query(
          `count_over_time(up[1m]) >= ${4 * SCRAPE_SECONDS + 3} and up == 1`,
        ).catch(() => []);
        if (scraped.length === targets) return;
        if (Date.now() - startedAt > 40_000) {
          throw new Error(
            `Prometheus has not scraped all ${targets} targets for 40 s (${scraped.length} ready):\n${prometheusLog}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
    });

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise(resolve =>
          prometheus!.once('exit', resolve),
        );
        prometheus.kill('SIGTERM');
        const timer = setTimeout(() => prometheus!.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise(resolve => server?.close(resolve));
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    });

    /** Each metric of a database and the value the Metrics tab must show. */
    const expected: Record<MetricName, (db: Database) => number> = {
      cpu: db => db.cpuPercent,
      memory: db => db.memoryPercent,
      disk: db => db.diskPercent,
      connections: db => db.connections,
      qps: db => db.qps,
    };
    // Gauges are read as served; rates from samples the server computed a few
    // milliseconds before Prometheus stamped them.
    const tolerance: Record<MetricName, number> = {
      cpu: 0.05,
      memory: 1e-9,
      disk: 1e-9,
      connections: 0,
      qps: 0.05,
    };

    describe.each(ENGINE_IDS.map(engine => [engine]))('%s', engine => {
      it.each((Object.keys(expected) as MetricName[]).map(metric => [metric]))(
        '%s: one series per database, its own value only',
        async metric => {
          for (const db of databases.filter(d => d.engine === engine)) {
            const result = await query(
              metricQueries[metric]({
                serviceId: db.serviceId,
                rateWindow: RATE_WINDOW,
              }),
            );
            const want = expected[metric](db);
            expect({ tenant: db.tenant, series: result.length }).toEqual({
              tenant: db.tenant,
              series: 1,
            });
            const value = Number(result[0].value[1]);
            const error = Math.abs(value - want) / want;
            expect({
              tenant: db.tenant,
              value,
              near: error <= tolerance[metric],
            }).toEqual({
              tenant: db.tenant,
              value: expect.any(Number),
              near: true,
            });
          }
        },
      );
    });
  },
);
