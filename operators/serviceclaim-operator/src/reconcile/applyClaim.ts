import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClaimObject, RenderedResource } from '../render/types';
import type { ClaimRun } from './ClaimRun';
import { addCleanupFinalizer } from './cleanupFinalizer';
import { ensureCredentials } from './ensureCredentials';
import { objectLabel } from './objectIdentity';
import { serverSideApply } from './serverSideApply';

/**
 * Makes the cluster hold what the claim renders and returns the objects as
 * stored: the cleanup finalizer goes on first, before anything is written that
 * would need cleaning up; then the kinds are watched, the credentials Secret is
 * created and each resource server-side applied. A claim this PoP renders
 * nothing for (it runs in other regions) gets no finalizer.
 */
export async function applyClaim(
  run: ClaimRun,
  view: ClaimObject,
  rendered: RenderedResource[],
): Promise<KubernetesObject[]> {
  if (rendered.length === 0) return [];
  const { deps } = run;
  await addCleanupFinalizer(run);
  for (const resource of rendered) deps.owned?.ensureKind(resource);

  await run.step('ApplyFailed', 'credentials Secret', () =>
    ensureCredentials(deps.objects, view, deps.credentialsCreated ?? new Set()),
  );
  const applied: KubernetesObject[] = [];
  for (const resource of rendered) {
    applied.push(
      await run.step('ApplyFailed', objectLabel(resource), () =>
        serverSideApply(deps.objects, resource),
      ),
    );
  }
  return applied;
}
