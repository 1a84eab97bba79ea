import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import type { EngineHealth, EngineStatusReader } from '../engineStatus';
import { conditionOf, specOf, statusOf } from '../engineStatus';

type Condition = ReturnType<typeof conditionOf>;

/** A condition written for an older generation says nothing about this one. */
function current(condition: Condition, generation: number | undefined) {
  const seen = (condition as { observedGeneration?: number } | undefined)
    ?.observedGeneration;
  return (
    typeof seen !== 'number' ||
    typeof generation !== 'number' ||
    seen >= generation
  );
}

/**
 * The Scylla operator's ScyllaCluster (scylla-operator v1.21.1
 * pkg/controller/scyllacluster/sync.go aggregates Progressing and Degraded
 * over its controllers and the ScyllaDBDatacenter; Available comes from the
 * datacenter, pkg/controller/scylladbdatacenter/sync_statefulsets.go: False
 * with RacksNotAtDesiredVersion, MembersNotUpdated or MembersNotReady until
 * every member is updated and ready).
 *
 * Ready only when every member of this datacenter is ready and the operator
 * says Available=True, Progressing=False and Degraded=False for the current
 * generation. Degraded=True is Failed while no member is ready, Degraded
 * otherwise, with the operator's reason. Anything short of ready is the
 * operator still bringing the cluster to its spec (creating, scaling, rolling
 * out, replacing a member: it reports Progressing for all of them), which is
 * provisioning, with the operator's reason, unless it has stopped acting while
 * members are missing: then Degraded.
 */
export const scyllaStatus: EngineStatusReader = {
  kind: 'ScyllaCluster',
  health(cluster, claim): EngineHealth {
    const status = statusOf(cluster);
    const generation = cluster.metadata?.generation;
    const racks: { members?: number }[] =
      specOf(cluster).datacenter?.racks ?? [];
    // This datacenter's members: a global claim's replicas are over all of them.
    const desired = racks.length
      ? racks.reduce((n, r) => n + (r.members ?? 0), 0)
      : claim.spec.resources.member.replicas;
    const ready: number = status.readyMembers ?? 0;
    const counts = `${ready} of ${desired} members ready`;
    const degraded = conditionOf(status, 'Degraded');
    const available = conditionOf(status, 'Available');
    const progressing = conditionOf(status, 'Progressing');
    const said = (c: Condition) =>
      c?.message ? `${c.message} (${counts})` : counts;

    if (degraded?.status === 'True') {
      return {
        state: ready > 0 ? 'degraded' : 'failed',
        reason: degraded.reason || 'Degraded',
        message: said(degraded),
      };
    }
    const settled =
      available?.status === 'True' &&
      progressing?.status === 'False' &&
      degraded?.status === 'False' &&
      [available, progressing, degraded].every(c => current(c, generation));
    if (settled && ready >= desired) {
      return { state: 'ready', reason: 'Available', message: counts };
    }
    if (progressing?.status === 'False' && ready < desired) {
      return {
        state: 'degraded',
        reason:
          available?.status === 'False' && available.reason
            ? available.reason
            : 'MembersNotReady',
        message: said(available),
      };
    }
    // Still on its way: the operator's own reason when it gives one.
    const notAvailable = available?.status === 'False' ? available : undefined;
    const acting = progressing?.status === 'True' ? progressing : undefined;
    const why = notAvailable ?? acting;
    return {
      state: 'provisioning',
      reason: why?.reason || (ready === 0 ? 'MembersStarting' : 'Progressing'),
      message: said(why),
    };
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
