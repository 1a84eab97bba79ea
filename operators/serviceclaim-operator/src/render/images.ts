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
  vitess: { '21.0': 'v21.0.4', '22.0': 'v22.0.1' },
  scylla: { '2025.1': '2025.1.5', '2025.2': '2025.2.1' },
  dragonfly: { '1.30': 'v1.30.3', '1.31': 'v1.31.2' },
  aerospike: { '7.2': '7.2.0.6', '8.0': '8.0.0.8' },
  mongodb: { '7.0': '7.0.21', '8.0': '8.0.10' },
  // CloudNativePG publishes a moving tag per major version, rebuilt with fixes.
  postgresql: { '16': '16', '17': '17' },
};

/** The exact release of a catalog version; the version itself when not pinned. */
export function engineRelease(engine: EngineId, version: string): string {
  return RELEASES[engine][version] ?? version;
}

/** Images of helper containers the renderers add. */
export const HELPER_IMAGES = {
  mysqld: 'mysql:8.0.40',
  mysqldExporter: 'prom/mysqld-exporter:v0.18.0',
  aerospikeExporter: 'aerospike/aerospike-prometheus-exporter:1.24.0',
  aerospikeBackupService: 'aerospike/aerospike-backup-service:3.1.0',
  scyllaManagerAgent: '3.5.1',
} as const;
