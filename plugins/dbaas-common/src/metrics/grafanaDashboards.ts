import type { EngineId } from '../catalog/schema';
import type { MetricName } from './metricQueries';

/**
 * A panel (or row) of a dashboard the charts ship: its id, Grafana's `panelId`,
 * which stays the same from one release to the next so that links and embeds
 * keep working, and its title.
 * @public
 */
export type GrafanaPanel = { id: number; title: string };

/**
 * The uids of the Grafana dashboards the Helm charts ship (generated in
 * `plugins/dbaas-node`): one per engine and one per tenant in the
 * serviceclaim-operator chart, the portal's own in the dbaas-portal chart.
 * @public
 */
export const GRAFANA_DASHBOARD_UIDS: {
  engine: Record<EngineId, string>;
  tenant: string;
  portal: string;
} = {
  engine: {
    yugabyte: 'dbaas-yugabyte',
    vitess: 'dbaas-vitess',
    scylla: 'dbaas-scylla',
    dragonfly: 'dbaas-dragonfly',
    aerospike: 'dbaas-aerospike',
    mongodb: 'dbaas-mongodb',
    postgresql: 'dbaas-postgresql',
  },
  tenant: 'dbaas-tenant',
  portal: 'dbaas-portal',
};

/**
 * The five metrics of the Metrics tab, with the same ids on every engine's
 * dashboard (one database's series) and on the tenant's (one series per
 * database).
 * @public
 */
export const METRIC_PANELS: Record<MetricName, GrafanaPanel> = {
  cpu: { id: 1, title: 'CPU (% of the limit)' },
  memory: { id: 2, title: 'Memory (% of the limit)' },
  disk: { id: 3, title: 'Disk (% of the volume)' },
  connections: { id: 4, title: 'Connections' },
  qps: { id: 5, title: 'Queries per second' },
};

/**
 * The panels of the engines' dashboards besides METRIC_PANELS, and their rows.
 * Which engine has which of the engine-specific ones is
 * ENGINE_DASHBOARD_EXTRA_PANELS.
 * @public
 */
export const ENGINE_DASHBOARD_PANELS = {
  overviewRow: { id: 100, title: 'Overview' },
  scrapedPods: { id: 6, title: 'Pods scraped' },
  resourcesRow: { id: 110, title: 'Memory and disk' },
  memoryBytes: { id: 11, title: 'Memory: working set and limit' },
  diskBytes: { id: 12, title: 'Disk: used and capacity' },
  replicationRow: { id: 120, title: 'Replication' },
  replicationLag: { id: 21, title: 'Replication lag' },
  streamingReplicas: { id: 22, title: 'Streaming replicas' },
  backupsRow: { id: 130, title: 'Backups' },
  lastBackupAge: { id: 31, title: 'Age of the last backup' },
  recoveryWindow: { id: 32, title: 'Recovery window' },
  walArchiveAge: { id: 33, title: 'Since the last archived WAL segment' },
  walArchiveFailures: { id: 34, title: 'WAL archiving failures' },
  cdcRow: { id: 140, title: 'CDC' },
  cdcSlotLag: { id: 41, title: 'WAL held by CDC slots' },
} as const satisfies Record<string, GrafanaPanel>;

/** A panel of the engines' dashboards that only some engines have. @public */
export type EngineSpecificPanel =
  | 'replicationLag'
  | 'streamingReplicas'
  | 'lastBackupAge'
  | 'recoveryWindow'
  | 'walArchiveAge'
  | 'walArchiveFailures'
  | 'cdcSlotLag';

/**
 * The engine-specific panels of each engine's dashboard: those whose series the
 * engine's exporter, as the operator scrapes it, has. YugabyteDB (its YSQL
 * endpoint), Vitess (its vtgates) and ScyllaDB export none of them there.
 * @public
 */
export const ENGINE_DASHBOARD_EXTRA_PANELS = {
  yugabyte: [],
  vitess: [],
  scylla: [],
  dragonfly: ['replicationLag'],
  aerospike: ['replicationLag'],
  mongodb: ['replicationLag'],
  postgresql: [
    'replicationLag',
    'streamingReplicas',
    'lastBackupAge',
    'recoveryWindow',
    'walArchiveAge',
    'walArchiveFailures',
    'cdcSlotLag',
  ],
} as const satisfies Record<EngineId, readonly EngineSpecificPanel[]>;

/**
 * The panels of an engine's dashboard that the Metrics tab embeds: all but the
 * five it draws itself from the portal's API, in the dashboard's order.
 * @public
 */
export function embeddedEnginePanels(engine: EngineId): GrafanaPanel[] {
  return [
    ENGINE_DASHBOARD_PANELS.memoryBytes,
    ENGINE_DASHBOARD_PANELS.diskBytes,
    ...(
      ENGINE_DASHBOARD_EXTRA_PANELS[engine] as readonly EngineSpecificPanel[]
    ).map(key => ENGINE_DASHBOARD_PANELS[key]),
  ];
}

/**
 * The panels of the portal's dashboard, from the backend's SLI metrics
 * (docs/observability.md, "The portal's metrics"), and their rows.
 * @public
 */
export const PORTAL_DASHBOARD_PANELS = {
  objectivesRow: { id: 100, title: 'Service levels over the time range' },
  availability: { id: 1, title: 'API availability' },
  latencyP99: { id: 2, title: 'API p99 latency' },
  provisioningSuccess: { id: 3, title: 'Provisioning success rate' },
  provisioningTime: { id: 4, title: 'Provisioning time (p90)' },
  backupSuccess: { id: 5, title: 'Backup success rate' },
  apiRow: { id: 110, title: 'API' },
  requests: { id: 11, title: 'Requests per second by status' },
  availabilityOverTime: { id: 12, title: 'Availability' },
  latencyByRoute: { id: 13, title: 'p99 latency by route' },
  databasesRow: { id: 120, title: 'Provisioning and backups' },
  provisionings: { id: 21, title: 'Provisionings by engine and outcome' },
  provisioningTimeByEngine: {
    id: 22,
    title: 'Provisioning time by engine (p90)',
  },
  backups: { id: 23, title: 'Backups by engine and outcome' },
} as const satisfies Record<string, GrafanaPanel>;
