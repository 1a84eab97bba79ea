import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { VITESS_KEYSPACE } from '../../render/engines/vitess';
import type {
  EngineHealth,
  EngineStatusReader,
  ObservedResource,
} from '../engineStatus';
import { DECLARED, ofKind, specOf, statusOf } from '../engineStatus';

/**
 * A keyspace in the VitessCluster status (vitess-operator v2.17.0
 * pkg/apis/planetscale/v2/vitesscluster_types.go VitessClusterKeyspaceStatus).
 * A shard counts as ready when all its tablets are, and a tablet is Ready only
 * once its shard has a primary (pkg/controller/vitesscluster/reconcile_keyspaces.go,
 * pkg/controller/vitessshardreplication/init_shard_primary.go).
 */
type KeyspaceStatus = {
  desiredShards?: number;
  readyShards?: number;
  desiredTablets?: number;
  readyTablets?: number;
  updatedTablets?: number;
  pendingChanges?: string;
};

type CellStatus = { gatewayAvailable?: string; pendingChanges?: string };

type OrphanStatus = { reason?: string; message?: string };

const count = (value: unknown) => Number(value) || 0;

/** The names of a list of named things in the VitessCluster spec. */
function names(list: unknown): string[] {
  return Array.isArray(list)
    ? list.map(item => item?.name).filter((n): n is string => !!n)
    : [];
}

/**
 * Health of a VitessCluster. The Vitess operator has no phase and no failed
 * state: its status counts, per keyspace, shards and tablets desired and ready,
 * and per cell whether vtgate is available; errors go to Events. Ready only
 * when every keyspace of the spec has all its shards and tablets ready and every
 * cell's vtgate is available. Short of that the cluster reads as provisioning,
 * also after it was once ready: nothing in its status tells a cluster being
 * built from one that lost a tablet, and Active must not come before every
 * shard has its primary and every tablet serves. Degraded when a turn-down is
 * blocked (orphaned cells or keyspaces) or the etcd the operator runs says it is
 * unavailable.
 */
function health(cluster: ObservedResource): EngineHealth {
  const status = statusOf(cluster);
  const spec = specOf(cluster);
  const reported = (status.keyspaces ?? {}) as Record<string, KeyspaceStatus>;
  const keyspaceNames = names(spec.keyspaces);
  const keyspaces = (
    keyspaceNames.length ? keyspaceNames : [VITESS_KEYSPACE]
  ).map(name => ({ name, status: reported[name] }));
  const cellStatus = (status.cells ?? {}) as Record<string, CellStatus>;
  const cellNames = names(spec.cells);
  const cells = (cellNames.length ? cellNames : Object.keys(cellStatus)).map(
    name => ({ name, status: cellStatus[name] }),
  );

  const sum = (field: keyof KeyspaceStatus) =>
    keyspaces.reduce((n, k) => n + count(k.status?.[field]), 0);
  const shards = { desired: sum('desiredShards'), ready: sum('readyShards') };
  const tablets = {
    desired: sum('desiredTablets'),
    ready: sum('readyTablets'),
    updated: sum('updatedTablets'),
  };
  const gateways = cells.filter(c => c.status?.gatewayAvailable === 'True');
  const counts = `${shards.ready} of ${shards.desired} shards, ${tablets.ready} of ${tablets.desired} tablets and ${gateways.length} of ${cells.length} cells' vtgate ready`;
  const waiting = (reason: string, what: string): EngineHealth => ({
    state: 'provisioning',
    reason,
    message: `${what}; ${counts}.`,
  });

  const unreported = keyspaces.filter(k => !k.status);
  if (unreported.length) {
    return waiting(
      'WaitingForKeyspaces',
      `The operator has not reported keyspace ${unreported
        .map(k => k.name)
        .join(', ')} yet`,
    );
  }
  const shardsShort = keyspaces.filter(
    ({ status: k }) =>
      // readyShards counts observed shards only, so it covers missing ones.
      !count(k?.desiredShards) ||
      count(k?.readyShards) < count(k?.desiredShards),
  );
  if (shardsShort.length) {
    return waiting(
      'ShardsNotReady',
      `Keyspace ${shardsShort
        .map(k => k.name)
        .join(', ')} has shards without a primary or with tablets not ready`,
    );
  }
  const tabletsShort = keyspaces.filter(
    ({ status: k }) =>
      !count(k?.desiredTablets) ||
      count(k?.readyTablets) < count(k?.desiredTablets),
  );
  if (tabletsShort.length) {
    return waiting(
      'TabletsNotReady',
      `Keyspace ${tabletsShort
        .map(k => k.name)
        .join(', ')} has tablets not ready`,
    );
  }
  if (!cells.length || gateways.length < cells.length) {
    const down = cells.filter(c => c.status?.gatewayAvailable !== 'True');
    return waiting(
      'GatewayUnavailable',
      `vtgate is not available in cell ${
        down.map(c => c.name).join(', ') || '(none reported)'
      }`,
    );
  }

  if (status.globalLockserver?.etcd?.available === 'False') {
    return {
      state: 'degraded',
      reason: 'LockserverUnavailable',
      message: `The cluster's etcd is not available: no topology change (failover, resharding) can be made; ${counts}.`,
    };
  }
  const orphans = [
    ...Object.entries(
      (status.orphanedCells ?? {}) as Record<string, OrphanStatus>,
    ).map(([name, o]) => ({ what: `cell ${name}`, ...o })),
    ...Object.entries(
      (status.orphanedKeyspaces ?? {}) as Record<string, OrphanStatus>,
    ).map(([name, o]) => ({ what: `keyspace ${name}`, ...o })),
  ];
  if (orphans.length) {
    return {
      state: 'degraded',
      reason: orphans[0].reason || 'TurndownBlocked',
      message: `The operator cannot turn down ${orphans
        .map(o => `${o.what}: ${o.message ?? o.reason ?? 'blocked'}`)
        .join('; ')}; ${counts}.`,
    };
  }
  const pending = [...keyspaces, ...cells].some(k => k.status?.pendingChanges);
  if (pending || tablets.updated < tablets.desired) {
    return {
      state: 'updating',
      reason: 'RollingOut',
      message: `Changes are rolling out; ${counts}.`,
    };
  }
  return {
    state: 'ready',
    reason: 'ClusterReady',
    message: `All ${counts}.`,
  };
}

/** The Vitess operator's VitessCluster: gateways per cell, shards and tablets per keyspace. */
export const vitessStatus: EngineStatusReader = {
  kind: 'VitessCluster',
  health,
  backup(cluster, observed) {
    // The Vitess operator makes a VitessBackupSchedule per schedule of the
    // cluster. Since v2.15 it reports the last run per strategy in
    // lastScheduledTimes; lastScheduledTime is no longer written
    // (vitess-operator v2.17.0 vitessbackupschedule_types.go).
    const schedule = ofKind(observed, 'VitessBackupSchedule').map(statusOf)[0];
    const last = [
      ...Object.values(
        (schedule?.lastScheduledTimes ?? {}) as Record<string, string>,
      ),
      schedule?.lastScheduledTime,
    ]
      .filter((t): t is string => typeof t === 'string' && !!t)
      .sort()
      .pop();
    if (last) {
      return {
        status: 'True',
        reason: 'BackupScheduled',
        message: `Last backup job scheduled for ${last}.`,
      };
    }
    return specOf(cluster).backup?.schedules?.length
      ? DECLARED
      : {
          status: 'False',
          reason: 'NoSchedule',
          message: 'The VitessCluster has no backup schedule.',
        };
  },
  connection(cluster, claim) {
    // vtgate's Service name carries a hash the operator computes; it reports it.
    const service: string | undefined = statusOf(cluster).gatewayServiceName;
    if (!service) return undefined;
    return {
      host: `${service}.${claim.metadata.namespace}.svc`,
      port: 3306,
      database: VITESS_KEYSPACE,
      username: credentialsSecret(claim)!.username,
      passwordSecretRef: {
        name: credentialsSecret(claim)!.name,
        key: PASSWORD_KEY,
      },
    };
  },
};
