import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import type { EngineStatusReader } from '../engineStatus';
import { conditionOf, specOf, statusOf } from '../engineStatus';

/**
 * The Scylla operator's ScyllaCluster. Its conditions say it all: a finished
 * rollout is Available=True, Progressing=False, Degraded=False.
 */
export const scyllaStatus: EngineStatusReader = {
  kind: 'ScyllaCluster',
  health(cluster, claim) {
    const status = statusOf(cluster);
    const racks: { members?: number }[] =
      specOf(cluster).datacenter?.racks ?? [];
    // This datacenter's members: a global claim's replicas are over all of them.
    const desired = racks.length
      ? racks.reduce((n, r) => n + (r.members ?? 0), 0)
      : claim.spec.resources.member.replicas;
    const ready: number = status.readyMembers ?? 0;
    const counts = `${ready} of ${status.members ?? desired} members ready`;
    const degraded = conditionOf(status, 'Degraded');
    const available = conditionOf(status, 'Available');
    const progressing = conditionOf(status, 'Progressing');
    if (degraded?.status === 'True') {
      return {
        state: ready > 0 ? 'degraded' : 'failed',
        reason: degraded.reason ?? 'Degraded',
        message: degraded.message || counts,
      };
    }
    if (available?.status === 'True') {
      return progressing?.status === 'True'
        ? { state: 'updating', reason: 'Progressing', message: counts }
        : { state: 'ready', reason: 'Available', message: counts };
    }
    if (ready === 0) {
      return {
        state: 'provisioning',
        reason: 'MembersStarting',
        message: counts,
      };
    }
    return ready < desired
      ? { state: 'degraded', reason: 'MembersNotReady', message: counts }
      : { state: 'updating', reason: 'Progressing', message: counts };
  },
  backup(cluster) {
    const tasks: { name?: string; id?: string; error?: string }[] =
      statusOf(cluster).backups ?? [];
    const task = tasks.find(t => t.name === 'scheduled');
    if (task?.error) {
      return {
        status: 'False',
        reason: 'BackupTaskFailed',
        message: task.error,
      };
    }
    if (task?.id) {
      return {
        status: 'True',
        reason: 'BackupTaskRegistered',
        message: `Scylla Manager runs backup task ${task.id}.`,
      };
    }
    return {
      status: 'Unknown',
      reason: 'WaitingForScyllaManager',
      message: 'Scylla Manager has not registered the backup task yet.',
    };
  },
  connection(_cluster, claim) {
    const secret = credentialsSecret(claim)!;
    return {
      host: `${claim.metadata.name}-client.${claim.metadata.namespace}.svc`,
      // 9142 is the operator's TLS CQL port.
      port: claim.spec.networking?.tls?.enabled ? 9142 : 9042,
      username: secret.username,
      passwordSecretRef: { name: secret.name, key: PASSWORD_KEY },
    };
  },
};
