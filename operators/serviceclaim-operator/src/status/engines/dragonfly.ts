import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import type {
  EngineHealth,
  EngineStatusReader,
  ObservedResource,
} from '../engineStatus';
import {
  DECLARED,
  ofKind,
  specOf,
  statusOf,
  wasServing,
} from '../engineStatus';

/**
 * What the Dragonfly operator makes for a Dragonfly and sizes from it: a
 * StatefulSet named after the Dragonfly, in its namespace, with
 * `spec.replicas` the Dragonfly's and the labels `app: <name>` and
 * `app.kubernetes.io/part-of: dragonfly` (dragonfly-operator v1.6.1
 * internal/resources/resources.go GenerateDragonflyResources,
 * generateResourceLabels; const.go). The Dragonfly resource is named after the
 * claim (src/render/engines/dragonfly.ts).
 */
const STATEFUL_SET = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

const count = (value: unknown) =>
  typeof value === 'number' && value > 0 ? value : 0;

/**
 * The Dragonfly's pods as its StatefulSet counts them, against what the
 * Dragonfly asks for. Ready pods are ready whatever spec the StatefulSet
 * controller last observed; more than asked (a scale-down under way) still
 * gives the claim what it asks for.
 */
function podsOf(
  instance: ObservedResource,
  observed: ObservedResource[],
): { desired: number; ready: number; said: string } {
  const desired = count(specOf(instance).replicas);
  const set = ofKind(observed, STATEFUL_SET.kind).find(
    s => s.metadata?.name === instance.metadata?.name,
  );
  if (!set) {
    return {
      desired,
      ready: 0,
      said: `0 of ${desired} pods ready: there is no StatefulSet ${instance.metadata?.name}`,
    };
  }
  const ready = count(statusOf(set).readyReplicas);
  return {
    desired,
    ready,
    said: `${Math.min(ready, desired)} of ${desired} pods ready`,
  };
}

/**
 * The Dragonfly operator's Dragonfly: `phase` and `isRollingUpdate`, nothing
 * else (no conditions, no member counts, no error phase). Its phases
 * (dragonfly-operator v1.6.1 internal/controller/util.go) are
 * `ResourcesCreated` (StatefulSet and Service made), `Configuring` (electing a
 * master: at first, and again when the master is lost), `Ready` (a master
 * serves; `ready` from older operators), `RollingUpdate`. A reconcile error
 * leaves the phase as it was and is told only in the operator's log and
 * events, so it cannot be read here.
 *
 * `Ready` comes as soon as the first pod is master (dragonfly_instance.go
 * configureReplication), before the replicas are up, and stays when pods are
 * lost later. So the pod counts come from the operator's StatefulSet (read on
 * every reconcile: {@link dragonflyStatus.related}): ready only with `Ready`
 * and every pod the Dragonfly asks for ready. Neither object tells an
 * instance still being built from one that lost pods; the claim's own status
 * does: short of ready, a claim that was serving is degraded (with the
 * counts), one that never was is provisioning.
 */
function health(
  instance: ObservedResource,
  observed: ObservedResource[],
  served: boolean,
): EngineHealth {
  const status = statusOf(instance);
  const phase: string | undefined = status.phase;
  const pods = podsOf(instance, observed);
  // Short of ready: Active (updating or degraded) only for a claim that was.
  const short = (
    state: 'updating' | 'degraded',
    reason: string,
    message: string,
  ): EngineHealth => ({
    state: served ? state : 'provisioning',
    reason,
    message,
  });
  const rolling = () =>
    short(
      'updating',
      'RollingUpdate',
      `The Dragonfly operator is rolling out a new version (${pods.said}).`,
    );
  switch (phase) {
    case 'Ready':
    case 'ready':
      if (status.isRollingUpdate) return rolling();
      // Fewer than asked while scaling up reads degraded too: the claim
      // asks for pods that are not there, and only the StatefulSet, which
      // nothing watches, tells when they are.
      return pods.ready >= pods.desired
        ? {
            state: 'ready',
            reason: 'Ready',
            message: `The Dragonfly operator reports Ready: the master serves and all ${pods.desired} pods are ready.`,
          }
        : short('degraded', 'PodsNotReady', `The master serves; ${pods.said}.`);
    case 'RollingUpdate':
      return rolling();
    case 'Configuring':
      return short(
        'degraded',
        'Configuring',
        `The Dragonfly operator is electing a master and configuring replication (${pods.said}).`,
      );
    case 'ResourcesCreated':
      return {
        state: 'provisioning',
        reason: 'ResourcesCreated',
        message: `The Dragonfly operator created the StatefulSet and Service; no master is elected yet (${pods.said}).`,
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
}

export const dragonflyStatus: EngineStatusReader = {
  kind: 'Dragonfly',
  related: claim => [
    {
      ...STATEFUL_SET,
      labelSelector: `app=${claim.metadata.name},app.kubernetes.io/part-of=dragonfly`,
    },
  ],
  health: (instance, _claim, observed = [], before) =>
    health(instance, observed, wasServing(before)),
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
