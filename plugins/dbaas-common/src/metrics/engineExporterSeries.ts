import type { EngineId } from '../catalog/schema';

/**
 * Which native series of an engine's exporter stand for the two metrics no two
 * exporters name alike. The ServiceClaim operator's PodMonitor renames them to
 * `dbaas_connections` and `dbaas_queries_total` (keeping the native name in
 * `dbaas_source`), which metricQueries reads; the Grafana dashboards tell an
 * engine's databases apart by that `dbaas_source`.
 * @public
 */
export type EngineExporterSeries = {
  /** Anchored regex of the native gauge(s) that become `dbaas_connections`. */
  connections: string;
  /**
   * Only the series of `connections` whose label has this value, for
   * exporters that put open and available connections in one series name.
   */
  connectionsWhere?: { label: string; value: string };
  /** Anchored regex of the native counter(s) that become `dbaas_queries_total`. */
  queries: string;
};

/**
 * Each engine's exporter series, as the exporter the operator scrapes names
 * them (the endpoint is the renderer's, in the operator).
 * @public
 */
export const ENGINE_EXPORTER_SERIES: Record<EngineId, EngineExporterSeries> = {
  // The YSQL server's own endpoint: one statement histogram per kind.
  yugabyte: {
    connections: 'yb_ysqlserver_connection_total',
    queries:
      'handler_latency_yb_ysqlserver_SQLProcessor_(SelectStmt|InsertStmt|UpdateStmt|DeleteStmt|OtherStmts)_count',
  },
  vitess: {
    connections: 'vtgate_mysql_server_conn_count',
    queries: 'vtgate_queries_processed(_total)?',
  },
  scylla: {
    connections: 'scylla_transport_current_connections',
    queries: 'scylla_transport_requests_served',
  },
  dragonfly: {
    connections: 'dragonfly_connected_clients',
    queries: 'dragonfly_commands_processed_total',
  },
  aerospike: {
    connections: 'aerospike_node_stats_client_connections',
    queries:
      'aerospike_namespace_client_(read|write|delete|udf)_(success|error)',
  },
  // percona/mongodb_exporter's serverStatus series (names in its exporter/v2
  // naming: mongodb_ss_<path>): connections by conn_type, operations by
  // legacy_op_type.
  mongodb: {
    connections: 'mongodb_ss_connections',
    connectionsWhere: { label: 'conn_type', value: 'current' },
    queries: 'mongodb_ss_opcounters',
  },
  // CloudNativePG's default monitoring queries.
  postgresql: {
    connections: 'cnpg_backends_total',
    queries: 'cnpg_pg_stat_database_xact_(commit|rollback)',
  },
};
