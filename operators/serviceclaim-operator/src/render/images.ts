import type { EngineId } from '@internal/backstage-plugin-dbaas-common';

/**
 * The release each catalog version (plugins/dbaas-common/src/catalog/engines.ts)
 * runs. The catalog speaks in minor versions; operators want an exact release,
 * pinned here so a rollout never changes under a claim. Bump it with the catalog.
 */
const RELEASES: Record<EngineId, Record<string, string>> = {
  // YBA names releases with their build number.
  yugabyte: {
    '2024.2.3.0': '2024.2.3.0-b116',
    '2025.1.0.0': '2025.1.0.0-b168',
  },
  // The releases vitess-operator v2.17.0 runs its end-to-end tests on
  // (test/endtoend/operator/101_initial_cluster.yaml, cluster_upgrade.yaml).
  // 21.0 and 22.0 left the catalog (outside that window); claims made on them
  // keep their release until they change version, as below.
  vitess: {
    '21.0': 'v21.0.4',
    '22.0': 'v22.0.1',
    '23.0': 'v23.0.3',
    '24.0': 'v24.0.0',
  },
  // Within the Scylla operator v1.21 support matrix (2025.1, 2025.3 - 2026.1);
  // 2025.2 left the catalog.
  scylla: { '2025.1': '2025.1.9', '2025.2': '2025.2.1', '2026.1': '2026.1.3' },
  // dragonfly-operator v1.6.1 internal/resources/version.go defaults to v1.39.0.
  // 1.30 and 1.31 left the catalog; claims made on them keep their release
  // until they change version.
  dragonfly: {
    '1.30': 'v1.30.3',
    '1.31': 'v1.31.2',
    '1.38': 'v1.38.2',
    '1.39': 'v1.39.0',
  },
  aerospike: { '7.2': '7.2.0.6', '8.0': '8.0.0.8' },
  // Percona Server for MongoDB, as the Percona operator v1.22.0 releases it
  // (e2e-tests/release_versions).
  mongodb: { '7.0': '7.0.30-16', '8.0': '8.0.19-7' },
  // The minor releases CloudNativePG v1.30.0 tests (.github/pg_versions.json); the
  // renderer adds the image flavour (engines/postgresql.ts).
  postgresql: { '16': '16.14', '17': '17.10' },
};

/** The exact release of a catalog version; the version itself when not pinned. */
export function engineRelease(engine: EngineId, version: string): string {
  return RELEASES[engine][version] ?? version;
}

/** Images of helper containers the renderers add. */
export const HELPER_IMAGES = {
  mysqldExporter: 'prom/mysqld-exporter:v0.18.0',
  aerospikeExporter: 'aerospike/aerospike-prometheus-exporter:1.24.0',
  aerospikeBackupService: 'aerospike/aerospike-backup-service:3.1.0',
  // Scylla operator v1.21 supports Scylla Manager 3.7 - 3.9; the agent must
  // match the platform's Scylla Manager server.
  scyllaManagerAgent: '3.9.1',
  // Percona Backup for MongoDB as the Percona operator v1.22.0 releases it
  // (e2e-tests/release_versions).
  perconaBackupMongodb: 'percona/percona-backup-mongodb:2.12.0',
  mongodbExporter: 'percona/mongodb_exporter:0.48.0',
} as const;
