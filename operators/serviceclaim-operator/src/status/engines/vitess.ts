import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { VITESS_KEYSPACE } from '../../render/engines/vitess';
import type { EngineStatusReader } from '../engineStatus';
import { DECLARED, ofKind, specOf, statusOf } from '../engineStatus';

type KeyspaceStatus = {
  desiredShards?: number;
  readyShards?: number;
  desiredTablets?: number;
  readyTablets?: number;
  updatedTablets?: number;
  pendingChanges?: string;
};

/** The Vitess operator's VitessCluster: gateways per cell, shards and tablets per keyspace. */
export const vitessStatus: EngineStatusReader = {
  kind: 'VitessCluster',
  health(cluster) {
    const status = statusOf(cluster);
    const keyspaces = Object.values(status.keyspaces ?? {}) as KeyspaceStatus[];
    const cells = Object.values(status.cells ?? {}) as {
      gatewayAvailable?: string;
      pendingChanges?: string;
    }[];
    const sum = (field: keyof KeyspaceStatus) =>
      keyspaces.reduce((n, k) => n + (Number(k[field]) || 0), 0);
    const shards = { desired: sum('desiredShards'), ready: sum('readyShards') };
    const tablets = {
      desired: sum('desiredTablets'),
      ready: sum('readyTablets'),
      updated: sum('updatedTablets'),
    };
    const counts = `${shards.ready} of ${shards.desired} shards and ${tablets.ready} of ${tablets.desired} tablets ready`;
    const gateway = cells.some(c => c.gatewayAvailable === 'True');
    if (!keyspaces.length || shards.ready === 0) {
      return {
        state: 'provisioning',
        reason: 'WaitingForShards',
        message: counts,
      };
    }
    if (!gateway) {
      return {
        state: shards.ready === shards.desired ? 'provisioning' : 'degraded',
        reason: 'GatewayUnavailable',
        message: `No vtgate is available; ${counts}.`,
      };
    }
    if (shards.ready < shards.desired) {
      return {
        state: 'degraded',
        reason: 'ShardsUnavailable',
        message: counts,
      };
    }
    if (tablets.ready < tablets.desired) {
      return { state: 'degraded', reason: 'TabletsNotReady', message: counts };
    }
    const pending = [...keyspaces, ...cells].some(k => k.pendingChanges);
    if (pending || tablets.updated < tablets.desired) {
      return { state: 'updating', reason: 'RollingOut', message: counts };
    }
    return { state: 'ready', reason: 'ClusterReady', message: counts };
  },
  backup(cluster, observed) {
    // The Vitess operator makes a VitessBackupSchedule per schedule of the cluster.
    const schedule = ofKind(observed, 'VitessBackupSchedule').map(statusOf)[0];
    if (schedule?.lastScheduledTime) {
      return {
        status: 'True',
        reason: 'BackupScheduled',
        message: `Last backup job started at ${schedule.lastScheduledTime}.`,
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
