import type { EngineId } from './schema';

/**
 * Whether the platform really does one thing with an engine's backups: what
 * does it, or why it does not. The API refuses what is unavailable with the
 * reason, and the portal shows the reason on the disabled button.
 * @public
 */
export type BackupCapability =
  | { available: true; how: string }
  | { available: false; reason: string };

/**
 * What the platform does with an engine's backups today, from what the
 * ServiceClaim operator renders for the engine operator (see
 * operators/serviceclaim-operator/docs/engines.md): a test there fails when a
 * renderer gains or loses a backup kind without this table saying so.
 * @public
 */
export type BackupCapabilities = {
  /** Backups on the claim's schedule. */
  scheduled: BackupCapability;
  /** A backup now, which the portal follows to completed or failed. */
  manual: BackupCapability;
  /** A backup taken, and awaited, before a deleted database's resources go. */
  final: BackupCapability;
  /** A new database made from one of the backups. */
  restore: BackupCapability;
  /** A new database at a moment between backups (log or WAL replay). */
  pointInTime: BackupCapability;
};

const NO_RESTORE =
  'Restores are not built yet for this engine: the operator renders no restore for it, so the portal offers none';

const notYet = (reason: string): BackupCapability => ({
  available: false,
  reason,
});

/** @public */
export const engineBackups: Record<EngineId, BackupCapabilities> = {
  postgresql: {
    scheduled: {
      available: true,
      how: 'CloudNativePG ScheduledBackup through the Barman Cloud plugin, with WAL archiving',
    },
    manual: {
      available: true,
      how: 'a CloudNativePG Backup, followed to its completion',
    },
    final: {
      available: true,
      how: 'a CloudNativePG Backup, awaited before the resources are deleted',
    },
    restore: {
      available: true,
      how: "a new CloudNativePG Cluster bootstrapped from the backup in the source's Barman archive, stopped at the backup's end",
    },
    pointInTime: {
      available: true,
      how: 'a new CloudNativePG Cluster bootstrapped from the backup, replaying the archived WAL up to the moment (PostgreSQL needs a commit after it in the archive)',
    },
  },
  yugabyte: {
    scheduled: {
      available: true,
      how: 'a YugabyteDB Anywhere BackupSchedule (its runs are not reported to the portal)',
    },
    manual: notYet(
      "YugabyteDB Anywhere's Backup resource reports no completion, so the portal cannot follow a backup it asks for",
    ),
    final: notYet(
      "YugabyteDB Anywhere's Backup resource reports no completion, so a final backup could not be awaited",
    ),
    restore: notYet(NO_RESTORE),
    pointInTime: notYet(NO_RESTORE),
  },
  vitess: {
    scheduled: {
      available: true,
      how: "a VitessBackupSchedule run by the Vitess operator's vtbackup jobs",
    },
    manual: notYet(
      'The Vitess operator backs up only on its schedule: it has no backup resource to take one now',
    ),
    final: notYet(
      'The Vitess operator backs up only on its schedule: no final backup can be taken',
    ),
    restore: notYet(NO_RESTORE),
    pointInTime: notYet(NO_RESTORE),
  },
  scylla: {
    scheduled: {
      available: true,
      how: 'a Scylla Manager backup task, once the platform has registered the cluster with Manager',
    },
    manual: notYet(
      'Scylla Manager runs backups as its own tasks; the Scylla operator has no resource for one backup now',
    ),
    final: notYet(
      'Scylla Manager runs backups as its own tasks; no final backup can be taken',
    ),
    restore: notYet(NO_RESTORE),
    pointInTime: notYet(NO_RESTORE),
  },
  dragonfly: {
    scheduled: {
      available: true,
      how: "Dragonfly snapshots on the claim's cron, to S3 or the pods' volumes",
    },
    manual: notYet(
      'Dragonfly snapshots only on its cron: the operator has no resource for one snapshot now',
    ),
    final: notYet(
      'Dragonfly snapshots only on its cron: no final snapshot can be taken',
    ),
    restore: notYet(NO_RESTORE),
    pointInTime: notYet(
      'Dragonfly keeps no log between snapshots: there is no point in time to restore to',
    ),
  },
  aerospike: {
    scheduled: {
      available: true,
      how: 'a routine of the Aerospike backup service (its runs are not reported to the portal)',
    },
    manual: notYet(
      "The Aerospike backup service's on-demand backups report no completion, so the portal cannot follow one",
    ),
    final: notYet(
      "The Aerospike backup service's on-demand backups report no completion, so a final backup could not be awaited",
    ),
    restore: notYet(NO_RESTORE),
    pointInTime: notYet(NO_RESTORE),
  },
  mongodb: {
    scheduled: {
      available: true,
      how: 'a Percona Backup for MongoDB task of the Percona operator, on the claim schedule, with the oplog archived every five minutes',
    },
    manual: {
      available: true,
      how: 'a PerconaServerMongoDBBackup, followed to its completion',
    },
    final: {
      available: true,
      how: 'a PerconaServerMongoDBBackup, awaited before the resources are deleted',
    },
    restore: {
      available: true,
      how: "a new Percona cluster into which the backup's app database is restored from the source's storage",
    },
    pointInTime: {
      available: true,
      how: "a new Percona cluster restored from the backup, replaying the source's archived oplog up to the second",
    },
  },
};
