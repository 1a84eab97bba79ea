import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import type { EngineHealth, EngineStatusReader } from '../engineStatus';
import { DECLARED, specOf, statusOf } from '../engineStatus';

const ROLLING_UPDATE: EngineHealth = {
  state: 'updating',
  reason: 'RollingUpdate',
  message: 'The Dragonfly operator is rolling out a new version.',
};

/**
 * The Dragonfly operator's Dragonfly: `phase` and `isRollingUpdate`, nothing
 * else (no conditions, no member counts, no error phase). Its phases
 * (dragonfly-operator v1.6.1 internal/controller/util.go) are
 * `ResourcesCreated` (StatefulSet and Service made), `Configuring` (electing a
 * master), `Ready` (a master is serving; `ready` from older operators),
 * `RollingUpdate`. A reconcile error leaves the phase as it was and is told
 * only in the operator's log and events, so it cannot be read here.
 */
export const dragonflyStatus: EngineStatusReader = {
  kind: 'Dragonfly',
  health(instance) {
    const status = statusOf(instance);
    const phase: string | undefined = status.phase;
    switch (phase) {
      case 'Ready':
      case 'ready':
        return status.isRollingUpdate
          ? ROLLING_UPDATE
          : {
              state: 'ready',
              reason: 'Ready',
              message:
                'The Dragonfly operator reports Ready: the master is elected and serving.',
            };
      case 'RollingUpdate':
        return ROLLING_UPDATE;
      case 'Configuring':
        return {
          state: 'provisioning',
          reason: 'Configuring',
          message:
            'The Dragonfly operator is electing a master and configuring replication.',
        };
      case 'ResourcesCreated':
        return {
          state: 'provisioning',
          reason: 'ResourcesCreated',
          message:
            'The Dragonfly operator created the StatefulSet and Service; no master is elected yet.',
        };
      default:
        return {
          state: 'provisioning',
          reason: phase ? phase.replace(/[^A-Za-z0-9]/g, '') : 'Pending',
          message: phase
            ? `The Dragonfly operator reports ${phase}.`
            : 'The Dragonfly operator has not reported yet (it reports nothing when it cannot create the resources: see its events).',
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
