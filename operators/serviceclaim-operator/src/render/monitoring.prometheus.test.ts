import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ENGINE_DASHBOARD_PANELS as PANELS,
  ENGINE_IDS,
  GRAFANA_DASHBOARD_UIDS,
  KUBE_SERVICE_ID_LABEL,
  METRIC_PANELS,
  SERVICE_ID_LABEL,
  claimManifest,
  metricQueries,
  specFromSku,
  type EngineId,
  type MetricName,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  describeWithPrometheus,
  repoRoot,
  startScrapedPrometheus,
  type Sample,
  type ScrapedPrometheus,
} from '@internal/test-services';
import { podMonitor } from './monitoring';
import { engineRenderers } from './renderClaim';
import type { ClaimObject } from './types';

// Every query of the Metrics tab, and of the Grafana dashboards the operator's
// chart ships, run by a real Prometheus over series named as each engine's
// exporter names them, renamed by the metricRelabelings of the PodMonitor the
// ServiceClaim operator renders for the engine: the contract between the
// operator and the queries, which no unit test on either side sees.
jest.setTimeout(60_000);

const SCRAPE_SECONDS = 1;
/** As PrometheusMetricsSource picks it: four scrape intervals. */
const RATE_WINDOW = `${4 * SCRAPE_SECONDS}s`;
const GiB = 1024 ** 3;
/** What the exporters report as "now" in their timestamps, in seconds. */
const EPOCH = Math.floor(Date.now() / 1000);

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
  /** How far the replicas trail, in seconds (Dragonfly: records). */
  replicationLag: number;
  /** PostgreSQL: replicas streaming from the primary. */
  replicas: number;
  /** PostgreSQL: seconds since the newest backup and since the oldest restore point. */
  backupAge: number;
  recoveryWindow: number;
  /** PostgreSQL: seconds since a WAL segment was archived; failed archivings a second. */
  walArchiveAge: number;
  walArchiveFailures: number;
  /** PostgreSQL: WAL bytes the CDC pipeline's logical slot holds. */
  cdcSlotLag: number;
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
        ['cnpg_pg_replication_lag', {}, db.replicationLag],
        ['cnpg_pg_replication_in_recovery', {}, 1],
        ['cnpg_pg_replication_streaming_replicas', {}, db.replicas],
        // The Barman Cloud plugin's backup series, on the same exporter.
        [
          'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
          {},
          EPOCH - db.backupAge,
        ],
        ['barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', {}, 0],
        [
          'barman_cloud_cloudnative_pg_io_first_recoverability_point',
          {},
          EPOCH - db.recoveryWindow,
        ],
        [
          'cnpg_pg_stat_archiver_seconds_since_last_archival',
          {},
          db.walArchiveAge,
        ],
        [
          'cnpg_pg_stat_archiver_failed_count',
          {},
          db.walArchiveFailures * seconds,
        ],
        ['cnpg_pg_stat_archiver_archived_count', {}, 3 * seconds],
        // The CDC pipeline's logical slot, and CloudNativePG's own physical
        // slot for a replica, which is no CDC.
        [
          'cnpg_pg_replication_slots_pg_wal_lsn_diff',
          { slot_name: 'dbaas_orders', slot_type: 'logical', database: 'app' },
          db.cdcSlotLag,
        ],
        [
          'cnpg_pg_replication_slots_pg_wal_lsn_diff',
          {
            slot_name: '_cnpg_postgresql_2',
            slot_type: 'physical',
            database: '',
          },
          5 * db.cdcSlotLag,
        ],
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
        // getDiagnosticData's replSetGetStatus: every member's last applied
        // operation, in milliseconds.
        ...(
          [
            ['mongodb-0', 'PRIMARY', 0],
            ['mongodb-1', 'SECONDARY', db.replicationLag],
            ['mongodb-2', 'SECONDARY', db.replicationLag / 2],
          ] as const
        ).map(
          ([member, state, lag]): Sample => [
            'mongodb_rs_members_optimeDate',
            {
              member_idx: `${member}.${db.namespace}:27017`,
              member_state: state,
              rs_nm: 'rs0',
            },
            (EPOCH - lag) * 1000,
          ],
        ),
      ];
    case 'dragonfly':
      return [
        ['dragonfly_connected_clients', {}, c],
        ['dragonfly_blocked_clients', {}, 3],
        ['dragonfly_commands_processed_total', {}, q(1)],
        [
          'dragonfly_connected_replica_lag_records',
          {
            replica_ip: '10.0.0.7',
            replica_port: '6379',
            replica_state: 'online',
          },
          db.replicationLag,
        ],
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
        // XDR to the database's other region.
        [
          'aerospike_xdr_lag',
          { cluster_name: 'db', service: 'db-0:3000', dc: 'frankfurt' },
          db.replicationLag,
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

/** A query of a dashboard's panel, as the dashboard's JSON holds it. */
type DashboardTarget = { refId: string; expr: string; legendFormat: string };

type DashboardJson = {
  panels: { id: number; title: string; targets?: DashboardTarget[] }[];
  templating: { list: { name: string; query?: string }[] };
};

/** A dashboard as the operator's chart ships it (generated by `yarn generate`). */
function shippedDashboard(uid: string): DashboardJson {
  return JSON.parse(
    fs.readFileSync(
      path.join(
        repoRoot,
        'charts/serviceclaim-operator/dashboards',
        `${uid}.json`,
      ),
      'utf8',
    ),
  );
}

/** Every query of the dashboard: panel title, refId, `<panel id><refId>`, query. */
function targetsOf(
  dashboard: DashboardJson,
): [string, string, string, DashboardTarget][] {
  return dashboard.panels.flatMap(panel =>
    (panel.targets ?? []).map(
      (target): [string, string, string, DashboardTarget] => [
        panel.title,
        target.refId,
        `${panel.id}${target.refId}`,
        target,
      ],
    ),
  );
}

/** The selector and label of a `label_values(selector, label)` variable. */
function labelValuesOf(dashboard: DashboardJson, name: string) {
  const query = dashboard.templating.list.find(v => v.name === name)?.query;
  const match = /^label_values\((.*), *(\w+)\)$/.exec(query ?? '');
  if (!match) throw new Error(`No label_values variable ${name}: ${query}`);
  return { selector: match[1], label: match[2] };
}

/**
 * The query with Grafana's variables replaced as Grafana would. Grafana leaves
 * a `$` reference to no variable as it is: label_replace's `$1` reaches
 * Prometheus untouched.
 */
function withVariables(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`No value for $${name} in ${expr}`);
    return values[name];
  });
}

describeWithPrometheus(
  'metricQueries and the dashboards on a real Prometheus over each engine exporter',
  prometheusBinary => {
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
          replicationLag: b ? 12 + i : 2 + i,
          replicas: b ? 2 : 1,
          backupAge: (b ? 20 : 3) * 3600,
          recoveryWindow: (b ? 30 : 7) * 86_400,
          walArchiveAge: b ? 240 : 45,
          walArchiveFailures: b ? 0.5 : 0.125,
          cdcSlotLag: b ? 64 * 1024 ** 2 : 256 * 1024,
        };
      }),
    );

    let prometheus: ScrapedPrometheus | undefined;
    const query = (promql: string) => prometheus!.query(promql);

    beforeAll(async () => {
      prometheus = await startScrapedPrometheus(prometheusBinary, {
        scrapeSeconds: SCRAPE_SECONDS,
        // Every target scraped often enough that the rate window holds
        // samples only.
        scrapesBeforeQueries: 4 * SCRAPE_SECONDS + 3,
        serve: (url, seconds) => {
          const db = databases.find(d =>
            url.startsWith(`/${d.engine}/${d.tenant}/`),
          );
          return db
            ? nativeSeries(db, seconds)
            : kubeSeries(databases, seconds);
        },
        scrapeConfigs: host => [
          // kube-state-metrics and the kubelet, whose labels name the pod.
          {
            job_name: 'kube',
            honor_labels: true,
            metrics_path: '/kube',
            static_configs: [{ targets: [host] }],
          },
          ...databases.map(db => scrapeJob(db, host)),
        ],
      });
    });

    afterAll(async () => {
      await prometheus?.stop();
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
            // As the Metrics tab asks: by id, in its tenant's namespace.
            const result = await query(
              metricQueries[metric]({
                serviceId: db.serviceId,
                namespace: db.namespace,
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

    // As the operator chart's alerts ask: every database at once.
    it.each((Object.keys(expected) as MetricName[]).map(metric => [metric]))(
      '%s of every database: one series each, by namespace and id',
      async metric => {
        const result = await query(
          metricQueries[metric]({
            allNamespaces: true,
            rateWindow: RATE_WINDOW,
          }),
        );
        const near = (db: Database, value: number) =>
          Math.abs(value - expected[metric](db)) / expected[metric](db) <=
          tolerance[metric];
        expect(
          Object.fromEntries(
            result.map(({ metric: labels, value }) => {
              const name = `${labels.namespace}/${labels[SERVICE_ID_LABEL]}`;
              const db = databases.find(
                d => `${d.namespace}/${d.serviceId}` === name,
              );
              const v = Number(value[1]);
              return [name, db && near(db, v) ? 'as expected' : v];
            }),
          ),
        ).toEqual(
          Object.fromEntries(
            databases.map(db => [
              `${db.namespace}/${db.serviceId}`,
              'as expected',
            ]),
          ),
        );
        // Nothing but the database's labels: what the alerts' rules join on.
        for (const { metric: labels } of result) {
          expect(Object.keys(labels).sort()).toEqual(
            ['namespace', SERVICE_ID_LABEL].sort(),
          );
        }
      },
    );

    /**
     * The series each query of the engines' dashboards must return for one
     * database, by legend, keyed by panel id and query (`21A`), and how close
     * a value must be: rates are computed a few milliseconds before
     * Prometheus stamps them, ages grow while the test runs.
     */
    const engineExpectations: Record<
      string,
      { series: (db: Database) => Record<string, number>; tolerance: number }
    > = {
      ...Object.fromEntries(
        (Object.keys(METRIC_PANELS) as MetricName[]).map(metric => [
          `${METRIC_PANELS[metric].id}A`,
          {
            series: (db: Database) => ({
              [METRIC_PANELS[metric].title]: expected[metric](db),
            }),
            tolerance: tolerance[metric],
          },
        ]),
      ),
      [`${PANELS.scrapedPods.id}A`]: {
        series: () => ({ scraped: 1 }),
        tolerance: 0,
      },
      [`${PANELS.scrapedPods.id}B`]: {
        series: () => ({ pods: 1 }),
        tolerance: 0,
      },
      [`${PANELS.memoryBytes.id}A`]: {
        series: db => ({
          'working set': (db.memoryLimit * db.memoryPercent) / 100,
        }),
        tolerance: 1e-9,
      },
      [`${PANELS.memoryBytes.id}B`]: {
        series: db => ({ limit: db.memoryLimit }),
        tolerance: 0,
      },
      [`${PANELS.diskBytes.id}A`]: {
        series: db => ({ used: (db.diskCapacity * db.diskPercent) / 100 }),
        tolerance: 1e-9,
      },
      [`${PANELS.diskBytes.id}B`]: {
        series: db => ({ capacity: db.diskCapacity }),
        tolerance: 0,
      },
      [`${PANELS.replicationLag.id}A`]: {
        series: (db): Record<string, number> => {
          const lag = db.replicationLag;
          switch (db.engine) {
            case 'postgresql':
              return { [db.pod]: lag };
            case 'mongodb':
              return {
                [`mongodb-1.${db.namespace}:27017`]: lag,
                [`mongodb-2.${db.namespace}:27017`]: lag / 2,
              };
            case 'dragonfly':
              return { '10.0.0.7:6379': lag };
            case 'aerospike':
              return { frankfurt: lag };
            default:
              throw new Error(`No replication lag of ${db.engine}`);
          }
        },
        tolerance: 1e-9,
      },
      [`${PANELS.streamingReplicas.id}A`]: {
        series: db => ({ 'streaming replicas': db.replicas }),
        tolerance: 0,
      },
      [`${PANELS.lastBackupAge.id}A`]: {
        series: db => ({ 'last backup': db.backupAge }),
        tolerance: 0.01,
      },
      [`${PANELS.recoveryWindow.id}A`]: {
        series: db => ({ 'recovery window': db.recoveryWindow }),
        tolerance: 0.01,
      },
      [`${PANELS.walArchiveAge.id}A`]: {
        series: db => ({ 'since last archival': db.walArchiveAge }),
        tolerance: 0,
      },
      // increase() over the rate window: failures a second times its seconds.
      [`${PANELS.walArchiveFailures.id}A`]: {
        series: db => ({
          'failed attempts': db.walArchiveFailures * 4 * SCRAPE_SECONDS,
        }),
        tolerance: 0.05,
      },
      [`${PANELS.cdcSlotLag.id}A`]: {
        series: db => ({ dbaas_orders: db.cdcSlotLag }),
        tolerance: 0,
      },
    };

    /**
     * A query's result as `legend → value` (Grafana's legend of each series),
     * next to what it should be: values within the relative error `within`
     * read "as expected", others are shown as they came.
     */
    async function seriesOf(
      target: DashboardTarget,
      variables: Record<string, string>,
      want: Record<string, number>,
      within: number,
    ) {
      const result = await query(withVariables(target.expr, variables));
      const actual = result.map(({ metric, value }): [string, unknown] => {
        const legend = target.legendFormat.replace(
          /\{\{\s*(\w+)\s*\}\}/g,
          (_, label: string) => metric[label] ?? '',
        );
        const v = Number(value[1]);
        const close =
          legend in want &&
          Math.abs(v - want[legend]) <= within * Math.abs(want[legend]);
        return [legend, close ? 'as expected' : v];
      });
      return {
        actual: { series: actual.length, ...Object.fromEntries(actual) },
        expected: {
          series: Object.keys(want).length,
          ...Object.fromEntries(
            Object.keys(want).map(legend => [legend, 'as expected']),
          ),
        },
      };
    }

    describe.each(ENGINE_IDS.map(engine => [engine]))(
      'the %s dashboard the operator chart ships',
      engine => {
        const dashboard = shippedDashboard(
          GRAFANA_DASHBOARD_UIDS.engine[engine],
        );
        const mine = databases.filter(d => d.engine === engine);

        it("lists this engine's databases of every tenant, and no other, as service_id", async () => {
          const { selector, label } = labelValuesOf(dashboard, 'service_id');
          expect(
            (await prometheus!.labelValues(selector, label)).sort(),
          ).toEqual(mine.map(d => d.serviceId).sort());
        });

        it.each(targetsOf(dashboard))(
          'panel %s, query %s: the series of the chosen database only',
          async (_title, _refId, key, target) => {
            const expectation = engineExpectations[key];
            // A query nobody checks is a failure: give it synthetic series
            // and an expectation above.
            expect({ key, checked: Boolean(expectation) }).toEqual({
              key,
              checked: true,
            });
            for (const db of mine) {
              const { actual, expected: want } = await seriesOf(
                target,
                { service_id: db.serviceId, __rate_interval: RATE_WINDOW },
                expectation.series(db),
                expectation.tolerance,
              );
              expect({ tenant: db.tenant, ...actual }).toEqual({
                tenant: db.tenant,
                ...want,
              });
            }
          },
        );
      },
    );

    describe('the tenant dashboard the operator chart ships', () => {
      const dashboard = shippedDashboard(GRAFANA_DASHBOARD_UIDS.tenant);

      it('lists the namespaces that hold databases', async () => {
        const { selector, label } = labelValuesOf(dashboard, 'namespace');
        expect((await prometheus!.labelValues(selector, label)).sort()).toEqual(
          ['tenant-a', 'tenant-b'],
        );
      });

      it.each(targetsOf(dashboard))(
        'panel %s, query %s: one series per database of the tenant, none of another',
        async (_title, _refId, key, target) => {
          const metric = (Object.keys(METRIC_PANELS) as MetricName[]).find(
            m => `${METRIC_PANELS[m].id}A` === key,
          );
          expect({ key, checked: Boolean(metric) }).toEqual({
            key,
            checked: true,
          });
          for (const namespace of ['tenant-a', 'tenant-b']) {
            const theirs = databases.filter(d => d.namespace === namespace);
            const { actual, expected: want } = await seriesOf(
              target,
              { namespace, __rate_interval: RATE_WINDOW },
              Object.fromEntries(
                theirs.map(db => [db.serviceId, expected[metric!](db)]),
              ),
              tolerance[metric!],
            );
            expect({ namespace, ...actual }).toEqual({ namespace, ...want });
          }
        },
      );
    });
  },
);
