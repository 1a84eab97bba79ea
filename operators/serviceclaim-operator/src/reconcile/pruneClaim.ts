import { BACKUP_ID_LABEL } from '../render/backup';
import type { RenderedResource } from '../render/types';
import type { ClaimRun } from './ClaimRun';
import { deleteInBackground } from './deleteInBackground';
import { objectIdentity, objectLabel } from './objectIdentity';

/**
 * Deletes what the claim owned before and renders no more. Reads the cache of
 * owned objects (without one, nothing is pruned): it runs on every reconcile,
 * and a missed object is pruned by a later one.
 */
export async function pruneClaim(
  run: ClaimRun,
  rendered: RenderedResource[],
): Promise<void> {
  const { owned, objects: api } = run.deps;
  if (!owned) return;
  const { objects } = owned.ownedBy(run.claim.metadata.uid);
  const wanted = new Set(rendered.map(objectIdentity));
  for (const object of objects) {
    if (
      wanted.has(objectIdentity(object)) ||
      object.metadata?.deletionTimestamp
    ) {
      continue;
    }
    // A requested backup is data taken, not desired state: it stays.
    if (object.metadata?.labels?.[BACKUP_ID_LABEL]) continue;
    run.logger.info('pruning a resource the claim no longer renders', {
      resource: objectLabel(object),
    });
    await run.step('ApplyFailed', `pruning ${objectLabel(object)}`, () =>
      deleteInBackground(api, object),
    );
  }
}
