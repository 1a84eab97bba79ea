import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom } from '../../render/__testUtils__/skuClaims';
import { yugabyteStatus } from './yugabyte';

// universeState values: yugabyte/yugabyte-db managed/src/main/java/com/yugabyte/yw/common/
// operator/OperatorStatusUpdater.java UniverseState (Creating, Ready, Error Updating,
// Error Creating, Error Pausing, Error Resuming, Editing, Deleting, Paused, Pausing,
// Resuming); action statuses: the YBUniverse CRD status.actions[].status enum (queued,
// running, failed), yugabyte/charts 2026.1 crds/concatenated_crd.yaml.

const claim = claimFrom(
  'yb-dedicated',
  specFromSku(skuCatalog, 'yb-dedicated', 'lagos'),
);
const health = (status: Record<string, unknown>) =>
  yugabyteStatus.health(
    {
      apiVersion: 'operator.yugabyte.io/v1alpha1',
      kind: 'YBUniverse',
      status,
    },
    claim,
  );

describe('yugabyteStatus.health', () => {
  it('is ready only when Ready with no task queued, running or failed', () => {
    expect(health({ universeState: 'Ready' }).state).toBe('ready');
    for (const taskStatus of ['queued', 'running']) {
      expect(
        health({
          universeState: 'Ready',
          actions: [
            { action_type: 'EditKubernetesUniverse', status: taskStatus },
          ],
        }),
      ).toMatchObject({ state: 'updating', reason: 'TaskRunning' });
    }
  });

  // YBUniverseReconciler.java createUniverse, createUserIntent, getProvider and
  // createTaskParams write Error Creating when YBA refuses the universe (provider not
  // found or not ready, password Secret missing, placement refused, create task failed).
  it('fails with the reason when YBA could not create the universe', () => {
    expect(health({ universeState: 'Error Creating' })).toMatchObject({
      state: 'failed',
      reason: 'ErrorCreating',
    });
    expect(
      health({
        universeState: 'Error Creating',
        actions: [
          {
            action_type: 'CreateKubernetesUniverse',
            status: 'failed',
            message: 'Provider dbaas-tenant-123 not found',
          },
        ],
      }),
    ).toMatchObject({
      state: 'failed',
      reason: 'ErrorCreating',
      message: expect.stringContaining('Provider dbaas-tenant-123 not found'),
    });
    expect(
      health({
        universeState: 'Creating',
        actions: [
          { action_type: 'CreateKubernetesUniverse', status: 'failed' },
        ],
      }),
    ).toMatchObject({ state: 'failed', reason: 'TaskFailed' });
  });

  it('is degraded when an edit of the created universe fails', () => {
    expect(health({ universeState: 'Error Updating' })).toMatchObject({
      state: 'degraded',
      reason: 'ErrorUpdating',
    });
  });

  // The renders never set spec.paused: a pause was made by hand, and the
  // universe stays down until someone resumes it (PauseKubernetesUniverse.java
  // writes Pausing, then Paused or Error Pausing; ResumeKubernetesUniverse.java
  // Resuming, then Ready or Error Resuming).
  it.each([
    ['Pausing', 'Pausing', 'being paused'],
    ['Paused', 'Paused', 'takes no connections until it is resumed'],
    ['Error Pausing', 'ErrorPausing', 'failed to pause'],
    ['Error Resuming', 'ErrorResuming', 'failed to resume'],
  ])(
    'fails, not Active, while paused by hand: %s',
    (universeState, reason, said) => {
      expect(health({ universeState })).toMatchObject({
        state: 'failed',
        reason,
        message: expect.stringContaining(said),
      });
    },
  );

  it("tells YBA's message when the pause or resume task failed", () => {
    expect(
      health({
        universeState: 'Error Resuming',
        actions: [
          {
            action_type: 'ResumeKubernetesUniverse',
            status: 'failed',
            message: 'pods did not start',
          },
        ],
      }),
    ).toMatchObject({
      state: 'failed',
      reason: 'ErrorResuming',
      message: expect.stringContaining(
        'ResumeKubernetesUniverse failed: pods did not start',
      ),
    });
  });

  it('is provisioning while a paused universe is resumed', () => {
    expect(health({ universeState: 'Resuming' })).toMatchObject({
      state: 'provisioning',
      reason: 'Resuming',
    });
  });

  it('is degraded when a task on a ready universe failed', () => {
    expect(
      health({
        universeState: 'Ready',
        actions: [
          {
            action_type: 'GFlagsKubernetesUpgrade',
            status: 'failed',
            message: 'x',
          },
        ],
      }),
    ).toMatchObject({
      state: 'degraded',
      reason: 'TaskFailed',
      message: expect.stringContaining('GFlagsKubernetesUpgrade failed: x'),
    });
  });

  it('is never ready in any other state', () => {
    const states = [
      undefined,
      'Creating',
      'Editing',
      'Deleting',
      'Paused',
      'Pausing',
      'Resuming',
      'Error Creating',
      'Error Updating',
      'Error Pausing',
      'Error Resuming',
      'Something New',
    ];
    for (const universeState of states) {
      expect(health({ universeState }).state).not.toBe('ready');
    }
    expect(health({}).state).toBe('provisioning');
    expect(health({ universeState: 'Creating' }).state).toBe('provisioning');
    expect(health({ universeState: 'Editing' }).state).toBe('updating');
    expect(health({ universeState: 'Deleting' }).state).toBe('updating');
  });
});
