import type { BackupHealth, EngineStatusReader } from '../engineStatus';
import { conditionOf, ofKind, specOf, statusOf } from '../engineStatus';

const HEALTHY = 'Cluster in healthy state';
const SETTING_UP = 'Setting up primary';
// CloudNativePG phases that need someone to act (api/v1/cluster_types.go).
const FAILED = [
  'Cluster is unrecoverable and needs manual intervention',
  'Cluster cannot proceed to reconciliation due to an unknown plugin being required',
  'Cluster cannot proceed to reconciliation due to an error while interacting with plugins',
  'Cluster has incomplete or invalid image catalog',
  'Cluster cannot execute instance online upgrade due to missing architecture binary',
  'Unable to create required cluster objects',
  'Invalid cluster definition',
];

/** CloudNativePG's Cluster: phase, readyInstances and its conditions. */
export const postgresqlStatus: EngineStatusReader = {
  kind: 'Cluster',
  health(cluster, claim) {
    const status = statusOf(cluster);
    const phase: string | undefined = status.phase;
    const desired: number =
      specOf(cluster).instances ?? claim.spec.resources.instance.replicas;
    const ready: number = status.readyInstances ?? 0;
    const detail = `${phase}${
      status.phaseReason ? `: ${status.phaseReason}` : ''
    } (${ready} of ${desired} instances ready)`;
    if (!phase) {
      return {
        state: 'provisioning',
        reason: 'Pending',
        message: 'CloudNativePG has not reported on the cluster yet.',
      };
    }
    if (FAILED.includes(phase)) {
      return { state: 'failed', reason: 'ClusterFailed', message: detail };
    }
    if (ready === 0 || phase === SETTING_UP) {
      return { state: 'provisioning', reason: 'SettingUp', message: detail };
    }
    if (ready < desired) {
      return {
        state: 'degraded',
        reason: 'InstancesNotReady',
        message: detail,
      };
    }
    if (phase !== HEALTHY) {
      return { state: 'updating', reason: 'ClusterChanging', message: detail };
    }
    return { state: 'ready', reason: 'ClusterHealthy', message: detail };
  },
  backup(cluster, observed) {
    const status = statusOf(cluster);
    const archiving = conditionOf(status, 'ContinuousArchiving');
    const lastBackup = conditionOf(status, 'LastBackupSucceeded');
    const scheduleError = ofKind(observed, 'ScheduledBackup')
      .map(s => statusOf(s).error)
      .find(Boolean);
    const failing = (reason: string, message?: string): BackupHealth => ({
      status: 'False',
      reason,
      message: message ?? reason,
    });
    if (archiving?.status === 'False') {
      return failing('ArchivingFailing', archiving.message);
    }
    if (lastBackup?.status === 'False') {
      return failing('LastBackupFailed', lastBackup.message);
    }
    if (scheduleError) return failing('ScheduleFailing', scheduleError);
    if (status.lastSuccessfulBackup) {
      return {
        status: 'True',
        reason: 'BackupSucceeded',
        message: `WAL is archived; last backup at ${status.lastSuccessfulBackup}.`,
      };
    }
    if (archiving?.status === 'True') {
      return {
        status: 'True',
        reason: 'ArchivingWAL',
        message: 'WAL is archived; the first scheduled backup has not run yet.',
      };
    }
    return {
      status: 'Unknown',
      reason: 'WaitingForArchiving',
      message: 'CloudNativePG has not reported WAL archiving yet.',
    };
  },
  connection(cluster, claim) {
    const { name, namespace } = claim.metadata;
    const service: string = statusOf(cluster).writeService ?? `${name}-rw`;
    return {
      host: `${service}.${namespace}.svc`,
      port: 5432,
      database: 'app',
      username: 'app',
      // CloudNativePG's own Secret for the application user.
      passwordSecretRef: { name: `${name}-app`, key: 'password' },
    };
  },
};
