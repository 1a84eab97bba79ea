import {
  serviceClaimStatusSchema,
  specFromSku,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../render/__testUtils__/skuClaims';
import { BACKUP_ANNOTATION } from '../render/backup';
import { renderClaim } from '../render/renderClaim';
import type { ClaimObject } from '../render/types';
import { claimStatusFrom } from './claimStatus';
import type { ObservedResource } from './engineStatus';

const NOW = new Date('2026-03-01T12:00:00Z');

function claimOn(skuId: string): ClaimObject {
  const sku = skuCatalog.skus.find(s => s.id === skuId)!;
  return claimFrom(skuId, specFromSku(skuCatalog, skuId, sku.regions[0]));
}

/** What the operator reads back after applying: the rendered resources, with a status. */
function observed(
  claim: ClaimObject,
  statuses: Record<string, unknown>,
): ObservedResource[] {
  return renderClaim(claim, contextFor(claim.spec.region)).map(resource => ({
    ...resource,
    metadata: { ...resource.metadata, generation: 1 },
    ...(statuses[resource.kind] ? { status: statuses[resource.kind] } : {}),
  }));
}

function conditions(status: ServiceClaimStatus) {
  return Object.fromEntries(
    (status.conditions ?? []).map(c => [c.type, c.status]),
  );
}

type Case = {
  sku: string;
  kind: string;
  healthy: Record<string, unknown>;
  provisioning: Record<string, unknown>;
  degraded: Record<string, unknown>;
  /** Undefined where the engine's operator reports no failure. */
  failed?: Record<string, unknown>;
  /**
   * The phase `degraded` gives, when not Active: the VitessCluster status
   * cannot tell a cluster being built from one that lost a tablet.
   */
  degradedPhase?: 'Provisioning';
  /** Objects the engine's operator makes that the reader reads, per state. */
  related?: (claim: ClaimObject, state: State) => ObservedResource[];
  connection: { host: string; port: number; secret: string; key: string };
};

type State = 'healthy' | 'provisioning' | 'degraded' | 'failed';

/** What the claim said before it read degraded: it was serving. */
const SERVING: ServiceClaimStatus = {
  phase: 'Active',
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message: '',
      lastTransitionTime: NOW.toISOString(),
    },
  ],
};

/** The StatefulSet the Dragonfly operator makes, with `ready` of its pods ready. */
function dragonflyPods(claim: ClaimObject, state: State): ObservedResource[] {
  const replicas = (
    renderClaim(claim, contextFor(claim.spec.region)).find(
      r => r.kind === 'Dragonfly',
    )!.spec as { replicas: number }
  ).replicas;
  const ready = { healthy: replicas, provisioning: 0, degraded: 1, failed: 0 };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: claim.metadata.name, generation: 1 },
      spec: { replicas },
      status: {
        observedGeneration: 1,
        replicas,
        readyReplicas: ready[state],
      },
    },
  ];
}

const CNPG_HEALTHY = 'Cluster in healthy state';

const cases: Case[] = [
  {
    sku: 'pg-ha',
    kind: 'Cluster',
    healthy: {
      phase: CNPG_HEALTHY,
      readyInstances: 3,
      writeService: 'pg-ha-rw',
      conditions: [{ type: 'ContinuousArchiving', status: 'True' }],
    },
    provisioning: { phase: 'Setting up primary', readyInstances: 0 },
    degraded: { phase: 'Failing over', readyInstances: 2 },
    failed: {
      phase: 'Cluster is unrecoverable and needs manual intervention',
      readyInstances: 0,
    },
    connection: {
      host: 'pg-ha-rw.tenant-123.svc',
      port: 5432,
      secret: 'pg-ha-app',
      key: 'password',
    },
  },
  {
    sku: 'yb-dedicated',
    kind: 'YBUniverse',
    healthy: {
      universeState: 'Ready',
      sqlEndpoints: ['yb-tserver-service.tenant-123.svc.cluster.local:5433'],
    },
    provisioning: { universeState: 'Creating' },
    degraded: {
      universeState: 'Ready',
      sqlEndpoints: ['yb-tserver-service.tenant-123.svc.cluster.local:5433'],
      actions: [
        {
          action_type: 'EditUniverse',
          status: 'failed',
          message: 'no capacity',
        },
      ],
    },
    failed: {
      universeState: 'Creating',
      actions: [
        { action_type: 'CreateUniverse', status: 'failed', message: 'quota' },
      ],
    },
    connection: {
      host: 'yb-tserver-service.tenant-123.svc.cluster.local',
      port: 5433,
      secret: 'yb-dedicated-credentials',
      key: 'password',
    },
  },
  {
    sku: 'vt-sharded',
    kind: 'VitessCluster',
    healthy: {
      gatewayServiceName: 'vt-sharded-vtgate-ae7df4b6',
      cells: { lagos: { gatewayAvailable: 'True' } },
      keyspaces: {
        app: {
          desiredShards: 4,
          readyShards: 4,
          desiredTablets: 12,
          readyTablets: 12,
          updatedTablets: 12,
        },
      },
    },
    provisioning: { cells: { lagos: { gatewayAvailable: 'False' } } },
    // The Vitess operator's status cannot tell a cluster being built from one
    // that lost tablets: short of every tablet ready it reads as provisioning.
    degraded: {
      gatewayServiceName: 'vt-sharded-vtgate-ae7df4b6',
      cells: { lagos: { gatewayAvailable: 'True' } },
      keyspaces: {
        app: {
          desiredShards: 4,
          readyShards: 3,
          desiredTablets: 12,
          readyTablets: 9,
          updatedTablets: 12,
        },
      },
    },
    degradedPhase: 'Provisioning',
    connection: {
      host: 'vt-sharded-vtgate-ae7df4b6.tenant-123.svc',
      port: 3306,
      secret: 'vt-sharded-credentials',
      key: 'password',
    },
  },
  {
    sku: 'scy-ring-3',
    kind: 'ScyllaCluster',
    healthy: {
      members: 3,
      readyMembers: 3,
      conditions: [
        { type: 'Available', status: 'True' },
        { type: 'Progressing', status: 'False' },
        { type: 'Degraded', status: 'False' },
      ],
      backups: [{ name: 'scheduled', id: 'b1e1' }],
    },
    provisioning: { members: 3, readyMembers: 0 },
    degraded: {
      members: 3,
      readyMembers: 2,
      conditions: [
        { type: 'Available', status: 'True' },
        {
          type: 'Degraded',
          status: 'True',
          reason: 'MemberDown',
          message: 'r2-0 is down',
        },
      ],
    },
    failed: {
      members: 3,
      readyMembers: 0,
      conditions: [
        {
          type: 'Degraded',
          status: 'True',
          reason: 'Crashing',
          message: 'all down',
        },
      ],
    },
    connection: {
      host: 'scy-ring-3-client.tenant-123.svc',
      port: 9142,
      secret: 'scy-ring-3-credentials',
      key: 'password',
    },
  },
  {
    sku: 'dfly-mem-64g',
    kind: 'Dragonfly',
    healthy: { phase: 'Ready' },
    provisioning: { phase: 'ResourcesCreated' },
    // Ready comes with the master; the StatefulSet tells the pods missing.
    degraded: { phase: 'Ready' },
    related: dragonflyPods,
    connection: {
      host: 'dfly-mem-64g.tenant-123.svc',
      port: 6379,
      secret: 'dfly-mem-64g-credentials',
      key: 'password',
    },
  },
  {
    sku: 'aero-strong-5',
    kind: 'AerospikeCluster',
    // AKO copies the spec it completed (size and more) into the status.
    healthy: {
      phase: 'Completed',
      size: 5,
      pods: { a: {}, b: {}, c: {}, d: {}, e: {} },
    },
    provisioning: { phase: 'InProgress', pods: { a: {} } },
    degraded: { phase: 'Error', size: 5, pods: { a: {}, b: {} } },
    failed: { phase: 'Error', pods: { a: {} } },
    connection: {
      host: 'aero-strong-5.tenant-123.svc',
      port: 3000,
      secret: 'aero-strong-5-credentials',
      key: 'password',
    },
  },
  {
    sku: 'mongo-flex-rs',
    kind: 'PerconaServerMongoDB',
    // Percona's condition log keeps a `ready` entry once the cluster was ready.
    healthy: {
      state: 'ready',
      size: 3,
      ready: 3,
      replsets: { rs0: { size: 3, ready: 3, status: 'ready' } },
      conditions: [{ type: 'ready', status: 'True' }],
    },
    provisioning: {
      state: 'initializing',
      size: 3,
      ready: 0,
      replsets: { rs0: { size: 3, ready: 0, status: 'initializing' } },
    },
    // A reconcile error keeps the counts of the last successful status write.
    degraded: {
      state: 'error',
      message: 'Error: reconcile users: quota exceeded',
      size: 3,
      ready: 2,
      replsets: { rs0: { size: 3, ready: 2, status: 'initializing' } },
      conditions: [
        { type: 'ready', status: 'True' },
        { type: 'error', status: 'True', reason: 'ErrorReconcile' },
      ],
    },
    failed: {
      state: 'error',
      message: 'Error: handleReplsetInit: no mongod containers',
      size: 3,
      ready: 0,
    },
    connection: {
      host: 'mongo-flex-rs-rs0.tenant-123.svc',
      port: 27017,
      secret: 'mongo-flex-rs-credentials',
      key: 'password',
    },
  },
];

describe('claimStatusFrom', () => {
  describe.each(cases.map(c => [c.kind, c] as const))('%s', (_kind, c) => {
    const claim = claimOn(c.sku);
    // Degraded is of a claim that was serving; the others from the start.
    const status = (state: State) =>
      claimStatusFrom(
        claim,
        [
          ...observed(claim, { [c.kind]: c[state] }),
          ...(c.related?.(claim, state) ?? []),
        ],
        NOW,
        state === 'degraded' ? SERVING : undefined,
      );

    it('is Active and Ready when the engine says it is healthy', () => {
      const healthy = status('healthy');
      expect(healthy.phase).toBe('Active');
      expect(conditions(healthy)).toMatchObject({
        Ready: 'True',
        Degraded: 'False',
      });
      expect(healthy.connection).toEqual(
        expect.objectContaining({
          host: c.connection.host,
          port: c.connection.port,
          passwordSecretRef: {
            name: c.connection.secret,
            key: c.connection.key,
          },
        }),
      );
    });

    it('is Provisioning and not Ready while the engine builds the cluster', () => {
      const provisioning = status('provisioning');
      expect(provisioning.phase).toBe('Provisioning');
      expect(conditions(provisioning)).toMatchObject({
        Ready: 'False',
        Degraded: 'False',
      });
    });

    it('is Degraded while the engine serves with members missing', () => {
      const degraded = status('degraded');
      expect(degraded.phase).toBe(c.degradedPhase ?? 'Active');
      expect(conditions(degraded)).toMatchObject(
        c.degradedPhase === 'Provisioning'
          ? { Ready: 'False' }
          : { Ready: 'True', Degraded: 'True' },
      );
    });

    it('is Failed only when the engine says it cannot go on', () => {
      const worst = status(c.failed ? 'failed' : 'degraded');
      expect(worst.phase).toBe(
        c.failed ? 'Failed' : c.degradedPhase ?? 'Active',
      );
      expect(conditions(worst)).toMatchObject(
        c.failed ? { Ready: 'False', Degraded: 'True' } : {},
      );
    });

    it('writes conditions for the claim generation, valid for the portal, without a password', () => {
      for (const state of ['healthy', 'provisioning', 'degraded'] as const) {
        const result = status(state);
        expect(serviceClaimStatusSchema.safeParse(result).success).toBe(true);
        expect(result.observedGeneration).toBe(3);
        expect(result.conditions?.map(x => x.type)).toEqual([
          'Ready',
          'BackupConfigured',
          'Degraded',
        ]);
        for (const condition of result.conditions ?? []) {
          expect(condition.observedGeneration).toBe(3);
          expect(condition.lastTransitionTime).toBe(NOW.toISOString());
        }
        expect(Object.keys(result.connection ?? {})).not.toContain('password');
        expect(JSON.stringify(result)).not.toMatch(/"password"\s*:/);
      }
    });
  });

  it('reports backups from the engine where this PoP schedules them', () => {
    const pg = claimOn('pg-ha');
    const archiving = (status: 'True' | 'False', message?: string) =>
      claimStatusFrom(
        pg,
        observed(pg, {
          Cluster: {
            phase: CNPG_HEALTHY,
            readyInstances: 3,
            conditions: [{ type: 'ContinuousArchiving', status, message }],
          },
        }),
        NOW,
      ).conditions!.find(c => c.type === 'BackupConfigured');
    expect(archiving('True')).toMatchObject({
      status: 'True',
      reason: 'ArchivingWAL',
    });
    expect(archiving('False', 'access denied')).toMatchObject({
      status: 'False',
      reason: 'ArchivingFailing',
      message: 'access denied',
    });
  });

  it('reports backups as what the render wired when the engine cannot say', () => {
    // The Dragonfly operator snapshots to S3 only.
    const dragonfly = claimOn('dfly-mem-16g');
    dragonfly.spec.backup = {
      ...dragonfly.spec.backup,
      enabled: true,
      destination: 'gs://dbaas-backups/dfly',
    };
    const backup = claimStatusFrom(
      dragonfly,
      observed(dragonfly, {
        Dragonfly: { phase: 'Ready', isRollingUpdate: false },
      }),
      NOW,
    ).conditions!.find(c => c.type === 'BackupConfigured');
    expect(backup).toMatchObject({ status: 'False', reason: 'NotSupported' });

    const pg = claimOn('pg-ha');
    const unwired = observed(pg, {
      Cluster: { phase: CNPG_HEALTHY, readyInstances: 3 },
    }).map(o =>
      o.kind === 'Cluster'
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              annotations: { [BACKUP_ANNOTATION]: 'no-destination' },
            },
          }
        : o,
    );
    expect(
      claimStatusFrom(pg, unwired, NOW).conditions!.find(
        c => c.type === 'BackupConfigured',
      ),
    ).toMatchObject({ status: 'False', reason: 'NoDestination' });
  });

  it('says the engine is still rolling out a spec it has not observed yet', () => {
    const scylla = claimOn('scy-ring-3');
    const stale = observed(scylla, {
      ScyllaCluster: {
        observedGeneration: 1,
        readyMembers: 3,
        // All three, as the Scylla operator always writes them.
        conditions: [
          { type: 'Available', status: 'True' },
          { type: 'Progressing', status: 'False' },
          { type: 'Degraded', status: 'False' },
        ],
      },
    }).map(o => ({ ...o, metadata: { ...o.metadata, generation: 2 } }));
    const result = claimStatusFrom(scylla, stale, NOW);
    expect(result.phase).toBe('Active');
    expect(result.conditions![0]).toMatchObject({
      type: 'Ready',
      status: 'True',
      reason: 'EngineReconciling',
    });
  });

  it('is Pending with Unknown conditions where this PoP holds no engine resource', () => {
    const yb = claimFrom(
      'yb-global',
      specFromSku(skuCatalog, 'yb-global', 'lagos'),
    );
    const here = renderClaim(yb, contextFor('frankfurt'));
    const result = claimStatusFrom(yb, here, NOW);
    expect(result.phase).toBe('Pending');
    expect(result.connection).toBeUndefined();
    expect(result.conditions?.every(c => c.status === 'Unknown')).toBe(true);
  });

  it("reads a replica region waiting for the primary's first backup as Provisioning, with a share", () => {
    const pg = claimFrom('pg-global', {
      ...specFromSku(skuCatalog, 'pg-global', 'lagos'),
      replication: { factor: 2, regions: ['lagos', 'frankfurt'] },
    });
    delete pg.metadata.annotations!['dbaas.io/primary-backup'];
    const here = renderClaim(pg, contextFor('frankfurt'));
    expect(here.map(r => r.kind)).not.toContain('Cluster');
    const result = claimStatusFrom(pg, here, NOW);
    expect(result.phase).toBe('Provisioning');
    expect(result.conditions?.find(c => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForPrimaryBackup',
      message: expect.stringMatching(
        /^Waiting for the first completed backup of the primary in lagos/,
      ),
    });
  });

  it('gives no connection until the engine reports where it listens', () => {
    const vt = claimOn('vt-dedicated');
    expect(
      claimStatusFrom(vt, observed(vt, { VitessCluster: {} }), NOW).connection,
    ).toBeUndefined();
  });
});
