import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { aerospikeNamespace } from '../../render/engines/aerospike';
import type { EngineStatusReader } from '../engineStatus';
import { ofKind, specOf, statusOf } from '../engineStatus';

/** The Aerospike operator's AerospikeCluster: phase and the pods it reports. */
export const aerospikeStatus: EngineStatusReader = {
  kind: 'AerospikeCluster',
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
