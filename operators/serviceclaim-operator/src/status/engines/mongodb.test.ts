import { claimFrom } from '../../render/__testUtils__/skuClaims';
import {
  skuCatalog,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { mongodbStatus } from './mongodb';

const claim = claimFrom(
  'mongo-flex-rs',
  specFromSku(skuCatalog, 'mongo-flex-rs', 'frankfurt'),
);

function health(status: Record<string, unknown>, members = 3) {
  return mongodbStatus.health(
    { kind: 'MongoDBCommunity', spec: { members }, status },
    claim,
  );
}

// mongodb-kubernetes 1.10.0 mongodb-community-operator/controllers/
// replica_set_controller.go Reconcile: Running with the member counts once the
// StatefulSet is ready and no scaling step is left; Pending and Failed with the
// operator's message otherwise (api/v1 Phase: Running, Pending, Failed).
describe('mongodbStatus', () => {
  it('is ready only when Running with every member and pod counted', () => {
    expect(
      health({
        phase: 'Running',
        currentMongoDBMembers: 3,
        currentStatefulSetReplicas: 3,
      }),
    ).toEqual({ state: 'ready', reason: 'Running', message: '3 of 3 members' });
    expect(
      health({ phase: 'Running', currentMongoDBMembers: 3 }).state,
    ).not.toBe('ready');
  });

  it('is updating when Running for another member count than asked (spec.members changed)', () => {
    expect(
      health(
        {
          phase: 'Running',
          currentMongoDBMembers: 3,
          currentStatefulSetReplicas: 3,
        },
        5,
      ),
    ).toEqual(
      expect.objectContaining({ state: 'updating', reason: 'Scaling' }),
    );
  });

  it('is provisioning with the operator message while the replica set is first built', () => {
    expect(
      health({
        phase: 'Pending',
        currentMongoDBMembers: 0,
        currentStatefulSetReplicas: 0,
        message: 'ReplicaSet is not yet ready, retrying in 10 seconds',
      }),
    ).toEqual({
      state: 'provisioning',
      reason: 'Pending',
      message:
        '0 of 3 members: ReplicaSet is not yet ready, retrying in 10 seconds',
    });
    expect(health({}).state).toBe('provisioning');
  });

  it('is updating while Pending after it ran (scaling, rolling restart)', () => {
    expect(
      health({
        phase: 'Pending',
        currentMongoDBMembers: 3,
        currentStatefulSetReplicas: 3,
        message:
          'Performing scaling operation, currentMembers=3, desiredMembers=5',
      }).state,
    ).toBe('updating');
  });

  it('is failed with the operator message when Failed before it ever ran, degraded after', () => {
    const message =
      'error validating new Spec: SCRAM user app is missing password secret key';
    expect(
      health({ phase: 'Failed', currentMongoDBMembers: 0, message }),
    ).toEqual({
      state: 'failed',
      reason: 'Failed',
      message: `0 of 3 members: ${message}`,
    });
    expect(
      health({
        phase: 'Failed',
        currentMongoDBMembers: 3,
        currentStatefulSetReplicas: 3,
        message,
      }).state,
    ).toBe('degraded');
  });
});
