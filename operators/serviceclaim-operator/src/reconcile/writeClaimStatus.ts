import type { KubernetesObject } from '@kubernetes/client-node';
import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from '../render/types';
import { CONDITION_TYPES } from '../status/conditions';
import type { ClaimRun } from './ClaimRun';
import { readSources } from './readSources';
import {
  CDC_POLL_MS,
  CDC_STARTING_POLL_MS,
  cdcNotConfigured,
  reconcileCdc,
} from '../cdc/reconcileCdc';
import { reportBackups } from './reportBackups';

/**
 * Whether the claim is being set up or short of members: states whose end may
 * show only in objects nothing watches.
 */
function onTheWay(status: ServiceClaimStatus): boolean {
  const degraded = status.conditions?.find(
    c => c.type === CONDITION_TYPES.degraded,
  );
  return (
    status.phase === 'Provisioning' ||
    (status.phase === 'Active' && degraded?.status === 'True')
  );
}

/**
 * Writes the status the applied objects and the engine's related objects tell
 * (`statusFrom`, with the status the claim had), with the claim's backups and
 * the generation it reflects, when it differs from the claim's. Returns when
 * to look again: related objects are read, not watched (the Dragonfly
 * operator's StatefulSet counts its ready pods, and the Dragonfly's own status
 * does not change when they do), so while the claim is Provisioning or
 * degraded it is looked at again after `relatedPollMs`, not at the next resync.
 *
 * A failure to read the related objects is thrown, for the queue to retry:
 * a status from half the picture would tell a serving database as not there.
 */
export async function writeClaimStatus(
  run: ClaimRun,
  view: ClaimObject,
  applied: KubernetesObject[],
): Promise<{ requeueAfterMs?: number }> {
  const sources = run.deps.related?.(view) ?? [];
  const related = sources.length
    ? await readSources(run.deps.objects, view.metadata.namespace, sources)
    : [];
  const status = run.deps.statusFrom(
    view,
    [...applied, ...related],
    run.now,
    run.claim.status,
  );
  const backups = await reportBackups(run.deps, view, {
    reported: run.claim.status?.backups,
    logger: run.logger,
    expireAt: run.now,
  });
  const cdc = run.deps.cdc
    ? await reconcileCdc(
        run.deps.cdc,
        run.deps.context,
        view,
        run.claim.status?.cdc,
        run.logger,
      )
    : cdcNotConfigured(run.deps.context, view);
  await run.writeStatus({
    ...status,
    observedGeneration: run.claim.metadata.generation,
    ...(backups?.length ? { backups } : {}),
    ...(cdc?.length ? { cdc } : {}),
  });
  const cdcPoll = cdc?.some(p => p.state === 'pending' || p.message)
    ? CDC_STARTING_POLL_MS
    : CDC_POLL_MS;
  const polls = [
    sources.length && onTheWay(status)
      ? run.deps.relatedPollMs ?? 30_000
      : undefined,
    cdc?.length ? cdcPoll : undefined,
  ].filter((ms): ms is number => ms !== undefined);
  return polls.length ? { requeueAfterMs: Math.min(...polls) } : {};
}
