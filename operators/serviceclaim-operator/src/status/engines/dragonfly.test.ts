import { claimFrom } from '../../render/__testUtils__/skuClaims';
import {
  skuCatalog,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { dragonflyStatus } from './dragonfly';

const claim = claimFrom(
  'dfly-mem-64g',
  specFromSku(skuCatalog, 'dfly-mem-64g', 'frankfurt'),
);

function health(status?: Record<string, unknown>) {
  return dragonflyStatus.health(
    { kind: 'Dragonfly', ...(status ? { status } : {}) },
    claim,
  );
}

// The phases of dragonfly-operator v1.6.1 internal/controller/util.go, as
// dragonfly_controller.go and dragonfly_instance.go set them.
describe('dragonflyStatus', () => {
  it("is ready only at Ready (or the older operators' ready) with no rolling update", () => {
    expect(health({ phase: 'Ready' }).state).toBe('ready');
    expect(health({ phase: 'ready' }).state).toBe('ready');
    expect(health({ phase: 'Ready', isRollingUpdate: true }).state).toBe(
      'updating',
    );
  });

  it('is updating during a rollout (detectRollingUpdate sets RollingUpdate)', () => {
    expect(health({ phase: 'RollingUpdate', isRollingUpdate: true })).toEqual(
      expect.objectContaining({ state: 'updating', reason: 'RollingUpdate' }),
    );
  });

  it('is provisioning until a master is elected (ResourcesCreated, Configuring, nothing yet)', () => {
    expect(health({ phase: 'ResourcesCreated' })).toEqual(
      expect.objectContaining({
        state: 'provisioning',
        reason: 'ResourcesCreated',
      }),
    );
    expect(health({ phase: 'Configuring' })).toEqual(
      expect.objectContaining({ state: 'provisioning', reason: 'Configuring' }),
    );
    // GenerateDragonflyResources errors (a managed label, a cron without a
    // volume) leave the status empty: the claim never reads Active.
    expect(health()).toEqual(
      expect.objectContaining({ state: 'provisioning', reason: 'Pending' }),
    );
  });

  it('never reads an unknown phase as ready', () => {
    expect(health({ phase: 'configuring-replication' })).toEqual(
      expect.objectContaining({
        state: 'provisioning',
        reason: 'configuringreplication',
      }),
    );
  });
});
