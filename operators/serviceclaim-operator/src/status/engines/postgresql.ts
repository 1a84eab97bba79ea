import {
  replicasStartFromPrimaryBackup,
  type ClaimBackupReport,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BARMAN_CLOUD_PLUGIN,
  RESTORE_SOURCE,
  primaryBackupOf,
} from '../../render/engines/postgresql';
import type {
  BackupHealth,
  EngineBackupReader,
  EngineStatusReader,
  ObservedResource,
} from '../engineStatus';
import {
  conditionOf,
  ofKind,
  requestedBackupType,
  requestedBackupsSelector,
  specOf,
  statusOf,
} from '../engineStatus';

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

const API = 'postgresql.cnpg.io/v1';

// CloudNativePG's Backup phases (api/v1/backup_types.go) in the claim's words;
// a Backup without a phase has not been picked up yet.
const BACKUP_PHASES: Record<string, ClaimBackupReport['phase']> = {
  pending: 'pending',
  started: 'running',
  running: 'running',
  finalizing: 'running',
  completed: 'completed',
  failed: 'failed',
  walArchivingFailing: 'failed',
};

/** The claim's kind of backup a Backup is, or undefined when it is not the claim's. */
function backupType(
  backup: ObservedResource,
  claim: { metadata: { name: string } },
): Pick<ClaimBackupReport, 'type' | 'backupId'> | undefined {
  if (backup.metadata?.labels?.['cnpg.io/scheduled-backup']) {
    return { type: 'scheduled' };
  }
  return requestedBackupType(backup, claim);
}

/**
 * Barman's id of a completed backup (`status.backupId`), what a restore
 * names in `recoveryTarget.backupID`; left out when it is not one the claim's
 * status can hold.
 */
function engineBackupId(
  status: Record<string, any>,
): Pick<ClaimBackupReport, 'engineBackupId'> {
  const id = status.backupId;
  return typeof id === 'string' && id.length > 0 && id.length <= 128
    ? { engineBackupId: id }
    : {};
}

/**
 * The claim's CloudNativePG Backups: those its ScheduledBackup makes (labelled
 * with the cluster and the schedule) and those this operator asks for. Barman
 * reports no size, so none is given. A Backup is a record only: the ObjectStore's
 * retentionPolicy prunes the data, and CloudNativePG never deletes the objects,
 * so they expire by the claim's retention.
 */
const postgresqlBackups: EngineBackupReader = {
  expires: {},
  sources: claim => [
    {
      apiVersion: API,
      kind: 'Backup',
      labelSelector: `cnpg.io/cluster=${claim.metadata.name}`,
    },
    {
      apiVersion: API,
      kind: 'Backup',
      labelSelector: requestedBackupsSelector(claim),
    },
  ],
  reports(objects, claim) {
    return ofKind(objects, 'Backup').flatMap(backup => {
      const name = backup.metadata?.name;
      const type = name ? backupType(backup, claim) : undefined;
      if (!name || !type) return [];
      const status = statusOf(backup);
      const phase =
        BACKUP_PHASES[String(status.phase ?? 'pending')] ?? 'running';
      const report: ClaimBackupReport = {
        name,
        ...type,
        phase,
        ...(status.startedAt ? { startedAt: String(status.startedAt) } : {}),
        ...(phase === 'completed' && status.stoppedAt
          ? { completedAt: String(status.stoppedAt) }
          : {}),
        ...(phase === 'completed' ? engineBackupId(status) : {}),
        ...(phase === 'failed' && status.error
          ? { message: String(status.error).slice(0, 1024) }
          : {}),
      };
      return [report];
    });
  },
};

/**
 * This PoP's recovery window in the claim's ObjectStore: the server the
 * Cluster archives as (its WAL archiver's serverName parameter).
 */
function recoveryWindow(
  cluster: ObservedResource,
  observed: ObservedResource[],
): { lastSuccessfulBackupTime?: string; lastFailedBackupTime?: string } {
  const archiver = (specOf(cluster).plugins ?? []).find(
    (plugin: { name?: string; isWALArchiver?: boolean }) =>
      plugin.name === BARMAN_CLOUD_PLUGIN && plugin.isWALArchiver,
  );
  const storeName = archiver?.parameters?.barmanObjectName;
  const serverName = archiver?.parameters?.serverName ?? cluster.metadata?.name;
  const store = ofKind(observed, 'ObjectStore').find(
    o => o.metadata?.name === storeName,
  );
  return store ? statusOf(store).serverRecoveryWindow?.[serverName] ?? {} : {};
}

/** CloudNativePG's Cluster: phase, readyInstances and its conditions. */
export const postgresqlStatus: EngineStatusReader = {
  kind: 'Cluster',
  // A replica region renders its Cluster once the primary's first backup is
  // committed in the claim (render/engines/postgresql.ts); the primary's own
  // Cluster is always applied before the status is read.
  absent(claim) {
    if (!replicasStartFromPrimaryBackup(claim.spec) || primaryBackupOf(claim)) {
      return undefined;
    }
    return {
      state: 'provisioning',
      reason: 'WaitingForPrimaryBackup',
      message: `Waiting for the first completed backup of the primary in ${claim.spec.region}: this region's replica cluster starts from the primary's archive, which holds nothing before it.`,
    };
  },
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
    // CloudNativePG is in "Setting up primary" only while it bootstraps the
    // first instance: for a cluster bootstrapped from the restore's source
    // (a restored claim's primary, not its replica clusters), the recovery.
    const restore = claim.spec.restore;
    const restoring =
      specOf(cluster).bootstrap?.recovery?.source === RESTORE_SOURCE;
    if (phase === SETTING_UP && restore && restoring) {
      return {
        state: 'provisioning',
        reason: 'Restoring',
        message: `Restoring from backup ${restore.backup} of ${restore.source}${
          restore.pointInTime ? ` to ${restore.pointInTime}` : ''
        }: ${detail}`,
      };
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
    // Backups through the Barman Cloud plugin leave the Cluster's
    // lastSuccessfulBackup unset (api/v1/cluster_types.go at v1.30.0); the
    // plugin keeps each server's times in its ObjectStore's status.
    const window = recoveryWindow(cluster, observed);
    const lastSuccess = window.lastSuccessfulBackupTime;
    const lastFailure = window.lastFailedBackupTime;
    if (lastFailure && (!lastSuccess || lastFailure > lastSuccess)) {
      return failing(
        'LastBackupFailed',
        `The last base backup failed at ${lastFailure}.`,
      );
    }
    if (lastSuccess) {
      return {
        status: 'True',
        reason: 'BackupSucceeded',
        message: `WAL is archived; last backup at ${lastSuccess}.`,
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
  backups: postgresqlBackups,
  connection(cluster, claim) {
    const { name, namespace } = claim.metadata;
    // A replica cluster takes no writes: its -rw Service leads to its designated
    // primary, a standby. It is reached for reads on -r (every instance), as
    // the primary's app user, whose Secret is in the primary's PoP only (the
    // role comes through the WAL; CloudNativePG makes no <claim>-app here).
    const replica = Boolean(specOf(cluster).replica?.enabled);
    const service: string = replica
      ? `${name}-r`
      : statusOf(cluster).writeService ?? `${name}-rw`;
    return {
      host: `${service}.${namespace}.svc`,
      port: 5432,
      database: 'app',
      username: 'app',
      // CloudNativePG's own Secret for the application user.
      ...(replica
        ? {}
        : { passwordSecretRef: { name: `${name}-app`, key: 'password' } }),
    };
  },
};
