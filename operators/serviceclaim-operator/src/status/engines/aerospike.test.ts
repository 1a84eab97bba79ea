import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../../render/__testUtils__/skuClaims';
import { renderClaim } from '../../render/renderClaim';
import { claimStatusFrom } from '../claimStatus';
import type { ObservedResource } from '../engineStatus';
import { aerospikeStatus } from './aerospike';

// How AKO writes an AerospikeCluster's status, at aerospike/aerospike-kubernetes-operator
// v4.5.0: api/v1/aerospikecluster_types.go (phases InProgress, Completed, Error;
// no conditions, no observedGeneration) and internal/controller/cluster/reconciler.go
// (Reconcile sets InProgress first and Error on a failed step; updateStatus, the
// last step, copies the spec into the status with CopySpecToStatus and sets
// Completed).

const NOW = new Date('2026-03-01T12:00:00Z');
const claim = claimFrom(
  'aero-strong-5',
  specFromSku(skuCatalog, 'aero-strong-5', 'frankfurt'),
);
const rendered = renderClaim(claim, contextFor('frankfurt'));
const cluster = rendered.find(r => r.kind === 'AerospikeCluster')!;
const spec = cluster.spec as Record<string, any>;

function pods(count: number) {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `aero-strong-5-${(i % 3) + 1}-${Math.floor(i / 3)}`,
      { podIP: `10.0.0.${i}`, podPort: 3000 },
    ]),
  );
}

/** JSON, as the apiserver returns it. */
function copied<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** What updateStatus writes after a completed reconcile of `completed`. */
function completedStatus(completed: Record<string, any>, podCount = 5) {
  return {
    size: completed.size,
    image: completed.image,
    aerospikeConfig: copied(completed.aerospikeConfig),
    rackConfig: copied(completed.rackConfig),
    phase: 'Completed',
    pods: pods(podCount),
  };
}

function observed(status: Record<string, unknown>): ObservedResource {
  return {
    ...cluster,
    metadata: { ...cluster.metadata, generation: 4 },
    status,
  };
}

function health(status: Record<string, unknown>) {
  return aerospikeStatus.health(observed(status), claim);
}

function phaseOf(status: Record<string, unknown>) {
  const others = rendered.filter(r => r.kind !== 'AerospikeCluster');
  return claimStatusFrom(claim, [observed(status), ...others], NOW).phase;
}

describe('Aerospike status from the AerospikeCluster', () => {
  it('is Active only once AKO completed the current spec with every node', () => {
    expect(health(completedStatus(spec))).toMatchObject({
      state: 'ready',
      reason: 'Completed',
    });
    expect(phaseOf(completedStatus(spec))).toBe('Active');
  });

  it('is Provisioning while AKO creates the cluster, whatever pods it has seen', () => {
    // InProgress before any completed reconcile: no spec copied into the status.
    for (const status of [
      {},
      { phase: 'InProgress' },
      { phase: 'InProgress', pods: pods(4) },
      { phase: 'InProgress', pods: pods(5) },
    ]) {
      expect(health(status)).toMatchObject({
        state: 'provisioning',
        reason: 'InProgress',
      });
      expect(phaseOf(status)).toBe('Provisioning');
    }
  });

  it('fails with AKO phase Error before the cluster was ever completed', () => {
    const status = { phase: 'Error', pods: pods(3) };
    expect(health(status)).toMatchObject({
      state: 'failed',
      reason: 'ReconcileError',
    });
    expect(health(status).message).toContain("AerospikeCluster's events");
    expect(phaseOf(status)).toBe('Failed');
  });

  it('is degraded with AKO phase Error after a completed reconcile', () => {
    const status = { ...completedStatus(spec, 4), phase: 'Error' };
    expect(health(status)).toMatchObject({
      state: 'degraded',
      reason: 'ReconcileError',
    });
    const claimStatus = claimStatusFrom(claim, [observed(status)], NOW);
    expect(claimStatus.phase).toBe('Active');
    expect(
      claimStatus.conditions?.find(c => c.type === 'Degraded'),
    ).toMatchObject({ status: 'True', reason: 'ReconcileError' });
  });

  it('is updating, not ready, while AKO rolls out a change or has not read it yet', () => {
    // InProgress after a completed reconcile: a change rolling out.
    expect(
      health({ ...completedStatus(spec), phase: 'InProgress' }),
    ).toMatchObject({ state: 'updating', reason: 'InProgress' });
    // Still Completed, but for an older spec (a node fewer, another image,
    // another configuration): AKO has not started on the new one.
    const older = [
      { ...spec, size: spec.size - 1 },
      { ...spec, image: 'aerospike/aerospike-server-enterprise:7.2.0.6' },
      {
        ...spec,
        aerospikeConfig: { ...spec.aerospikeConfig, service: {} },
      },
    ];
    for (const completed of older) {
      expect(health(completedStatus(completed))).toMatchObject({
        state: 'updating',
        reason: 'EngineReconciling',
      });
    }
  });

  it('is degraded when AKO completed with nodes missing from its pod list', () => {
    expect(health(completedStatus(spec, 3))).toMatchObject({
      state: 'degraded',
      reason: 'NodesMissing',
    });
  });
});
