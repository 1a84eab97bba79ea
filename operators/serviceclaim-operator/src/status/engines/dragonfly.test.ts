import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';
import { claimFrom } from '../../render/__testUtils__/skuClaims';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import type { ObservedResource } from '../engineStatus';
import { dragonflyStatus } from './dragonfly';

const claim = claimFrom(
  'dfly-mem-64g',
  specFromSku(skuCatalog, 'dfly-mem-64g', 'frankfurt'),
);
const { name } = claim.metadata;

/** The claim's status as last written: serving (Ready=True) or not. */
const before = (serving: boolean): ServiceClaimStatus => ({
  phase: serving ? 'Active' : 'Provisioning',
  conditions: [
    {
      type: 'Ready',
      status: serving ? 'True' : 'False',
      reason: serving ? 'Ready' : 'ResourcesCreated',
      message: '',
      lastTransitionTime: '2026-03-01T12:00:00Z',
    },
  ],
});

const dragonfly = (
  status?: Record<string, unknown>,
  replicas = 3,
): ObservedResource => ({
  apiVersion: 'dragonflydb.io/v1alpha1',
  kind: 'Dragonfly',
  metadata: { name },
  spec: { replicas },
  ...(status ? { status } : {}),
});

/** The Dragonfly operator's StatefulSet as the StatefulSet controller counts it. */
const statefulSet = (counts: {
  replicas?: number;
  readyReplicas?: number;
}): ObservedResource => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, generation: 1 },
  spec: { replicas: 3 },
  status: { observedGeneration: 1, ...counts },
});

function health(
  status: Record<string, unknown> | undefined,
  set?: ObservedResource,
  serving = false,
) {
  const instance = dragonfly(status);
  return dragonflyStatus.health(
    instance,
    claim,
    [instance, ...(set ? [set] : [])],
    before(serving),
  );
}

const allReady = statefulSet({ replicas: 3, readyReplicas: 3 });
const oneReady = statefulSet({ replicas: 3, readyReplicas: 1 });

// The phases of dragonfly-operator v1.6.1 internal/controller/util.go, as
// dragonfly_controller.go and dragonfly_instance.go set them; the StatefulSet
// of internal/resources/resources.go GenerateDragonflyResources.
describe('dragonflyStatus', () => {
  it('reads the StatefulSet the Dragonfly operator names after the Dragonfly', () => {
    expect(dragonflyStatus.related?.(claim)).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        labelSelector: `app=${name},app.kubernetes.io/part-of=dragonfly`,
      },
    ]);
  });

  it('is ready only at Ready (or the older ready) with every pod the Dragonfly asks for ready', () => {
    expect(health({ phase: 'Ready' }, allReady)).toMatchObject({
      state: 'ready',
      message: expect.stringContaining('all 3 pods are ready'),
    });
    expect(health({ phase: 'ready' }, allReady).state).toBe('ready');
    expect(
      health({ phase: 'Ready', isRollingUpdate: true }, allReady, true).state,
    ).toBe('updating');
    // Ready comes with the first master, before the replicas are up.
    expect(health({ phase: 'Ready' }, oneReady).state).not.toBe('ready');
    expect(health({ phase: 'Ready' }).state).not.toBe('ready');
    // A scale-up (3 → 4): the fourth pod is not there yet.
    expect(
      dragonflyStatus.health(
        dragonfly({ phase: 'Ready' }, 4),
        claim,
        [allReady],
        before(true),
      ),
    ).toMatchObject({
      state: 'degraded',
      message: 'The master serves; 3 of 4 pods ready.',
    });
    // A scale-down (3 → 2) under way gives the claim what it asks for.
    expect(
      dragonflyStatus.health(dragonfly({ phase: 'Ready' }, 2), claim, [
        allReady,
      ]).state,
    ).toBe('ready');
  });

  it('is provisioning, with the counts, while the first build has pods not ready', () => {
    expect(health({ phase: 'Ready' }, oneReady)).toEqual({
      state: 'provisioning',
      reason: 'PodsNotReady',
      message: 'The master serves; 1 of 3 pods ready.',
    });
    expect(health({ phase: 'Ready' })).toMatchObject({
      state: 'provisioning',
      message: expect.stringContaining(`there is no StatefulSet ${name}`),
    });
  });

  it('is degraded, with the counts, when a Dragonfly that served loses pods', () => {
    expect(health({ phase: 'Ready' }, oneReady, true)).toEqual({
      state: 'degraded',
      reason: 'PodsNotReady',
      message: 'The master serves; 1 of 3 pods ready.',
    });
    // The master lost: the operator elects another (Configuring).
    expect(
      health(
        { phase: 'Configuring' },
        statefulSet({ replicas: 3, readyReplicas: 2 }),
        true,
      ),
    ).toMatchObject({
      state: 'degraded',
      reason: 'Configuring',
      message: expect.stringContaining('2 of 3 pods ready'),
    });
  });

  it('is updating during a rollout (detectRollingUpdate sets RollingUpdate) of a Dragonfly that served', () => {
    expect(
      health({ phase: 'RollingUpdate', isRollingUpdate: true }, oneReady, true),
    ).toMatchObject({ state: 'updating', reason: 'RollingUpdate' });
    expect(
      health({ phase: 'RollingUpdate', isRollingUpdate: true }, oneReady),
    ).toMatchObject({ state: 'provisioning', reason: 'RollingUpdate' });
  });

  it('is provisioning until a master is elected (ResourcesCreated, Configuring, nothing yet)', () => {
    expect(
      health({ phase: 'ResourcesCreated' }, statefulSet({ replicas: 1 })),
    ).toMatchObject({
      state: 'provisioning',
      reason: 'ResourcesCreated',
      message: expect.stringContaining('0 of 3 pods ready'),
    });
    expect(health({ phase: 'Configuring' }, oneReady)).toMatchObject({
      state: 'provisioning',
      reason: 'Configuring',
    });
    // GenerateDragonflyResources errors (a managed label, a cron without a
    // volume) leave the status empty: the claim never reads Active.
    expect(health(undefined)).toMatchObject({
      state: 'provisioning',
      reason: 'Pending',
    });
  });

  it('never reads an unknown phase as ready', () => {
    expect(health({ phase: 'configuring-replication' }, allReady)).toEqual(
      expect.objectContaining({
        state: 'provisioning',
        reason: 'configuringreplication',
      }),
    );
  });
});
