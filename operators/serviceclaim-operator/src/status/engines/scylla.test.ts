import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom } from '../../render/__testUtils__/skuClaims';
import { claimStatusFrom } from '../claimStatus';
import { scyllaStatus } from './scylla';

// Conditions of a ScyllaCluster: scylla-operator v1.21.1
// pkg/controller/scyllacluster/sync.go (Progressing and Degraded aggregated over
// its controllers and the ScyllaDBDatacenter's, Available as the datacenter
// reports it) and pkg/controller/scylladbdatacenter/sync_statefulsets.go
// (Available False with RacksNotAtDesiredVersion, MembersNotUpdated or
// MembersNotReady until every member is updated and ready; Progressing True
// with WaitingForStatefulSetRollout while any rack's StatefulSet is not rolled
// out). Every condition carries observedGeneration.

const claim = claimFrom(
  'scy-ring-3',
  specFromSku(skuCatalog, 'scy-ring-3', 'lagos'),
);

type Cond = { type: string; status: string; reason?: string; message?: string };

function cluster(
  status: {
    readyMembers?: number;
    conditions?: Cond[];
    observedGeneration?: number;
  },
  generation = 2,
) {
  return {
    apiVersion: 'scylla.scylladb.com/v1',
    kind: 'ScyllaCluster',
    metadata: { name: 'scy-ring-3', generation },
    spec: {
      datacenter: {
        name: 'lagos',
        racks: [
          { name: 'r1', members: 1 },
          { name: 'r2', members: 1 },
          { name: 'r3', members: 1 },
        ],
      },
    },
    status: {
      observedGeneration: status.observedGeneration ?? generation,
      members: 3,
      ...status,
      conditions: (status.conditions ?? []).map(c => ({
        observedGeneration: generation,
        ...c,
      })),
    },
  };
}

const settled: Cond[] = [
  { type: 'Available', status: 'True', reason: 'AsExpected' },
  { type: 'Progressing', status: 'False', reason: 'AsExpected' },
  { type: 'Degraded', status: 'False', reason: 'AsExpected' },
];
const creating: Cond[] = [
  {
    type: 'Available',
    status: 'False',
    reason: 'MembersNotReady',
    message: 'Only 1 out of 3 member(s) are ready',
  },
  {
    type: 'Progressing',
    status: 'True',
    reason: 'StatefulSetControllerProgressing_WaitingForStatefulSetRollout',
  },
  { type: 'Degraded', status: 'False', reason: 'AsExpected' },
];
const phase = (resource: ReturnType<typeof cluster>) =>
  claimStatusFrom(claim, [resource], new Date('2026-01-01T00:00:00Z')).phase;

describe('scyllaStatus.health', () => {
  it('is Active only with every member ready and Available=True, Progressing=False, Degraded=False', () => {
    const ready = cluster({ readyMembers: 3, conditions: settled });
    expect(scyllaStatus.health(ready, claim)).toMatchObject({
      state: 'ready',
    });
    expect(phase(ready)).toBe('Active');
  });

  it('is not Active while the cluster is being created, even once the first members are up', () => {
    for (const readyMembers of [0, 1, 2]) {
      const c = cluster({ readyMembers, conditions: creating });
      expect(scyllaStatus.health(c, claim)).toMatchObject({
        state: 'provisioning',
        reason: 'MembersNotReady',
      });
      expect(phase(c)).toBe('Provisioning');
    }
    expect(scyllaStatus.health(cluster({}), claim)).toMatchObject({
      state: 'provisioning',
      reason: 'MembersStarting',
    });
  });

  it('is not Active while the operator is still progressing with every member ready', () => {
    const c = cluster({
      readyMembers: 3,
      conditions: [
        settled[0],
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ScyllaDBManagerTaskControllerProgressing_apply',
        },
        settled[2],
      ],
    });
    expect(scyllaStatus.health(c, claim).state).toBe('provisioning');
    expect(phase(c)).not.toBe('Active');
  });

  it('is not Active on conditions written for an older generation', () => {
    const c = cluster({ readyMembers: 3, conditions: settled }, 3);
    c.status.conditions = c.status.conditions.map(x => ({
      ...x,
      observedGeneration: 2,
    }));
    expect(scyllaStatus.health(c, claim).state).not.toBe('ready');
  });

  it('fails with the operator reason when Degraded and no member is ready, degrades when some are', () => {
    const degraded: Cond[] = [
      settled[0],
      settled[1],
      {
        type: 'Degraded',
        status: 'True',
        reason: 'ScyllaDBDatacenterControllerDegraded_Error',
        message:
          'secret "dbaas-backup-credentials" is missing "scylla-manager-agent.yaml" data',
      },
    ];
    expect(
      scyllaStatus.health(
        cluster({ readyMembers: 0, conditions: degraded }),
        claim,
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'ScyllaDBDatacenterControllerDegraded_Error',
      message: expect.stringContaining('scylla-manager-agent.yaml'),
    });
    expect(
      scyllaStatus.health(
        cluster({ readyMembers: 2, conditions: degraded }),
        claim,
      ),
    ).toMatchObject({
      state: 'degraded',
      reason: 'ScyllaDBDatacenterControllerDegraded_Error',
    });
  });

  it('degrades with the Available reason when members are missing and the operator is not acting', () => {
    const c = cluster({
      readyMembers: 2,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MembersNotReady' },
        settled[1],
        settled[2],
      ],
    });
    expect(scyllaStatus.health(c, claim)).toMatchObject({
      state: 'degraded',
      reason: 'MembersNotReady',
      message: '2 of 3 members ready',
    });
  });
});

describe('scyllaStatus.backup', () => {
  it('reports the Scylla Manager task error', () => {
    const c = {
      ...cluster({ readyMembers: 3, conditions: settled }),
    } as any;
    c.status.backups = [{ name: 'scheduled', error: 'create task: 401' }];
    expect(scyllaStatus.backup(c, [], claim)).toMatchObject({
      status: 'False',
      reason: 'BackupTaskFailed',
    });
  });
});
