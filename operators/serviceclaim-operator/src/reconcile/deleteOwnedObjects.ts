import type { KubernetesObject } from '@kubernetes/client-node';
import { runnableClaimSpecSchema } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimRun } from './ClaimRun';
import { deleteInBackground } from './deleteInBackground';
import { listAllPages } from './listAllPages';
import { kindKey, MANAGED_SELECTOR, type ManagedKind } from './managedKinds';
import { objectIdentity, objectLabel } from './objectIdentity';

/**
 * The kinds a deletion looks through: every managed kind, and what the claim
 * renders besides (a stand-in's, or a kind added since). A spec that no longer
 * validates just renders nothing here.
 */
function claimKinds(run: ClaimRun): Map<string, ManagedKind> {
  const kinds = new Map(
    run.deps.managedKinds().map(kind => [kindKey(kind), kind] as const),
  );
  const parsed = runnableClaimSpecSchema.safeParse(run.claim.spec);
  if (parsed.success) {
    try {
      for (const resource of run.deps.render(
        run.view(parsed.data),
        run.deps.context,
      )) {
        kinds.set(kindKey(resource), resource);
      }
    } catch {
      // A render failure has been reported by the reconciles before.
    }
  }
  return kinds;
}

/**
 * The claim's objects of `kinds`. Selected by the operator's label and the
 * claim's `app.kubernetes.io/instance`, so that a deletion reads the claim's own
 * few objects and not every database's in the namespace; ownership is then
 * checked by uid. An object that lost its labels is left to the garbage
 * collector, which follows its ownerReference.
 */
async function listOwned(
  run: ClaimRun,
  kinds: Map<string, ManagedKind>,
): Promise<KubernetesObject[]> {
  const { objects } = run.deps;
  const { uid, namespace, name } = run.claim.metadata;
  const lists = await Promise.all(
    [...kinds.values()].map(async kind => {
      if (!(await objects.collectionPath(kind.apiVersion, kind.kind))) {
        return [];
      }
      const items = await listAllPages(objects, kind, {
        namespace,
        labelSelector: `${MANAGED_SELECTOR},app.kubernetes.io/instance=${name}`,
      });
      return items.filter(item =>
        item.metadata?.ownerReferences?.some(ref => ref.uid === uid),
      );
    }),
  );
  return lists.flat();
}

/**
 * Deletes every object of a managed kind the claim owns, except `keep` (the
 * final backup, which outlives the claim), and returns those still there.
 * Reads the apiserver, not the cache: a deletion must not miss anything.
 */
export async function deleteOwnedObjects(
  run: ClaimRun,
  keep?: string,
): Promise<KubernetesObject[]> {
  const owned = await run.step('CleanupFailed', 'listing resources', () =>
    listOwned(run, claimKinds(run)),
  );
  const targets = owned.filter(o => objectIdentity(o) !== keep);
  for (const object of targets) {
    if (object.metadata?.deletionTimestamp) continue;
    await run.step(
      'CleanupFailed',
      `deleting ${objectLabel(object)}`,
      () => deleteInBackground(run.deps.objects, object),
      'Deleting',
    );
  }
  if (targets.length === 0) return [];
  // Looked at again only where there was something to delete.
  const left = await run.step('CleanupFailed', 'listing resources', () =>
    listOwned(
      run,
      new Map(
        targets.map(o => {
          const kind = { apiVersion: o.apiVersion!, kind: o.kind! };
          return [kindKey(kind), kind];
        }),
      ),
    ),
  );
  return left.filter(o => objectIdentity(o) !== keep);
}
