import { isDeepStrictEqual } from 'node:util';
import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { aerospikeNamespace } from '../../render/engines/aerospike';
import { MANAGED_BY } from '../../render/common';
import type { EngineBackupReader, EngineStatusReader } from '../engineStatus';
import { ofKind, specOf, statusOf } from '../engineStatus';

/**
 * The on-demand backup the claim's AerospikeBackup asks for. Its status only
 * echoes the on-demand backups the operator has handed to the backup service:
 * no outcome, time or size, and nothing at all about the routine's scheduled
 * runs. So a requested backup reads as running once handed over, never as
 * completed.
 */
const aerospikeBackups: EngineBackupReader = {
  sources: claim => [
    {
      apiVersion: 'asdb.aerospike.com/v1beta1',
      kind: 'AerospikeBackup',
      labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/instance=${claim.metadata.name}`,
    },
  ],
  reports(objects) {
    return ofKind(objects, 'AerospikeBackup').flatMap(backup => {
      const requested: { id?: string; routineName?: string } | undefined =
        specOf(backup).onDemandBackups?.[0];
      if (!backup.metadata?.name || !requested?.id) return [];
      const handed = (statusOf(backup).onDemandBackups ?? []).some(
        (b: { id?: string }) => b?.id === requested.id,
      );
      return [
        {
          // There is no object per backup: the id names it within the routine's.
          name: `${backup.metadata.name}/${requested.id}`,
          type: 'manual' as const,
          backupId: requested.id,
          phase: handed ? ('running' as const) : ('pending' as const),
          message: handed
            ? `Handed to the backup service as an on-demand run of ${requested.routineName}. The Aerospike operator reports no completion; see the backup service for the outcome.`
            : 'Waiting for the Aerospike operator to hand it to the backup service.',
        },
      ];
    });
  },
};

/**
 * Whether AKO has finished a reconcile of the spec as it is now. AKO keeps no
 * observedGeneration: at the end of every successful reconcile it copies the
 * spec into the status (aerospike-kubernetes-operator v4.5.0
 * internal/controller/cluster/reconciler.go, updateStatus, with
 * api/v1/aerospikecluster_types.go CopySpecToStatus), so the status's size,
 * image and aerospikeConfig are those of the last spec it completed.
 */
function caughtUp(
  spec: Record<string, any>,
  status: Record<string, any>,
): boolean {
  // AKO writes the three together; size is enough to tell a status copied
  // from a spec, and the other two are compared when read.
  const same = (key: string) =>
    status[key] === undefined || isDeepStrictEqual(status[key], spec[key]);
  return status.size === spec.size && same('image') && same('aerospikeConfig');
}

/**
 * The Aerospike operator's AerospikeCluster. Its status has a phase
 * (`InProgress`, `Completed`, `Error`), the pods it has seen and, once a
 * reconcile has completed, a copy of the spec; no conditions and no error
 * text (AKO writes the cause as events on the AerospikeCluster).
 *
 * Ready only when the phase is `Completed` for the current spec and every node
 * is reported. `Completed` comes after AKO has waited for every pod to be
 * running and ready, logged in to every node and set up access control and,
 * for strong consistency, the roster (reconciler.go, Reconcile). Before the
 * first completed reconcile (no spec copied into the status yet) the cluster
 * is provisioning whatever the pods do, and `Error` is a failure; after it,
 * `InProgress` is an update rolling out and `Error` a degraded cluster.
 */
export const aerospikeStatus: EngineStatusReader = {
  kind: 'AerospikeCluster',
  backups: aerospikeBackups,
  health(cluster, claim) {
    const status = statusOf(cluster);
    const spec = specOf(cluster);
    const pods = Object.keys(status.pods ?? {}).length;
    const desired: number = spec.size ?? claim.spec.resources.node.replicas;
    const counts = `${pods} of ${desired} nodes reported`;
    // AKO sets size, image and aerospikeConfig in the status together, at the
    // end of its first successful reconcile (IsStatusEmpty reads the latter).
    const completedBefore = status.size !== undefined;
    switch (status.phase) {
      case 'Completed':
        if (!caughtUp(spec, status)) {
          return {
            state: completedBefore ? 'updating' : 'provisioning',
            reason: 'EngineReconciling',
            message: `The Aerospike operator has not acted on the latest spec yet; ${counts}.`,
          };
        }
        if (pods < desired) {
          return {
            state: 'degraded',
            reason: 'NodesMissing',
            message: `The Aerospike operator completed with nodes missing: ${counts}.`,
          };
        }
        return {
          state: 'ready',
          reason: 'Completed',
          message: `The Aerospike operator completed the cluster: ${counts}.`,
        };
      case 'Error': {
        const message = `The Aerospike operator reports phase Error (${counts}); the cause is in the AerospikeCluster's events.`;
        return completedBefore
          ? { state: 'degraded', reason: 'ReconcileError', message }
          : { state: 'failed', reason: 'ReconcileError', message };
      }
      default:
        return completedBefore
          ? {
              state: 'updating',
              reason: 'InProgress',
              message: `The Aerospike operator is rolling out a change: ${counts}.`,
            }
          : {
              state: 'provisioning',
              reason: 'InProgress',
              message: `The Aerospike operator is creating the cluster: ${counts}.`,
            };
    }
  },
  backup(_cluster, observed) {
    const service = ofKind(observed, 'AerospikeBackupService').map(statusOf)[0];
    const backup = ofKind(observed, 'AerospikeBackup').map(statusOf)[0];
    if (service?.phase === 'Error') {
      return {
        status: 'False',
        reason: 'BackupServiceFailed',
        message:
          'The Aerospike operator reports an error deploying the backup service.',
      };
    }
    if (service?.phase === 'Completed' && backup?.config) {
      return {
        status: 'True',
        reason: 'BackupRoutineRegistered',
        message: "The backup service runs the claim's backup routine.",
      };
    }
    return {
      status: 'Unknown',
      reason: 'WaitingForBackupService',
      message: 'The backup service is not deployed yet.',
    };
  },
  connection(_cluster, claim) {
    const secret = credentialsSecret(claim)!;
    return {
      host: `${claim.metadata.name}.${claim.metadata.namespace}.svc`,
      port: 3000,
      database: aerospikeNamespace(claim),
      username: secret.username,
      passwordSecretRef: { name: secret.name, key: PASSWORD_KEY },
    };
  },
};
