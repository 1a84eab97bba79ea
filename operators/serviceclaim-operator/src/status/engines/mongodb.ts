import type { ClaimBackupReport } from '@internal/backstage-plugin-dbaas-common';
import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import {
  MONGODB_DATABASE,
  dataReplsets,
  isSharded,
} from '../../render/engines/mongodb';
import type { ClaimObject } from '../../render/types';
import type {
  BackupHealth,
  EngineBackupReader,
  EngineHealth,
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

// Everything below is read from the Percona Operator for MongoDB v1.22.0:
// pkg/apis/psmdb/v1/psmdb_types.go (PerconaServerMongoDBStatus, AppState),
// perconaservermongodbbackup_types.go, perconaservermongodbrestore_types.go,
// pkg/controller/perconaservermongodb/status.go (updateStatus, rsStatus,
// mongosStatus) and pbm.go (the PBMReady condition).

const API = 'psmdb.percona.com/v1';
const BACKUP_KIND = 'PerconaServerMongoDBBackup';
const RESTORE_KIND = 'PerconaServerMongoDBRestore';

/** The config server replica set's fixed name (api.ConfigReplSetName). */
const CONFIG_REPLSET = 'cfg';

/**
 * Labels Percona's cron puts on the backups a task makes
 * (pkg/naming/labels.go ScheduledBackupLabels); they also carry
 * `app.kubernetes.io/instance=<cluster>`, with Percona's own managed-by.
 */
const CLUSTER_LABEL = 'percona.com/cluster';
const ANCESTOR_LABEL = 'percona.com/backup-ancestor';

/** A replica set or the routers: what the spec asks for, what Percona counts. */
type Group = {
  name: string;
  desired: number;
  /** Absent until Percona has counted the group's pods. */
  reported?: {
    size?: number;
    ready?: number;
    status?: string;
    message?: string;
  };
};

const count = (value: unknown) =>
  typeof value === 'number' && value > 0 ? value : 0;

/**
 * The groups of pods the cluster's spec asks for: the data replica sets, and
 * when sharded the config servers and the routers, each with what Percona
 * last counted for it (status.replsets[name], status.mongos). The spec read
 * back is what Percona works from; the claim fills in what it lacks.
 */
function groupsOf(
  cluster: ObservedResource,
  claim: ClaimObject,
): { replsets: Group[]; mongos?: Group } {
  const spec = specOf(cluster);
  const status = statusOf(cluster);
  const reported = (status.replsets ?? {}) as Record<string, Group['reported']>;
  const replicas = claim.spec.resources.mongod.replicas;
  const specReplsets: { name?: string; size?: number }[] = Array.isArray(
    spec.replsets,
  )
    ? spec.replsets
    : dataReplsets(claim).map(name => ({ name, size: replicas }));
  const replsets: Group[] = specReplsets.map((rs, i) => {
    const name = rs.name ?? `rs${i}`;
    return { name, desired: rs.size ?? replicas, reported: reported[name] };
  });
  const sharded = spec.sharding?.enabled ?? isSharded(claim);
  if (!sharded) return { replsets };
  const sharding = spec.sharding ?? {};
  replsets.push({
    name: CONFIG_REPLSET,
    desired:
      sharding.configsvrReplSet?.size ??
      claim.spec.resources.configsvr?.replicas ??
      3,
    reported: reported[CONFIG_REPLSET],
  });
  return {
    replsets,
    mongos: {
      name: 'mongos',
      desired:
        sharding.mongos?.size ?? claim.spec.resources.mongos?.replicas ?? 2,
      reported: status.mongos ?? undefined,
    },
  };
}

/**
 * Whether a group is as asked: Percona counts ContainersReady pods against the
 * spec's size for a replica set, and the pods it finds for the routers
 * (mongosStatus), so both are compared with what the spec asks for.
 */
function complete(group: Group): boolean {
  return (
    group.reported?.size === group.desired &&
    group.reported?.ready === group.desired
  );
}

/** "5 of 6 members ready", with the routers of a sharded cluster. */
function countsOf({ replsets, mongos }: ReturnType<typeof groupsOf>): string {
  const ready = (g: Group) => Math.min(count(g.reported?.ready), g.desired);
  const members = replsets.reduce((n, g) => n + ready(g), 0);
  const desired = replsets.reduce((n, g) => n + g.desired, 0);
  return `${members} of ${desired} members${
    mongos ? ` and ${ready(mongos)} of ${mongos.desired} mongos` : ''
  } ready`;
}

/**
 * What Percona says about the pods of each group: waiting containers' messages
 * ("mongod: back-off pulling image ...; ") or why a pod cannot be scheduled.
 */
function groupMessages({ replsets, mongos }: ReturnType<typeof groupsOf>) {
  return [...replsets, ...(mongos ? [mongos] : [])]
    .map(g => ({
      name: g.name,
      said: g.reported?.message?.replace(/[;\s]+$/, ''),
    }))
    .filter(g => g.said)
    .map(g => `${g.name}: ${g.said}`);
}

/**
 * The claim's PerconaServerMongoDBRestore among the objects read back, when
 * the claim restores; `null` when it restores but the restore is not among
 * them (not applied yet).
 */
function restoreOf(
  claim: ClaimObject,
  observed: ObservedResource[] | undefined,
): ObservedResource | null | undefined {
  if (!claim.spec.restore || !observed) return undefined;
  return (
    ofKind(observed, RESTORE_KIND).find(
      r => specOf(r).clusterName === claim.metadata.name,
    ) ?? null
  );
}

/**
 * Why Percona says the cluster is failing, if it does: a failed reconcile
 * (its latest error is in status.message; the `error` condition keeps the
 * first of a run of errors only), or a replica set in error on its own.
 */
function failingOf(
  status: Record<string, any>,
  groups: Group[],
): { reason: string; message: string } | undefined {
  if (status.state === 'error') {
    return {
      reason: 'ReconcileError',
      message:
        status.message ||
        conditionOf(status, 'error')?.message ||
        'Percona reports the cluster in error.',
    };
  }
  if (groups.some(g => g.reported?.status === 'error')) {
    return {
      reason: 'MembersFailing',
      message: 'Percona reports a replica set in error',
    };
  }
  return undefined;
}

// The restore states (RestoreState) before the restore is done, in words.
const RESTORING: Record<string, string> = {
  '': 'not started: Percona starts it once the cluster and its backup agents are up',
  waiting: 'waiting for the backup agents',
  requested: 'requested from Percona Backup for MongoDB',
  running: 'running',
};

/**
 * Health of a PerconaServerMongoDB. Percona writes `status.state` from its
 * replica sets' and routers' pod counts at the end of every reconcile
 * (status.go updateStatus): `ready` only when every replica set (the config
 * servers too) and the routers have all their pods ready, the backup agents
 * are fine, no StatefulSet is mid-update and the client host is known;
 * `initializing` short of that; `paused` and `stopping` for spec.pause (or a
 * deletion); `error` when the reconcile failed, with `message` "Error: ..."
 * and the counts of the last successful write kept. A replica set whose pod
 * cannot be scheduled for a minute is `error` on its own while the cluster
 * stays `initializing`.
 *
 * Its conditions are a log, not a current view: one entry per state ever
 * reached (ready, initializing, error, ...), each True for good, the cluster's
 * and its replica sets' sharing the type. So a `ready` entry says the cluster,
 * or one of its replica sets, was ready once; with the clients' entry point
 * (rs0, or the routers) having ready pods now, that is what tells a cluster
 * being changed from one being built. Where rs0 turned ready on a first build
 * and the cluster waits for its backup agents, this reads the cluster as
 * serving a little early: the app user comes only once Percona says ready
 * (custom_users.go).
 *
 * Ready only when the state is `ready` and every group reports as many ready
 * pods as the spec asks for.
 */
function health(
  cluster: ObservedResource,
  claim: ClaimObject,
  observed?: ObservedResource[],
): EngineHealth {
  const status = statusOf(cluster);
  const state: string = status.state ?? '';
  const groups = groupsOf(cluster, claim);
  const all = [...groups.replsets, ...(groups.mongos ? [groups.mongos] : [])];
  const counts = countsOf(groups);
  const said = groupMessages(groups);
  const detail = (what: string) =>
    `${what} (${counts})${said.length ? `; ${said.join('; ')}` : ''}`;
  const entry = groups.mongos ?? groups.replsets[0];
  const served =
    conditionOf(status, 'ready')?.status === 'True' &&
    count(entry?.reported?.ready) > 0;

  const restoring = claim.spec.restore;
  const restore = restoreOf(claim, observed);
  const restoreStatus = restore ? statusOf(restore) : {};
  const restoreState: string = restoreStatus.state ?? '';
  const from = restoring
    ? `backup ${restoring.backup} of ${restoring.source}${
        restoring.pointInTime ? ` to ${restoring.pointInTime}` : ''
      }`
    : '';
  // Percona leaves a restore in error for good (psmdb_restore_controller.go
  // returns early on ready and error); `rejected` is a RestoreState that
  // v1.22.0 declares but does not write.
  if (restore && ['error', 'rejected'].includes(restoreState)) {
    return {
      state: 'failed',
      reason: 'RestoreFailed',
      message: `Restoring from ${from} failed: ${
        restoreStatus.error ?? `the restore is ${restoreState}`
      }`,
    };
  }

  const failing = failingOf(status, all);
  if (failing && !served) {
    return {
      state: 'failed',
      reason: failing.reason,
      message: detail(failing.message),
    };
  }
  // Pausing is spec.pause, which this operator never sets: someone stopped
  // the cluster by hand, or it is being deleted. Either way it takes no
  // connections and will not come back by itself, so not provisioning but
  // failed, for someone to act on.
  if (state === 'paused' || state === 'stopping') {
    return {
      state: 'failed',
      reason: state === 'paused' ? 'Paused' : 'Stopping',
      message: detail(
        state === 'paused'
          ? 'The cluster is paused (spec.pause): it takes no connections until it is resumed'
          : 'Percona is stopping the cluster (spec.pause, or it is being deleted)',
      ),
    };
  }
  if (restoring && restore !== undefined && restoreState !== 'ready') {
    return {
      state: 'provisioning',
      reason: 'Restoring',
      message: `Restoring from ${from}: ${
        restore
          ? `the restore is ${RESTORING[restoreState] ?? restoreState}`
          : 'the PerconaServerMongoDBRestore is not applied yet'
      }; ${detail(
        failing
          ? failing.message
          : `the cluster is ${state || 'not reported yet'}`,
      )}`,
    };
  }
  if (failing) {
    return {
      state: 'degraded',
      reason: failing.reason,
      message: detail(failing.message),
    };
  }
  if (state === 'ready') {
    // A status written before the spec changed: the counts are of the old one.
    return all.every(complete) && status.ready === status.size
      ? {
          state: 'ready',
          reason: 'Ready',
          message: detail('Percona reports the cluster ready'),
        }
      : {
          state: 'updating',
          reason: 'Scaling',
          message: detail(
            'Percona has not counted the members the spec asks for yet',
          ),
        };
  }
  if (!state) {
    return {
      state: 'provisioning',
      reason: 'Pending',
      message: 'Percona has not reported on the cluster yet.',
    };
  }
  return served
    ? {
        state: 'updating',
        reason: 'Initializing',
        message: detail(`Percona reports ${state}, rolling out a change`),
      }
    : {
        state: 'provisioning',
        reason: 'Initializing',
        message: detail(`Percona reports ${state}, setting the cluster up`),
      };
}

// Backup states (BackupState) in the claim's words. Percona writes no
// `rejected` for backups (only restores have it), and its "new" is the empty
// state of a backup it has not picked up yet.
const BACKUP_STATES: Record<string, ClaimBackupReport['phase']> = {
  '': 'pending',
  waiting: 'pending',
  requested: 'pending',
  running: 'running',
  ready: 'completed',
  error: 'failed',
};

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

/**
 * A backup's size, which Percona writes as PBM prints it: two decimals and a
 * binary unit ("1.50MB", percona-backup-mongodb pbm/storage/storage.go
 * PrettySize), so to within half a hundredth of its unit.
 */
function sizeBytes(size: unknown): Pick<ClaimBackupReport, 'sizeBytes'> {
  const match = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB)$/.exec(String(size ?? ''));
  return match
    ? { sizeBytes: Math.round(Number(match[1]) * SIZE_UNITS[match[2]]) }
    : {};
}

/** The claim's kind of backup a PerconaServerMongoDBBackup is, or undefined when it is not the claim's. */
function backupType(
  backup: ObservedResource,
  claim: ClaimObject,
): Pick<ClaimBackupReport, 'type' | 'backupId'> | undefined {
  const labels = backup.metadata?.labels ?? {};
  if (labels[CLUSTER_LABEL] === claim.metadata.name && labels[ANCESTOR_LABEL]) {
    return { type: 'scheduled' };
  }
  return requestedBackupType(backup, claim);
}

/**
 * The claim's PerconaServerMongoDBBackups: those Percona's cron makes for the
 * cluster's task (backup.go, BackupFromTask in pkg/psmdb/backup/job.go) and
 * those this operator asks for. A completed backup gives PBM's name for it
 * (`status.pbmName`, the time it was taken), which is what a restore names.
 */
const mongodbBackups: EngineBackupReader = {
  // PBM's task retention prunes only the scheduled backups (which Percona
  // makes with this finalizer); the manual and final ones need it to take
  // their data with them.
  expires: { dataFinalizer: 'percona.com/delete-backup' },
  sources: claim => [
    {
      apiVersion: API,
      kind: BACKUP_KIND,
      labelSelector: `${CLUSTER_LABEL}=${claim.metadata.name}`,
    },
    {
      apiVersion: API,
      kind: BACKUP_KIND,
      labelSelector: requestedBackupsSelector(claim),
    },
  ],
  reports(objects, claim) {
    return ofKind(objects, BACKUP_KIND).flatMap(backup => {
      const name = backup.metadata?.name;
      const type = name ? backupType(backup, claim) : undefined;
      if (!name || !type) return [];
      const status = statusOf(backup);
      const phase = BACKUP_STATES[String(status.state ?? '')] ?? 'running';
      const pbmName: unknown = status.pbmName;
      const report: ClaimBackupReport = {
        name,
        ...type,
        phase,
        ...(status.start ? { startedAt: String(status.start) } : {}),
        ...(phase === 'completed' && status.completed
          ? { completedAt: String(status.completed) }
          : {}),
        ...(phase === 'completed' &&
        typeof pbmName === 'string' &&
        pbmName.length > 0 &&
        pbmName.length <= 128
          ? { engineBackupId: pbmName }
          : {}),
        ...(phase === 'completed' ? sizeBytes(status.size) : {}),
        ...(phase === 'failed' && status.error
          ? { message: String(status.error).slice(0, 1024) }
          : {}),
      };
      return [report];
    });
  },
};

/** The Percona Operator for MongoDB's PerconaServerMongoDB. */
export const mongodbStatus: EngineStatusReader = {
  kind: 'PerconaServerMongoDB',
  health,
  /**
   * From the PBMReady condition, which Percona sets False while it hands PBM
   * a new configuration and True once PBM has it (pbm.go reconcilePBMConfig).
   * Each backup's outcome is in the claim's status.backups: the backup
   * objects are not among what this reads.
   */
  backup(cluster): BackupHealth {
    const status = statusOf(cluster);
    const pbm = conditionOf(status, 'PBMReady');
    if (pbm?.status === 'True') {
      return {
        status: 'True',
        reason: 'PBMConfigured',
        message:
          "Percona Backup for MongoDB has the claim's storage and schedule.",
      };
    }
    if (pbm?.status === 'False' && status.state === 'error') {
      return {
        status: 'False',
        reason: 'PBMNotConfigured',
        message: `Percona could not configure Percona Backup for MongoDB: ${
          status.message ?? pbm.reason ?? 'no message'
        }`,
      };
    }
    if (pbm?.status === 'False') {
      return {
        status: 'Unknown',
        reason: 'PBMConfiguring',
        message:
          'Percona is giving Percona Backup for MongoDB a new configuration.',
      };
    }
    return {
      status: 'Unknown',
      reason: 'WaitingForPBM',
      message:
        'Percona has not configured Percona Backup for MongoDB yet: it does once every replica set is initialized.',
    };
  },
  backups: mongodbBackups,
  connection(cluster, claim) {
    const secret = credentialsSecret(claim)!;
    const { name, namespace } = claim.metadata;
    const spec = specOf(cluster);
    // Percona's client Services: <cluster>-mongos for the routers, and
    // <cluster>-<replset> for a replica set's members (psmdb_types.go
    // MongosNamespacedName, status.go connectionEndpoint). A replica set's
    // clients also name it (replicaSet=rs0); the claim's connection has no
    // field for options, so it is left to them.
    const service =
      spec.sharding?.enabled ?? isSharded(claim)
        ? 'mongos'
        : spec.replsets?.[0]?.name ?? dataReplsets(claim)[0];
    return {
      host: `${name}-${service}.${namespace}.svc`,
      port: 27017,
      database: MONGODB_DATABASE,
      username: secret.username,
      passwordSecretRef: { name: secret.name, key: PASSWORD_KEY },
    };
  },
};
