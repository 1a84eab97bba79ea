import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { describeError } from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';
import type { ClaimObject } from '../render/types';
import { deleteInBackground } from './deleteInBackground';
import { objectLabel } from './objectIdentity';
import type { ReconcileDeps } from './ReconcileDeps';
import { FIELD_MANAGER } from './serverSideApply';

/**
 * Deletes the claim's backup objects that outlived its retention (the engine's
 * own retention prunes their data, or the finalizer the engine names makes its
 * operator delete it with the object) and returns the objects that remain.
 * One that cannot be deleted stays, for the next reconcile to try again: an
 * expired backup kept a while longer loses nothing.
 */
export async function expireBackups(
  deps: ReconcileDeps,
  view: ClaimObject,
  objects: KubernetesObject[],
  now: Date,
  logger: Logger,
): Promise<KubernetesObject[]> {
  const expired = deps.backups?.expired(view, objects, now);
  if (!expired?.objects.length) return objects;
  const { dataFinalizer } = expired;
  const gone = new Set<unknown>();
  for (const observed of expired.objects) {
    // One of `objects`, as the reader saw it.
    const object = observed as KubernetesObject;
    try {
      const finalizers = object.metadata?.finalizers ?? [];
      if (dataFinalizer && !finalizers.includes(dataFinalizer)) {
        // A merge patch at the read version: the list is replaced whole, so
        // a finalizer added meanwhile makes it a conflict, never lost.
        await deps.objects.patch(
          {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: {
              name: object.metadata?.name,
              namespace: object.metadata?.namespace,
              resourceVersion: object.metadata?.resourceVersion,
              finalizers: [...finalizers, dataFinalizer],
            },
          },
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        );
      }
      await deleteInBackground(deps.objects, object);
      gone.add(observed);
      logger.info("deleted a backup past the claim's retention", {
        backup: objectLabel(object),
      });
    } catch (error) {
      logger.warn("could not delete a backup past the claim's retention", {
        backup: objectLabel(object),
        error: describeError(error),
      });
    }
  }
  return objects.filter(object => !gone.has(object));
}
