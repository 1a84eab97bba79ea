import { deleteClaimConnectors } from '../cdc/reconcileCdc';
import type { ClaimRun } from './ClaimRun';
import { FINALIZER, removeCleanupFinalizer } from './cleanupFinalizer';
import { deleteOwnedObjects } from './deleteOwnedObjects';
import { objectIdentity, objectLabel } from './objectIdentity';
import type { ReconcileOutcome } from './ReconcileOutcome';
import { requestFinalBackup } from './requestFinalBackup';
import { deleteYsqlPasswordCopy } from './ysqlPasswordCopy';

/**
 * Cleans up after a claim being deleted: its final backup first (when its
 * backups are on), then its resources, then its finalizer, so that the
 * apiserver deletes it. While a step waits, the claim says on what and is
 * looked at again; a step that fails keeps the finalizer and says why.
 */
export async function finalizeClaim(run: ClaimRun): Promise<ReconcileOutcome> {
  if (!(run.claim.metadata.finalizers ?? []).includes(FINALIZER)) {
    // Not ours to hold up; another controller's finalizer keeps it.
    return { action: 'deleting', statusWritten: false };
  }
  const cdc = run.deps.cdc;
  if (cdc) {
    // First: a claim being deleted cannot come back, and its connectors
    // would only fail once its database goes.
    await run.step(
      'CdcCleanupFailed',
      'deleting the CDC connectors',
      () => deleteClaimConnectors(cdc, run.claim),
      'Deleting',
    );
  }

  const backup = await requestFinalBackup(run);
  if (backup?.state === 'pending') {
    await run.report(
      'Deleting',
      'FinalBackupPending',
      `Waiting for the final backup ${objectLabel(
        backup.object,
      )} to complete before deleting the database`,
    );
    return {
      action: 'deleting',
      requeueAfterMs: run.deps.finalBackupPollMs ?? 15_000,
      statusWritten: run.statusWritten,
    };
  }

  const keep = backup ? objectIdentity(backup.object) : undefined;
  const remaining = await deleteOwnedObjects(run, keep);
  if (remaining.length > 0) {
    await run.report(
      'Deleting',
      'WaitingForResources',
      `Waiting for ${remaining
        .map(
          o =>
            `${objectLabel(o)}${
              o.metadata?.finalizers?.length
                ? ` (finalizers: ${o.metadata.finalizers.join(', ')})`
                : ''
            }`,
        )
        .join(', ')} to be deleted`,
    );
    return {
      action: 'deleting',
      requeueAfterMs: run.deps.deletionPollMs ?? 5_000,
      statusWritten: run.statusWritten,
    };
  }

  const engine = (run.claim.spec as { engine?: string } | undefined)?.engine;
  if (engine === 'yugabyte') {
    // Not owned by the claim (it is in `default`): YBA read it at creation.
    await run.step(
      'CleanupFailed',
      'deleting the YSQL password copy in default',
      () => deleteYsqlPasswordCopy(run.deps.objects, run.claim),
      'Deleting',
    );
  }
  await removeCleanupFinalizer(run);
  run.logger.info('claim cleaned up; finalizer removed');
  return { action: 'deleted', statusWritten: run.statusWritten };
}
