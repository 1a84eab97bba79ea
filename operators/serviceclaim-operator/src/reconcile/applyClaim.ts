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
  for (const { awaits, ...resource } of rendered) {
    if (awaits && !observedByItsOperator(applied, awaits)) {
      // The awaited object's status change brings the claim back (its owned
      // objects are watched), and this one is applied then.
      run.logger.debug('not applied yet: waiting for its operator', {
        resource: objectLabel(resource),
        awaits: `${awaits.kind}/${awaits.name}`,
      });
      continue;
    }
    applied.push(
      await run.step('ApplyFailed', objectLabel(resource), () =>
        serverSideApply(deps.objects, resource),
      ),
    );
  }
  return applied;
}

/** Whether the applied object `awaits` names has a status its operator wrote. */
function observedByItsOperator(
  applied: KubernetesObject[],
  awaits: { kind: string; name: string },
): boolean {
  const object = applied.find(
    o => o.kind === awaits.kind && o.metadata?.name === awaits.name,
  ) as (KubernetesObject & { status?: object }) | undefined;
  return Object.keys(object?.status ?? {}).length > 0;
}
