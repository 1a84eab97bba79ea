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

/** The Aerospike operator's AerospikeCluster: phase and the pods it reports. */
export const aerospikeStatus: EngineStatusReader = {
  kind: 'AerospikeCluster',
  backups: aerospikeBackups,
  health(cluster, claim) {
    const status = statusOf(cluster);
    const pods = Object.keys(status.pods ?? {}).length;
    const desired: number =
      specOf(cluster).size ?? claim.spec.resources.node.replicas;
    const counts = `${pods} of ${desired} nodes reported`;
    switch (status.phase) {
      case 'Completed':
        return { state: 'ready', reason: 'Completed', message: counts };
      case 'Error':
        return pods > 0
          ? { state: 'degraded', reason: 'ReconcileError', message: counts }
          : { state: 'failed', reason: 'ReconcileError', message: counts };
      default:
        return pods > 0
          ? { state: 'updating', reason: 'InProgress', message: counts }
          : { state: 'provisioning', reason: 'InProgress', message: counts };
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
