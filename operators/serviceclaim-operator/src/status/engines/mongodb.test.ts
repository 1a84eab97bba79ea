import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../../render/__testUtils__/skuClaims';
import { BACKUP_ID_LABEL } from '../../render/backup';
import { MANAGED_BY } from '../../render/common';
import { renderClaim } from '../../render/renderClaim';
import type { ClaimObject } from '../../render/types';
import { claimBackups } from '../claimBackups';
import { claimStatusFrom } from '../claimStatus';
import type { ObservedResource } from '../engineStatus';
import { mongodbStatus } from './mongodb';

// Statuses as the Percona Operator for MongoDB v1.22.0 writes them
// (pkg/controller/perconaservermongodb/status.go updateStatus, rsStatus,
// mongosStatus; pkg/apis/psmdb/v1/psmdb_types.go PerconaServerMongoDBStatus,
// shaped as the CRD's status schema in shared/crds/percona-mongodb: size and
// ready required, replsets by name, conditions with type and status).

const NOW = new Date('2026-03-01T12:00:00Z');

function claimOn(sku: string): ClaimObject {
  return claimFrom(sku, specFromSku(skuCatalog, sku, 'frankfurt'));
}

/** The render in the claim's primary PoP, with statuses by kind. */
function observedWith(
  claim: ClaimObject,
  statuses: Record<string, unknown>,
): ObservedResource[] {
  return renderClaim(claim, contextFor(claim.spec.region)).map(resource => ({
    ...resource,
    metadata: { ...resource.metadata, generation: 1 },
    ...(statuses[resource.kind] ? { status: statuses[resource.kind] } : {}),
  }));
}

const cluster = (claim: ClaimObject, status: Record<string, unknown>) =>
  observedWith(claim, { PerconaServerMongoDB: status }).find(
    o => o.kind === 'PerconaServerMongoDB',
  )!;

const health = (claim: ClaimObject, status: Record<string, unknown>) =>
  mongodbStatus.health(cluster(claim, status), claim);

/** Percona's condition log: one entry per state reached, True for good. */
const log = (...types: string[]) =>
  types.map(type => ({
    type,
    status: 'True',
    lastTransitionTime: '2026-03-01T11:00:00Z',
  }));

const replset = (size: number, ready: number, more = {}) => ({
  size,
  ready,
  status: ready === size && ready > 0 ? 'ready' : 'initializing',
  initialized: ready > 0,
  ...more,
});

const rs = claimOn('mongo-flex-rs');
const sharded = claimOn('mongo-flex-sharded');

const READY_RS = {
  state: 'ready',
  host: 'mongo-flex-rs-rs0.tenant-123.svc.cluster.local',
  size: 3,
  ready: 3,
  replsets: { rs0: replset(3, 3) },
  conditions: log('initializing', 'ready'),
  observedGeneration: 1,
};

/** A sharded cluster: rs0 and rs1 of three, three config servers, two routers. */
function shardedStatus(
  state: string,
  ready: { rs?: number; cfg?: number; mongos?: number } = {},
  conditions = log('initializing', 'ready'),
) {
  const [data, cfg, mongos] = [
    ready.rs ?? 3,
    ready.cfg ?? 3,
    ready.mongos ?? 2,
  ];
  return {
    state,
    size: 11,
    ready: 2 * data + cfg + mongos,
    replsets: {
      rs0: replset(3, data, { added_as_shard: true }),
      rs1: replset(3, data, { added_as_shard: true }),
      cfg: replset(3, cfg),
    },
    mongos: {
      size: 2,
      ready: mongos,
      status: mongos === 2 ? 'ready' : 'initializing',
    },
    conditions,
  };
}

describe('mongodbStatus.health', () => {
  it('is ready only when Percona says ready with every member the spec asks for', () => {
    expect(health(rs, READY_RS)).toEqual({
      state: 'ready',
      reason: 'Ready',
      message: 'Percona reports the cluster ready (3 of 3 members ready)',
    });
    // Counted for an older spec (the claim asked for more members since).
    const larger = cluster(rs, READY_RS);
    (larger.spec as any).replsets[0].size = 5;
    expect(mongodbStatus.health(larger, rs)).toMatchObject({
      state: 'updating',
      reason: 'Scaling',
      message: expect.stringContaining('3 of 5 members ready'),
    });
  });

  it('counts config servers and routers of a sharded cluster', () => {
    expect(health(sharded, shardedStatus('ready'))).toMatchObject({
      state: 'ready',
      message: expect.stringContaining(
        '9 of 9 members and 2 of 2 mongos ready',
      ),
    });
    // Percona counts the router pods it finds: one of two is not ready.
    expect(
      health(sharded, shardedStatus('ready', { mongos: 1 })).state,
    ).not.toBe('ready');
  });

  it('is provisioning while Percona builds the cluster, with what its pods say', () => {
    expect(
      health(rs, {
        state: 'initializing',
        size: 3,
        ready: 1,
        replsets: {
          rs0: replset(3, 1, {
            message:
              'mongod: Back-off pulling image "percona/percona-server-mongodb:8.0"; ',
          }),
        },
        conditions: log('initializing'),
      }),
    ).toEqual({
      state: 'provisioning',
      reason: 'Initializing',
      message:
        'Percona reports initializing, setting the cluster up (1 of 3 members ready); rs0: mongod: Back-off pulling image "percona/percona-server-mongodb:8.0"',
    });
    expect(health(rs, { size: 0, ready: 0 })).toMatchObject({
      state: 'provisioning',
      reason: 'Pending',
    });
  });

  // A replica set's `ready` entry in the log comes before the cluster's: the
  // routers of a sharded cluster start only once its shards are added.
  it('is provisioning on a first build even once a replica set was ready, until clients can reach it', () => {
    expect(
      health(
        sharded,
        shardedStatus(
          'initializing',
          { mongos: 0 },
          log('initializing', 'ready'),
        ),
      ),
    ).toMatchObject({ state: 'provisioning', reason: 'Initializing' });
  });

  it('is updating while Percona rolls out a change to a cluster that was ready', () => {
    expect(
      health(rs, {
        ...READY_RS,
        state: 'initializing',
        ready: 2,
        replsets: { rs0: replset(3, 2) },
      }),
    ).toMatchObject({
      state: 'updating',
      reason: 'Initializing',
      message: expect.stringContaining('2 of 3 members ready'),
    });
    // Every member restarting at once: nothing serves.
    expect(
      health(rs, {
        ...READY_RS,
        state: 'initializing',
        ready: 0,
        replsets: { rs0: replset(3, 0) },
      }).state,
    ).toBe('provisioning');
  });

  // updateStatus on a reconcile error: state error, message "Error: ...", the
  // error condition added on the way in, the counts of the last write kept.
  it('fails with the reconcile error before the cluster served, and is degraded after', () => {
    const error = {
      state: 'error',
      message:
        'Error: reconcile StatefulSet for rs0: get StatefulSet: context deadline exceeded',
      size: 3,
      ready: 0,
      replsets: { rs0: replset(3, 0) },
      conditions: [
        ...log('initializing'),
        {
          type: 'error',
          status: 'True',
          reason: 'ErrorReconcile',
          message:
            'reconcile StatefulSet for rs0: get StatefulSet: context deadline exceeded',
        },
      ],
    };
    expect(health(rs, error)).toEqual({
      state: 'failed',
      reason: 'ReconcileError',
      message:
        'Error: reconcile StatefulSet for rs0: get StatefulSet: context deadline exceeded (0 of 3 members ready)',
    });
    expect(
      health(rs, {
        ...error,
        ready: 3,
        replsets: { rs0: replset(3, 3) },
        conditions: [...error.conditions, ...log('ready')],
      }),
    ).toMatchObject({ state: 'degraded', reason: 'ReconcileError' });
  });

  // rsStatus: a pod unschedulable for a minute puts its replica set in error
  // with the scheduler's message; the cluster itself stays initializing.
  it('fails when a replica set is in error on its own', () => {
    expect(
      health(rs, {
        state: 'initializing',
        size: 3,
        ready: 2,
        replsets: {
          rs0: {
            size: 3,
            ready: 2,
            status: 'error',
            message: '0/6 nodes are available: 6 Insufficient memory.',
          },
        },
        conditions: log('initializing'),
      }),
    ).toMatchObject({
      state: 'failed',
      reason: 'MembersFailing',
      message: expect.stringContaining(
        'rs0: 0/6 nodes are available: 6 Insufficient memory.',
      ),
    });
  });

  it('is failed, not Active, when the cluster is paused or being stopped', () => {
    expect(
      health(rs, {
        ...READY_RS,
        state: 'paused',
        ready: 0,
        replsets: { rs0: { size: 3, ready: 0, status: 'paused' } },
        conditions: log('initializing', 'ready', 'paused'),
      }),
    ).toMatchObject({ state: 'failed', reason: 'Paused' });
    expect(
      health(rs, {
        ...READY_RS,
        state: 'stopping',
        replsets: { rs0: { size: 3, ready: 3, status: 'stopping' } },
      }),
    ).toMatchObject({ state: 'failed', reason: 'Stopping' });
  });
});

describe('a restored claim', () => {
  const restored = (pointInTime?: string) => {
    const claim = claimOn('mongo-flex-rs');
    claim.spec.restore = {
      source: 'orders',
      backup: '2026-03-01T02:00:00Z',
      ...(pointInTime ? { pointInTime } : {}),
    };
    return claim;
  };
  const read = (claim: ClaimObject, restore?: Record<string, unknown>) => {
    const status = claimStatusFrom(
      claim,
      observedWith(claim, {
        PerconaServerMongoDB: READY_RS,
        ...(restore ? { PerconaServerMongoDBRestore: restore } : {}),
      }),
      NOW,
    );
    return {
      phase: status.phase,
      ...status.conditions!.find(c => c.type === 'Ready'),
    };
  };

  it('says it is restoring, even on a ready cluster, until the restore is ready', () => {
    expect(read(restored())).toMatchObject({
      phase: 'Provisioning',
      reason: 'Restoring',
      message: expect.stringMatching(
        /^Restoring from backup 2026-03-01T02:00:00Z of orders: the restore is not started/,
      ),
    });
    expect(
      read(restored('2026-03-01T05:30:00Z'), {
        state: 'running',
        pbmName: '2026-03-01T12:00:05.123456789Z',
      }),
    ).toMatchObject({
      phase: 'Provisioning',
      reason: 'Restoring',
      message: expect.stringMatching(
        /^Restoring from backup 2026-03-01T02:00:00Z of orders to 2026-03-01T05:30:00Z: the restore is running; /,
      ),
    });
    expect(
      read(restored(), {
        state: 'ready',
        completed: '2026-03-01T12:10:00Z',
      }),
    ).toMatchObject({ phase: 'Active', reason: 'Ready' });
  });

  it('fails with the restore error', () => {
    expect(
      read(restored(), {
        state: 'error',
        error: 'backup 2026-03-01T02:00:00Z not found on storage',
      }),
    ).toMatchObject({
      phase: 'Failed',
      reason: 'RestoreFailed',
      message:
        'Restoring from backup 2026-03-01T02:00:00Z of orders failed: backup 2026-03-01T02:00:00Z not found on storage',
    });
  });
});

describe('mongodbStatus.backup', () => {
  const backup = (status: Record<string, unknown>) =>
    mongodbStatus.backup(cluster(rs, status), [], rs);
  const pbm = (status: 'True' | 'False', reason: string) => ({
    type: 'PBMReady',
    status,
    reason,
  });

  // pbm.go reconcilePBMConfig: False with PBMConfigurationIsChanged while it
  // sets PBM's configuration, True with PBMConfigurationIsUpToDate after.
  it('reads the PBMReady condition', () => {
    expect(
      backup({
        ...READY_RS,
        conditions: [
          ...READY_RS.conditions,
          pbm('True', 'PBMConfigurationIsUpToDate'),
        ],
      }),
    ).toMatchObject({ status: 'True', reason: 'PBMConfigured' });
    expect(
      backup({
        ...READY_RS,
        state: 'initializing',
        conditions: [pbm('False', 'PBMConfigurationIsChanged')],
      }),
    ).toMatchObject({ status: 'Unknown', reason: 'PBMConfiguring' });
    expect(
      backup({
        ...READY_RS,
        state: 'error',
        message: 'Error: reconcile backup tasks: set config: access denied',
        conditions: [pbm('False', 'PBMConfigurationIsChanged')],
      }),
    ).toEqual({
      status: 'False',
      reason: 'PBMNotConfigured',
      message:
        'Percona could not configure Percona Backup for MongoDB: Error: reconcile backup tasks: set config: access denied',
    });
    expect(backup({ size: 0, ready: 0 })).toMatchObject({
      status: 'Unknown',
      reason: 'WaitingForPBM',
    });
  });
});

describe('mongodbStatus.backups', () => {
  const object = (
    name: string,
    labels: Record<string, string>,
    status?: Record<string, unknown>,
  ): ObservedResource => ({
    apiVersion: 'psmdb.percona.com/v1',
    kind: 'PerconaServerMongoDBBackup',
    metadata: { name, labels, creationTimestamp: '2026-03-01T02:00:00Z' },
    ...(status ? { status } : {}),
  });
  const ours = {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/instance': 'mongo-flex-rs',
  };
  // pkg/naming/labels.go ScheduledBackupLabels, on a cron backup's object
  // (pkg/psmdb/backup/job.go BackupFromTask).
  const cron = {
    'app.kubernetes.io/name': 'percona-server-mongodb',
    'app.kubernetes.io/managed-by': 'percona-server-mongodb-operator',
    'app.kubernetes.io/part-of': 'percona-server-mongodb',
    'app.kubernetes.io/instance': 'mongo-flex-rs',
    'percona.com/cluster': 'mongo-flex-rs',
    'percona.com/backup-ancestor': 'daily',
    'percona.com/backup-type': 'cron',
  };

  it('looks for cron backups by cluster and for ours by claim', () => {
    expect(
      claimBackups.sources(rs).map(s => `${s.kind} ${s.labelSelector}`),
    ).toEqual([
      'PerconaServerMongoDBBackup percona.com/cluster=mongo-flex-rs',
      `PerconaServerMongoDBBackup app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/instance=mongo-flex-rs`,
    ]);
  });

  it("reports the claim's backups with PBM's name, times and size once completed", () => {
    const reports = claimBackups.reports(rs, [
      object('cron-mongo-flex-rs-20260301020000-x7k2p', cron, {
        state: 'ready',
        type: 'logical',
        pbmName: '2026-03-01T02:00:21Z',
        destination:
          's3://dbaas-backups/tenant-123/mongo-flex-rs/2026-03-01T02:00:21Z',
        storageName: 'claim',
        start: '2026-03-01T02:00:21Z',
        completed: '2026-03-01T02:03:40Z',
        lastTransition: '2026-03-01T02:03:40Z',
        size: '1.50MB',
        replsetNames: ['rs0'],
      }),
      object(
        'mongo-flex-rs-0b5e3c1a-2f4d-4e6a-9b8c-7d1e2f3a4b5c',
        { ...ours, [BACKUP_ID_LABEL]: '0b5e3c1a-2f4d-4e6a-9b8c-7d1e2f3a4b5c' },
        // PBM names a backup as it is requested; only a ready one restores.
        {
          state: 'running',
          pbmName: '2026-03-01T11:00:02Z',
          start: '2026-03-01T11:00:02Z',
        },
      ),
      object('mongo-flex-rs-final', ours, {
        state: 'error',
        pbmName: '2026-03-01T11:30:00Z',
        error: 'starting deadline exceeded',
      }),
      object('mongo-flex-rs-6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', {
        ...ours,
        [BACKUP_ID_LABEL]: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
      }),
      // Made by hand, or another cluster's.
      object('by-hand', { 'app.kubernetes.io/instance': 'mongo-flex-rs' }),
      object('cron-other-20260301020000-abcde', {
        ...cron,
        'percona.com/cluster': 'other',
      }),
    ]);
    // Newest first: by start, else by when the object was made, then by name.
    expect(reports).toEqual([
      {
        name: 'mongo-flex-rs-0b5e3c1a-2f4d-4e6a-9b8c-7d1e2f3a4b5c',
        type: 'manual',
        backupId: '0b5e3c1a-2f4d-4e6a-9b8c-7d1e2f3a4b5c',
        phase: 'running',
        startedAt: '2026-03-01T11:00:02Z',
      },
      {
        name: 'cron-mongo-flex-rs-20260301020000-x7k2p',
        type: 'scheduled',
        phase: 'completed',
        startedAt: '2026-03-01T02:00:21Z',
        completedAt: '2026-03-01T02:03:40Z',
        engineBackupId: '2026-03-01T02:00:21Z',
        sizeBytes: 1_572_864,
      },
      {
        name: 'mongo-flex-rs-6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
        type: 'manual',
        backupId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
        phase: 'pending',
      },
      {
        name: 'mongo-flex-rs-final',
        type: 'final',
        phase: 'failed',
        message: 'starting deadline exceeded',
      },
    ]);
  });

  it('reads every backup state Percona writes', () => {
    const phaseOf = (state?: string) =>
      claimBackups.reports(rs, [
        object('mongo-flex-rs-final', ours, state ? { state } : undefined),
      ])[0].phase;
    expect(
      Object.fromEntries(
        [undefined, 'waiting', 'requested', 'running', 'ready', 'error'].map(
          s => [String(s), phaseOf(s)],
        ),
      ),
    ).toEqual({
      undefined: 'pending',
      waiting: 'pending',
      requested: 'pending',
      running: 'running',
      ready: 'completed',
      error: 'failed',
    });
  });
});

describe('mongodbStatus.connection', () => {
  it('leads replica set clients to rs0 and sharded ones to the routers', () => {
    expect(mongodbStatus.connection(cluster(rs, READY_RS), rs)).toEqual({
      host: 'mongo-flex-rs-rs0.tenant-123.svc',
      port: 27017,
      database: 'app',
      username: 'app',
      passwordSecretRef: { name: 'mongo-flex-rs-credentials', key: 'password' },
    });
    expect(
      mongodbStatus.connection(
        cluster(sharded, shardedStatus('ready')),
        sharded,
      )?.host,
    ).toBe('mongo-flex-sharded-mongos.tenant-123.svc');
  });
});
