import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import type { EngineStatusReader } from '../engineStatus';
import { DECLARED, specOf, statusOf } from '../engineStatus';

/** The Dragonfly operator's Dragonfly: phase and isRollingUpdate. */
export const dragonflyStatus: EngineStatusReader = {
  kind: 'Dragonfly',
  health(instance) {
    const status = statusOf(instance);
    const phase: string | undefined = status.phase;
    switch (phase) {
      case 'Ready':
      case 'ready':
        return status.isRollingUpdate
          ? {
              state: 'updating',
              reason: 'RollingUpdate',
              message: 'A rolling update is in progress.',
            }
          : {
              state: 'ready',
              reason: 'Ready',
              message: 'The master and its replicas are ready.',
            };
      case 'RollingUpdate':
        return {
          state: 'updating',
          reason: 'RollingUpdate',
          message: 'A rolling update is in progress.',
        };
      default:
        return {
          state: 'provisioning',
          reason: phase ? phase.replace(/[^A-Za-z0-9]/g, '') : 'Pending',
          message: phase
            ? `The Dragonfly operator reports ${phase}.`
            : 'The Dragonfly operator has not reported yet.',
        };
    }
  },
  backup(instance) {
    // Dragonfly reports nothing about its snapshots.
    const snapshot = specOf(instance).snapshot ?? {};
    return snapshot.dir && snapshot.cron
      ? DECLARED
      : {
          status: 'False',
          reason: 'NoSnapshotSchedule',
          message: 'The Dragonfly has no snapshot schedule to object storage.',
        };
  },
  connection(_instance, claim) {
    const secret = credentialsSecret(claim)!;
    return {
      host: `${claim.metadata.name}.${claim.metadata.namespace}.svc`,
      port: 6379,
      username: secret.username,
      passwordSecretRef: { name: secret.name, key: PASSWORD_KEY },
    };
  },
};
