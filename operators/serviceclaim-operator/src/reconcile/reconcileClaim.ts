import {
  formatZodError,
  runnableClaimSpecSchema,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeError,
  isConflict,
} from '@internal/backstage-plugin-dbaas-node';
import type { ClaimObject, RenderedResource } from '../render/types';
import { applyClaim } from './applyClaim';
import { ClaimRun } from './ClaimRun';
import { finalizeClaim } from './finalizeClaim';
import { pruneClaim } from './pruneClaim';
import type { ReconcileDeps } from './ReconcileDeps';
import type { ReconcileOutcome } from './ReconcileOutcome';
import { writeClaimStatus } from './writeClaimStatus';

// What the controller and its tests use of the reconcile.
export { FINALIZER } from './cleanupFinalizer';
export { MANAGED_SELECTOR } from './managedKinds';
export type { ReconcileDeps } from './ReconcileDeps';
export { ReconcileError, type ReconcileOutcome } from './ReconcileOutcome';

/** The claim's resources; a renderer that throws is reported and rethrown. */
async function render(
  run: ClaimRun,
  view: ClaimObject,
): Promise<RenderedResource[]> {
  try {
    return run.deps.render(view, run.deps.context);
  } catch (error) {
    return run.fail('Failed', 'RenderFailed', describeError(error));
  }
}

/** Validate, render, apply, prune, write the status. */
async function reconcileLiveClaim(run: ClaimRun): Promise<ReconcileOutcome> {
  const parsed = runnableClaimSpecSchema.safeParse(run.claim.spec);
  if (!parsed.success) {
    const message = formatZodError(parsed.error);
    // Not an error to retry: nothing changes until the claim is edited, and
    // the edit's watch event brings it back.
    await run.report('Failed', 'InvalidSpec', message);
    if (run.statusWritten) {
      run.logger.warn('claim has an invalid spec', { reason: message });
    }
    return { action: 'invalid', statusWritten: run.statusWritten };
  }
  const view = run.view(parsed.data);
  const rendered = await render(run, view);
  const applied = await applyClaim(run, view, rendered);
  await pruneClaim(run, rendered);
  const next = await writeClaimStatus(run, view, applied);
  return { action: 'applied', statusWritten: run.statusWritten, ...next };
}

/**
 * One level-triggered reconcile of the claim `namespace/name`: whatever
 * happened before, it makes the cluster match the claim as it is now, and
 * running it again changes nothing.
 *
 * A live claim is validated (a spec the CRD let through but the rules refuse is
 * reported as Ready=False, InvalidSpec, and left alone until it is edited),
 * rendered, given the cleanup finalizer (when it renders anything here),
 * server-side applied ({@link applyClaim}), pruned of what it no longer renders
 * ({@link pruneClaim}), and its status written when it changed
 * ({@link writeClaimStatus}). A claim being deleted is finalized
 * ({@link finalizeClaim}).
 */
export async function reconcileClaim(
  deps: ReconcileDeps,
  key: string,
  signal?: AbortSignal,
): Promise<ReconcileOutcome> {
  const [namespace, name] = key.split('/');
  const claim = await deps.claims.get(namespace, name, signal);
  if (!claim) return { action: 'absent', statusWritten: false };
  const run = new ClaimRun(deps, claim, signal);
  try {
    return claim.metadata.deletionTimestamp
      ? await finalizeClaim(run)
      : await reconcileLiveClaim(run);
  } catch (error) {
    // Someone wrote the claim meanwhile; its watch event brings it back at once.
    if (isConflict(error)) {
      return { action: 'conflict', requeueAfterMs: 0, statusWritten: false };
    }
    throw error;
  }
}
