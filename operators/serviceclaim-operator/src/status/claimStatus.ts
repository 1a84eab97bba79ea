import {
  serviceClaimStatusSchema,
  type EngineId,
  type ServiceClaimStatus,
  NOT_IN_THIS_POP,
} from '@internal/backstage-plugin-dbaas-common';
import { BACKUP_ANNOTATION, type BackupWiring } from '../render/backup';
import { NOTES_ANNOTATION } from '../render/common';
import type { ClaimObject } from '../render/types';
import { CONDITION_TYPES, claimCondition } from './conditions';
import type {
  BackupHealth,
  EngineHealth,
  EngineStatusReader,
  ObjectSource,
  ObservedResource,
} from './engineStatus';
import { statusOf } from './engineStatus';
import { aerospikeStatus } from './engines/aerospike';
import { dragonflyStatus } from './engines/dragonfly';
import { mongodbStatus } from './engines/mongodb';
import { postgresqlStatus } from './engines/postgresql';
import { scyllaStatus } from './engines/scylla';
import { vitessStatus } from './engines/vitess';
import { yugabyteStatus } from './engines/yugabyte';

/** How each engine's own status is read. */
export const engineStatusReaders: Record<EngineId, EngineStatusReader> = {
  yugabyte: yugabyteStatus,
  vitess: vitessStatus,
  scylla: scyllaStatus,
  dragonfly: dragonflyStatus,
  aerospike: aerospikeStatus,
  mongodb: mongodbStatus,
  postgresql: postgresqlStatus,
};

const PHASES: Record<
  EngineHealth['state'],
  NonNullable<ServiceClaimStatus['phase']>
> = {
  provisioning: 'Provisioning',
  ready: 'Active',
  updating: 'Active',
  degraded: 'Active',
  failed: 'Failed',
};

/**
 * The engine's view, unless the engine has not caught up with its resource's
 * latest spec: then it is still rolling the change out, whatever it says.
 */
function currentHealth(
  reader: EngineStatusReader,
  resource: ObservedResource,
  claim: ClaimObject,
  observed: ObservedResource[],
  before: ServiceClaimStatus | undefined,
): EngineHealth {
  const health = reader.health(resource, claim, observed, before);
  const seen = statusOf(resource).observedGeneration;
  const generation = resource.metadata?.generation;
  if (
    (health.state === 'ready' || health.state === 'degraded') &&
    typeof seen === 'number' &&
    typeof generation === 'number' &&
    seen < generation
  ) {
    return {
      state: 'updating',
      reason: 'EngineReconciling',
      message: `The ${resource.kind} operator has not acted on its latest spec yet; ${health.message}`,
    };
  }
  return health;
}

function backupHealth(
  reader: EngineStatusReader,
  resource: ObservedResource,
  observed: ObservedResource[],
  claim: ClaimObject,
): BackupHealth {
  const wiring = resource.metadata?.annotations?.[BACKUP_ANNOTATION] as
    | BackupWiring
    | undefined;
  switch (wiring) {
    case 'disabled':
      return {
        status: 'False',
        reason: 'BackupDisabled',
        message: 'Backups are off in the claim.',
      };
    case 'no-destination':
      return {
        status: 'False',
        reason: 'NoDestination',
        message:
          'Backups are on but there is no destination: set spec.backup.destination, or the PoP default.',
      };
    case 'not-supported':
      return {
        status: 'False',
        reason: 'NotSupported',
        message:
          resource.metadata?.annotations?.[NOTES_ANNOTATION] ??
          'The engine operator cannot back up to this destination.',
      };
    case 'primary-region':
      return {
        status: 'True',
        reason: 'ScheduledInPrimaryRegion',
        message: `Backups are scheduled from the claim's primary region, ${claim.spec.region}.`,
      };
    default:
      return reader.backup(resource, observed, claim);
  }
}

/**
 * Where the objects are that the claim's engine operator makes and its status
 * reader needs beside the applied ones (none for most engines).
 */
export function relatedSources(claim: ClaimObject): ObjectSource[] {
  return engineStatusReaders[claim.spec.engine].related?.(claim) ?? [];
}

/**
 * The claim's status from the engine resources read back in this PoP and the
 * objects {@link relatedSources} names (with the claim's status as last
 * written, `before`, for engines that need it): phase, the Ready,
 * BackupConfigured and Degraded conditions for the claim's current
 * generation, and where to connect (never a password: the Secret holding it is
 * named instead). Validated against serviceClaimStatusSchema, so what the
 * operator writes is what the portal reads.
 *
 * Where this PoP holds no engine resource for the claim (a YugabyteDB universe
 * is run from its primary PoP, even where it places pods) the phase is Pending
 * and the conditions Unknown.
 */
export function claimStatusFrom(
  claim: ClaimObject,
  observed: ObservedResource[],
  now: Date,
  before?: ServiceClaimStatus,
): ServiceClaimStatus {
  const reader = engineStatusReaders[claim.spec.engine];
  const resource = observed.find(o => o.kind === reader.kind);
  const condition = (
    type: string,
    status: 'True' | 'False' | 'Unknown',
    reason: string,
    message: string,
  ) => claimCondition(claim, now, type, status, reason, message);

  const waiting = resource ? undefined : reader.absent?.(claim);
  if (waiting) {
    return serviceClaimStatusSchema.parse({
      phase: PHASES[waiting.state],
      observedGeneration: claim.metadata.generation,
      conditions: [
        condition(
          CONDITION_TYPES.ready,
          'False',
          waiting.reason,
          waiting.message,
        ),
        condition(
          CONDITION_TYPES.backupConfigured,
          'Unknown',
          waiting.reason,
          waiting.message,
        ),
        condition(
          CONDITION_TYPES.degraded,
          'False',
          waiting.reason,
          waiting.message,
        ),
      ],
    });
  }
  if (!resource) {
    const message = `There is no ${reader.kind} for the claim in this PoP; the claim's primary region is ${claim.spec.region}.`;
    return serviceClaimStatusSchema.parse({
      phase: 'Pending',
      observedGeneration: claim.metadata.generation,
      conditions: [
        CONDITION_TYPES.ready,
        CONDITION_TYPES.backupConfigured,
        CONDITION_TYPES.degraded,
      ].map(type => condition(type, 'Unknown', NOT_IN_THIS_POP, message)),
    });
  }

  const health = currentHealth(reader, resource, claim, observed, before);
  const serving = ['ready', 'updating', 'degraded'].includes(health.state);
  const troubled = health.state === 'degraded' || health.state === 'failed';
  const backup = backupHealth(reader, resource, observed, claim);
  const connection = reader.connection(resource, claim);
  const status: ServiceClaimStatus = {
    phase: PHASES[health.state],
    observedGeneration: claim.metadata.generation,
    conditions: [
      condition(
        CONDITION_TYPES.ready,
        serving ? 'True' : 'False',
        health.reason,
        health.message,
      ),
      condition(
        CONDITION_TYPES.backupConfigured,
        backup.status,
        backup.reason,
        backup.message,
      ),
      condition(
        CONDITION_TYPES.degraded,
        troubled ? 'True' : 'False',
        troubled || health.state === 'provisioning'
          ? health.reason
          : 'AsDesigned',
        troubled || health.state === 'provisioning'
          ? health.message
          : 'Every member the claim asks for is running.',
      ),
    ],
    ...(connection ? { connection } : {}),
  };
  return serviceClaimStatusSchema.parse(status);
}
