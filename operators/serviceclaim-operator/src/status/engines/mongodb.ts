import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { MONGODB_DATABASE } from '../../render/engines/mongodb';
import type { EngineStatusReader } from '../engineStatus';
import { specOf, statusOf } from '../engineStatus';

/** The community operator's MongoDBCommunity: phase, members and message. */
export const mongodbStatus: EngineStatusReader = {
  kind: 'MongoDBCommunity',
  health(replicaSet, claim) {
    const status = statusOf(replicaSet);
    const desired: number =
      specOf(replicaSet).members ?? claim.spec.resources.mongod.replicas;
    const current: number = status.currentMongoDBMembers ?? 0;
    const counts = `${current} of ${desired} members${
      status.message ? `: ${status.message}` : ''
    }`;
    switch (status.phase) {
      case 'Running':
        return current < desired
          ? { state: 'degraded', reason: 'MembersMissing', message: counts }
          : { state: 'ready', reason: 'Running', message: counts };
      case 'Failed':
        return current > 0
          ? { state: 'degraded', reason: 'Failed', message: counts }
          : { state: 'failed', reason: 'Failed', message: counts };
      default:
        return current > 0
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
