import type { Engine } from './schema';

// Versions are the ones each engine's Kubernetes operator (shared/crds) can run;
// the first entry in the list is the oldest still supported.
export const engines: Engine[] = [
  {
    id: 'yugabyte',
    displayName: 'YugabyteDB',
    description:
      'Distributed SQL with PostgreSQL compatibility, automatic sharding and xCluster replication',
    protocol: 'postgresql',
    versions: ['2024.2.3.0', '2025.1.0.0'],
    defaultVersion: '2025.1.0.0',
  },
  {
    id: 'vitess',
    displayName: 'Vitess (MySQL)',
    description:
      'Horizontally sharded MySQL with VTGate query routing and online resharding',
    protocol: 'mysql',
    versions: ['23.0', '24.0'],
    defaultVersion: '24.0',
  },
  {
    id: 'scylla',
    displayName: 'ScyllaDB',
    description:
      'Cassandra-compatible wide-column store with a shard-per-core architecture and multi-DC replication',
    protocol: 'cql',
    versions: ['2025.1', '2026.1'],
    defaultVersion: '2026.1',
  },
  {
    id: 'dragonfly',
    displayName: 'DragonflyDB',
    description:
      'Redis- and Memcached-compatible in-memory store with snapshots to object storage',
    protocol: 'redis',
    versions: ['1.38', '1.39'],
    defaultVersion: '1.39',
  },
  {
    id: 'aerospike',
    displayName: 'Aerospike',
    description:
      'High-throughput key-value store with strong consistency and cross-datacenter replication (XDR)',
    protocol: 'aerospike',
    versions: ['7.2', '8.0'],
    defaultVersion: '8.0',
  },
  {
    id: 'mongodb',
    displayName: 'MongoDB',
    description:
      'Document database with replica sets, sharding and point-in-time recovery from the oplog',
    protocol: 'mongodb',
    versions: ['7.0', '8.0'],
    defaultVersion: '8.0',
  },
  {
    id: 'postgresql',
    displayName: 'PostgreSQL',
    description:
      'PostgreSQL run by CloudNativePG, with streaming replicas and WAL archiving for point-in-time recovery',
    protocol: 'postgresql',
    versions: ['16', '17'],
    defaultVersion: '17',
  },
];
