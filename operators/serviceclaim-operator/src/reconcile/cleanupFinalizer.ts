import type { ClaimRun } from './ClaimRun';

/** The finalizer that holds a claim until its engine resources are cleaned up. */
export const FINALIZER = 'dbaas.io/cleanup';

/** Adds {@link FINALIZER} to the claim, unless it has it. */
export async function addCleanupFinalizer(run: ClaimRun): Promise<void> {
  const finalizers = run.claim.metadata.finalizers ?? [];
  if (finalizers.includes(FINALIZER)) return;
  await run.setFinalizers([...finalizers, FINALIZER]);
}

/** Removes {@link FINALIZER}, once the claim's resources are gone. */
export async function removeCleanupFinalizer(run: ClaimRun): Promise<void> {
  await run.setFinalizers(
    (run.claim.metadata.finalizers ?? []).filter(f => f !== FINALIZER),
  );
}
