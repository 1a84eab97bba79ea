import { MANAGED_BY } from '../render/common';

/** A kind of object the operator creates for claims. */
export type ManagedKind = { apiVersion: string; kind: string };

/**
 * Every kind a claim may render into: the operator watches these (to prune what
 * a claim no longer renders and to follow the engines' status) and looks through
 * them when a claim is deleted. Kept in step with the chart's ClusterRole
 * (charts/serviceclaim-operator/templates/clusterrole.yaml). Kinds a render
 * produces that are missing here are added at run time.
 *
 * The credentials Secret is not here: the operator may create Secrets but not
 * read them, and the claim's ownerReference has the garbage collector delete it.
 */
export const MANAGED_KINDS: ManagedKind[] = [
  { apiVersion: 'operator.yugabyte.io/v1alpha1', kind: 'YBUniverse' },
  { apiVersion: 'operator.yugabyte.io/v1alpha1', kind: 'BackupSchedule' },
  { apiVersion: 'operator.yugabyte.io/v1alpha1', kind: 'Backup' },
  { apiVersion: 'planetscale.com/v2', kind: 'VitessCluster' },
  { apiVersion: 'planetscale.com/v2', kind: 'VitessBackupSchedule' },
  { apiVersion: 'scylla.scylladb.com/v1', kind: 'ScyllaCluster' },
  { apiVersion: 'dragonflydb.io/v1alpha1', kind: 'Dragonfly' },
  { apiVersion: 'asdb.aerospike.com/v1', kind: 'AerospikeCluster' },
  { apiVersion: 'asdb.aerospike.com/v1beta1', kind: 'AerospikeBackup' },
  { apiVersion: 'psmdb.percona.com/v1', kind: 'PerconaServerMongoDB' },
  { apiVersion: 'psmdb.percona.com/v1', kind: 'PerconaServerMongoDBBackup' },
  { apiVersion: 'psmdb.percona.com/v1', kind: 'PerconaServerMongoDBRestore' },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup' },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Backup' },
  { apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore' },
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
];

/** The label selector of everything the operator renders. */
export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

/** `apiVersion/kind`, the identity of a kind in maps and sets. */
export function kindKey(kind: ManagedKind): string {
  return `${kind.apiVersion}/${kind.kind}`;
}
