import type { KubernetesObject } from '@kubernetes/client-node';
import {
  formatZodError,
  runnableClaimSpecSchema,
} from '@internal/backstage-plugin-dbaas-common';
import { describeError } from '@internal/backstage-plugin-dbaas-node';
import type { RenderedResource } from '../render/types';
import type { ClaimRun } from './ClaimRun';
import { FINALIZER } from './cleanupFinalizer';
import { finalBackupState } from './finalBackupState';
import { objectLabel } from './objectIdentity';
import { readBackups } from './reportBackups';
import { serverSideApply } from './serverSideApply';

/** The final backup of a claim being deleted, and how far it is. */
export type FinalBackup = {
  object: KubernetesObject;
  state: 'pending' | 'completed';
};

/**
 * Requests the final backup of a claim being deleted when its backups are on
 * (and its engine has an on-demand backup), and says how far it is. A failed
 * backup, or one that cannot be made, is reported and thrown: the claim waits,
 * with the way out in the message.
 */
export async function requestFinalBackup(
  run: ClaimRun,
): Promise<FinalBackup | undefined> {
  const { deps } = run;
  const spec = run.claim.spec as { backup?: { enabled?: boolean } };
  if (!spec?.backup?.enabled) return undefined;
  const parsed = runnableClaimSpecSchema.safeParse(run.claim.spec);
  if (!parsed.success) {
    return run.fail(
      'Deleting',
      'FinalBackupFailed',
      `No final backup can be made of an invalid spec (${formatZodError(
        parsed.error,
      )}); fix the spec, or remove the finalizer ${FINALIZER} to delete without one`,
    );
  }
  let request: RenderedResource | undefined;
  try {
    request = deps.renderFinalBackup?.(run.view(parsed.data), deps.context);
  } catch (error) {
    return run.fail('Deleting', 'FinalBackupFailed', describeError(error));
  }
  if (!request) return undefined;
  // Watched, so that its completion brings the claim back at once.
  deps.owned?.ensureKind(request);
  // Applying again is a no-op: a retried deletion never asks for a second backup.
  const object = await run.step(
    'FinalBackupFailed',
    `final backup ${objectLabel(request)}`,
    () => serverSideApply(deps.objects, request!),
    'Deleting',
  );
  // The portal learns how the final backup goes before the claim is gone.
  const backups = await readBackups(deps, run.view(parsed.data), {
    reported: run.claim.status?.backups,
    logger: run.logger,
  });
  if (backups?.length) {
    await run.writeStatus({ ...run.claim.status, backups });
  }
  const state = finalBackupState(object);
  if (state === 'failed') {
    const detail = (object as { status?: { error?: string } }).status?.error;
    return run.fail(
      'Deleting',
      'FinalBackupFailed',
      `The final backup ${objectLabel(object)} failed${
        detail ? `: ${detail}` : ''
      }; delete it to try again, or remove the finalizer ${FINALIZER} to delete without one`,
    );
  }
  return { object, state };
}
