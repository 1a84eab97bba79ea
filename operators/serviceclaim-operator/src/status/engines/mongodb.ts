import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { MONGODB_DATABASE } from '../../render/engines/mongodb';
import type { EngineStatusReader } from '../engineStatus';
import { specOf, statusOf } from '../engineStatus';

/**
 * The community operator's MongoDBCommunity: `phase` (Running, Pending, Failed),
 * `currentMongoDBMembers`, `currentStatefulSetReplicas` and `message`. The
 * operator (mongodb-kubernetes 1.10.0
 * mongodb-community-operator/controllers/replica_set_controller.go) writes
 * Running only once the StatefulSet is ready and no scaling step is left, with
 * the member counts; Pending ("ReplicaSet is not yet ready", "Performing
 * scaling operation") and Failed (invalid spec, TLS, users, StatefulSet errors)
 * carry its message and keep the counts of the last Running.
 */
export const mongodbStatus: EngineStatusReader = {
  kind: 'MongoDBCommunity',
  health(replicaSet, claim) {
    const status = statusOf(replicaSet);
    const desired: number =
      specOf(replicaSet).members ?? claim.spec.resources.mongod.replicas;
    const members: number = status.currentMongoDBMembers ?? 0;
    const pods: number = status.currentStatefulSetReplicas ?? 0;
    const counts = `${Math.min(members, pods)} of ${desired} members${
      status.message ? `: ${status.message}` : ''
    }`;
    switch (status.phase) {
      case 'Running':
        // Running with other counts than asked: the operator has not yet
        // acted on a changed spec.members.
        return members !== desired || pods !== desired
          ? { state: 'updating', reason: 'Scaling', message: counts }
          : { state: 'ready', reason: 'Running', message: counts };
      case 'Failed':
        return members > 0
          ? { state: 'degraded', reason: 'Failed', message: counts }
          : { state: 'failed', reason: 'Failed', message: counts };
      default:
        // Members are counted from the first Running on: before it, the
        // replica set is still being created.
        return members > 0
          ? { state: 'updating', reason: 'Pending', message: counts }
          : { state: 'provisioning', reason: 'Pending', message: counts };
    }
  },
  backup() {
    return {
      status: 'False',
      reason: 'NotSupported',
      message: 'MongoDBCommunity has no backup resource.',
    };
  },
  connection(_replicaSet, claim) {
    const secret = credentialsSecret(claim)!;
    return {
      host: `${claim.metadata.name}-svc.${claim.metadata.namespace}.svc`,
      port: 27017,
      database: MONGODB_DATABASE,
      username: secret.username,
      passwordSecretRef: { name: secret.name, key: PASSWORD_KEY },
    };
  },
};
