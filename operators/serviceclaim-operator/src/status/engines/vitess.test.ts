import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../../render/__testUtils__/skuClaims';
import { renderClaim } from '../../render/renderClaim';
import { vitessStatus } from './vitess';

// The VitessCluster status of vitess-operator v2.17.0
// (pkg/apis/planetscale/v2/vitesscluster_types.go VitessClusterStatus): per keyspace
// desiredShards, shards, readyShards (shards whose tablets are all Ready,
// pkg/controller/vitesscluster/reconcile_keyspaces.go), desiredTablets, readyTablets,
// updatedTablets, pendingChanges; per cell gatewayAvailable and pendingChanges;
// globalLockserver.etcd.available; orphanedCells and orphanedKeyspaces with a reason
// and message. The operator has no phase and no failed state: errors are Events.

const claim = claimFrom(
  'vt-sharded',
  specFromSku(skuCatalog, 'vt-sharded', 'lagos'),
);
const rendered = renderClaim(claim, contextFor('lagos')).find(
  r => r.kind === 'VitessCluster',
)!;
const health = (status: Record<string, unknown>) =>
  vitessStatus.health({ ...rendered, status }, claim);

const app = {
  desiredShards: 4,
  shards: 4,
  readyShards: 4,
  desiredTablets: 12,
  readyTablets: 12,
  updatedTablets: 12,
};
const ready = {
  gatewayServiceName: 'vt-sharded-vtgate-ae7df4b6',
  cells: { lagos: { gatewayAvailable: 'True' } },
  keyspaces: { app },
};

describe('vitessStatus.health', () => {
  it('is ready only with every shard and tablet ready and every cell’s vtgate available', () => {
    expect(health(ready)).toMatchObject({
      state: 'ready',
      reason: 'ClusterReady',
    });
  });

  it('is not Active while the cluster is being built, whatever is up already', () => {
    const building: [string, Record<string, unknown>][] = [
      ['WaitingForKeyspaces', { cells: ready.cells }],
      [
        'ShardsNotReady',
        { ...ready, keyspaces: { app: { ...app, shards: 2, readyShards: 2 } } },
      ],
      // Tablets are Ready only once their shard has a primary
      // (vitessshardreplication/init_shard_primary.go): a shard waiting for its
      // first backup or its primary has none.
      [
        'ShardsNotReady',
        {
          ...ready,
          keyspaces: { app: { ...app, readyShards: 3, readyTablets: 9 } },
        },
      ],
      [
        'GatewayUnavailable',
        { ...ready, cells: { lagos: { gatewayAvailable: 'False' } } },
      ],
      ['GatewayUnavailable', { ...ready, cells: {} }],
    ];
    for (const [reason, status] of building) {
      expect(health(status)).toMatchObject({ state: 'provisioning', reason });
    }
  });

  it('reads the keyspaces and cells the spec asks for, not whatever is reported', () => {
    expect(
      health({
        ...ready,
        keyspaces: { other: app },
      }),
    ).toMatchObject({ state: 'provisioning', reason: 'WaitingForKeyspaces' });
    expect(
      health({
        ...ready,
        cells: { elsewhere: { gatewayAvailable: 'True' } },
      }),
    ).toMatchObject({ state: 'provisioning', reason: 'GatewayUnavailable' });
  });

  it('is degraded with the operator’s reason when a turn-down is blocked or its etcd is down', () => {
    expect(
      health({
        ...ready,
        orphanedKeyspaces: {
          old: { reason: 'TabletsRunning', message: '3 tablets still up' },
        },
      }),
    ).toMatchObject({
      state: 'degraded',
      reason: 'TabletsRunning',
      message: expect.stringMatching(/keyspace old: 3 tablets still up/),
    });
    expect(
      health({ ...ready, globalLockserver: { etcd: { available: 'False' } } }),
    ).toMatchObject({ state: 'degraded', reason: 'LockserverUnavailable' });
  });

  it('is updating while a change rolls out', () => {
    expect(
      health({
        ...ready,
        keyspaces: { app: { ...app, pendingChanges: 'tablets' } },
      }),
    ).toMatchObject({ state: 'updating', reason: 'RollingOut' });
    expect(
      health({ ...ready, keyspaces: { app: { ...app, updatedTablets: 10 } } }),
    ).toMatchObject({ state: 'updating' });
  });
});

describe('vitessStatus.backup', () => {
  it('reads lastScheduledTimes, which the operator writes since v2.15', () => {
    expect(
      vitessStatus.backup(
        rendered,
        [
          {
            kind: 'VitessBackupSchedule',
            status: {
              lastScheduledTimes: {
                'every-shard-app-80-c0': '2026-03-01T06:00:00Z',
                'every-shard-app--40': '2026-03-01T00:00:00Z',
              },
            },
          },
        ],
        claim,
      ),
    ).toMatchObject({
      status: 'True',
      reason: 'BackupScheduled',
      message: expect.stringContaining('2026-03-01T06:00:00Z'),
    });
  });
});
