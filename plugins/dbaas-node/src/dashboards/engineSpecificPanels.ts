import {
  ENGINE_DASHBOARD_EXTRA_PANELS,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import type { PanelOptions, PanelQuery } from './grafanaBuilders';

/** A panel's queries over one database's series and how it is drawn. */
export type EnginePanelQueries = {
  queries: PanelQuery[];
  options: Omit<PanelOptions, 'width'>;
};

type PanelsOf<E extends EngineId> = Record<
  (typeof ENGINE_DASHBOARD_EXTRA_PANELS)[E][number],
  (matchers: string) => EnginePanelQueries
>;

/**
 * The engine-specific panels' queries, by engine (exactly the panels
 * ENGINE_DASHBOARD_EXTRA_PANELS gives it), from the series of the
 * exporter the operator scrapes for it (the renderer's `metrics` endpoint),
 * named as the exporter's documentation names them. `matchers` select the
 * database's series (`dbaas_io_service_id="$service_id"`).
 */
export const engineSpecificPanels: { [E in EngineId]: PanelsOf<E> } = {
  yugabyte: {},
  vitess: {},
  scylla: {},
  // Dragonfly's own /metrics: the primary reports each replica's lag.
  dragonfly: {
    replicationLag: m => ({
      queries: [
        {
          expr: `max by (replica_ip, replica_port) (dragonfly_connected_replica_lag_records{${m}})`,
          legend: '{{replica_ip}}:{{replica_port}}',
        },
      ],
      options: {
        unit: 'none',
        min: 0,
        description:
          'Changes each replica has not acknowledged yet, in records, as the primary counts them (Dragonfly’s `dragonfly_connected_replica_lag_records`). Empty with no replica.',
      },
    }),
  },
  // aerospike-prometheus-exporter's XDR statistics, one series per remote DC.
  aerospike: {
    replicationLag: m => ({
      queries: [
        {
          expr: `max by (dc) (aerospike_xdr_lag{${m}})`,
          legend: '{{dc}}',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'How far XDR shipping to each remote datacenter (another region of the database) trails local writes (`aerospike_xdr_lag`). Empty for a database in one region.',
      },
    }),
  },
  // percona/mongodb_exporter's getDiagnosticData: every member reports the
  // replica set's members' last applied operation time, in milliseconds.
  mongodb: {
    replicationLag: m => ({
      queries: [
        {
          expr:
            `(max(mongodb_rs_members_optimeDate{${m}, member_state="PRIMARY"}) ` +
            `- on () group_right () ` +
            `max by (member_idx) (mongodb_rs_members_optimeDate{${m}, member_state="SECONDARY"})) / 1000`,
          legend: '{{member_idx}}',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'How far each secondary’s last applied operation trails the primary’s (`mongodb_rs_members_optimeDate`).',
      },
    }),
  },
  // CloudNativePG's default monitoring queries (`cnpg_pg_*`) and the Barman
  // Cloud plugin's backup series, both on the instance manager's exporter.
  postgresql: {
    replicationLag: m => ({
      queries: [
        {
          expr: `max by (pod) (cnpg_pg_replication_lag{${m}})`,
          legend: '{{pod}}',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'How far each instance’s replay trails the primary, 0 on the primary and on an idle database (CloudNativePG’s `cnpg_pg_replication_lag`).',
      },
    }),
    streamingReplicas: m => ({
      queries: [
        {
          expr: `max(cnpg_pg_replication_streaming_replicas{${m}})`,
          legend: 'streaming replicas',
        },
      ],
      options: {
        unit: 'none',
        min: 0,
        description:
          'Replicas streaming from the primary (`cnpg_pg_replication_streaming_replicas`): fewer than the plan’s replicas means one is down or catching up from the archive.',
      },
    }),
    lastBackupAge: m => ({
      queries: [
        {
          expr: `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${m}} > 0)`,
          legend: 'last backup',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'Time since the newest base backup in the object store (the Barman Cloud plugin’s `last_available_backup_timestamp`). It should stay under the backup schedule’s period.',
      },
    }),
    recoveryWindow: m => ({
      queries: [
        {
          expr: `time() - min(barman_cloud_cloudnative_pg_io_first_recoverability_point{${m}} > 0)`,
          legend: 'recovery window',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'How far back the database can be restored to (the plugin’s `first_recoverability_point`): the backup retention, once it has filled.',
      },
    }),
    walArchiveAge: m => ({
      queries: [
        {
          expr: `min(cnpg_pg_stat_archiver_seconds_since_last_archival{${m}} >= 0)`,
          legend: 'since last archival',
        },
      ],
      options: {
        unit: 's',
        min: 0,
        description:
          'Time since the primary last archived a WAL segment (`cnpg_pg_stat_archiver_seconds_since_last_archival`). It grows on an idle database, which fills no segment; with writes, a growing value means point-in-time recovery is falling behind.',
      },
    }),
    walArchiveFailures: m => ({
      queries: [
        {
          expr: `sum(increase(cnpg_pg_stat_archiver_failed_count{${m}}[$__rate_interval]))`,
          legend: 'failed attempts',
        },
      ],
      options: {
        unit: 'none',
        min: 0,
        description:
          'Failed attempts to archive a WAL segment (`cnpg_pg_stat_archiver_failed_count`): the object store refuses or cannot be reached.',
      },
    }),
    cdcSlotLag: m => ({
      queries: [
        {
          expr: `max by (slot_name) (cnpg_pg_replication_slots_pg_wal_lsn_diff{${m}, slot_type="logical"})`,
          legend: '{{slot_name}}',
        },
      ],
      options: {
        unit: 'bytes',
        min: 0,
        description:
          'WAL each CDC pipeline’s logical replication slot has not confirmed yet (`cnpg_pg_replication_slots_pg_wal_lsn_diff`): how far Debezium trails the database, and what the slot keeps on the volume. Empty without a CDC pipeline.',
      },
    }),
  },
};
