import {
  offerings,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import { runsIn } from './regions';
import { aerospike } from './engines/aerospike';
import { dragonfly } from './engines/dragonfly';
import type {
  BackupRequestPlan,
  EngineRenderer,
} from './engines/engineRenderer';
import { mongodb } from './engines/mongodb';
import { postgresql } from './engines/postgresql';
import { scylla } from './engines/scylla';
import { vitess } from './engines/vitess';
import { yugabyte } from './engines/yugabyte';
import { podMonitor } from './monitoring';
import { networkPolicy } from './networkPolicy';
import type { ClaimObject, RenderContext, RenderedResource } from './types';

/** The renderer of each engine. */
export const engineRenderers: Record<EngineId, EngineRenderer> = {
  yugabyte,
  vitess,
  scylla,
  dragonfly,
  aerospike,
  mongodb,
  postgresql,
};

/**
 * Everything this PoP applies for a claim: the engine operator's resources, a
 * NetworkPolicy and, when metrics are on, a PodMonitor; all owned by the claim.
 * Every PoP receives every claim of a tenant through GitOps, so a claim that does
 * not run here (neither its region nor one of its replication regions) renders
 * nothing. Pure: the same claim and context always give the same list.
 */
export function renderClaim(
  claim: ClaimObject,
  ctx: RenderContext,
): RenderedResource[] {
  if (!runsIn(claim.spec, ctx.pop)) return [];
  const engine = engineRenderers[claim.spec.engine];
  if (engine.runsHere && !engine.runsHere(claim, ctx)) return [];
  const metricsOn = claim.spec.observability?.metrics.enabled ?? true;
  // The policy and the monitor go wherever the claim runs, even where the
  // engine's own resource lives in another PoP (a YugabyteDB universe places its
  // pods here from the primary PoP): they select pods by label.
  return [
    ...engine.render(claim, ctx),
    ...networkPolicy(claim, ctx, engine),
    ...(metricsOn ? [podMonitor(claim, engine)] : []),
  ];
}

/**
 * The on-demand backup to take of a claim being deleted, when its engine has a
 * backup resource that reports completion (CloudNativePG's Backup, status.phase
 * `completed` or `failed`) and this PoP runs the claim's primary with backups on.
 * Other engines return undefined: YugabyteDB's Backup and Aerospike's on-demand
 * backups report no completion the operator could wait for, and the rest have no
 * on-demand backup resource.
 */
export function renderFinalBackup(
  claim: ClaimObject,
  ctx: RenderContext,
): RenderedResource | undefined {
  if (!runsIn(claim.spec, ctx.pop)) return undefined;
  return engineRenderers[claim.spec.engine].finalBackup?.(claim, ctx);
}

/**
 * What this PoP does about the manual backup `backupId` the portal asked for
 * (the claim's `dbaas.io/backup-request`). Only the PoP running the claim's
 * primary acts, so the request is answered once however many regions have the
 * claim; there, a claim with backups off, or an engine without an on-demand
 * backup resource, gets the reason it cannot be taken.
 */
export function renderBackupRequest(
  claim: ClaimObject,
  ctx: RenderContext,
  backupId: string,
): BackupRequestPlan {
  if (!runsIn(claim.spec, ctx.pop) || ctx.pop !== claim.spec.region) {
    return { kind: 'elsewhere' };
  }
  if (!claim.spec.backup.enabled) {
    return {
      kind: 'unavailable',
      reason: 'Backups are off for this database: turn them on to take one.',
    };
  }
  const engine = engineRenderers[claim.spec.engine];
  if (engine.backupRequest) return engine.backupRequest(claim, ctx, backupId);
  const name =
    offerings.engines.find(e => e.id === claim.spec.engine)?.displayName ??
    claim.spec.engine;
  return {
    kind: 'unavailable',
    reason: `${name}'s Kubernetes operator has no on-demand backup resource, so no backup can be taken on request; its scheduled backups are not affected.`,
  };
}
