import {
  CLAIM_ANNOTATIONS,
  CLAIM_BACKUPS_REPORTED,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeError,
  isConflict,
} from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';
import { requestedBackupId } from '../render/backup';
import type { BackupRequestPlan } from '../render/engines/engineRenderer';
import type { ClaimObject } from '../render/types';
import { expireBackups } from './expireBackups';
import { objectLabel } from './objectIdentity';
import { readSources } from './readSources';
import type { ReconcileDeps } from './ReconcileDeps';
import { serverSideApply } from './serverSideApply';

/** What a reconcile knows that the backup report needs. */
export type BackupContext = {
  /** The backups the claim's status reports now. */
  reported: ServiceClaimStatus['backups'];
  logger: Logger;
  /** When given, backup objects past the claim's retention then are deleted. */
  expireAt?: Date;
};

/**
 * The claim's backups as its engine's backup objects tell them, read from the
 * apiserver (the engine makes scheduled ones, which the operator does not
 * own). When they cannot be read, what the status says already is kept:
 * backups are history, and a failed read is no reason to drop it.
 */
export async function readBackups(
  deps: ReconcileDeps,
  view: ClaimObject,
  context: BackupContext,
): Promise<ServiceClaimStatus['backups']> {
  const reader = deps.backups;
  if (!reader) return undefined;
  try {
    let objects = await readSources(
      deps.objects,
      view.metadata.namespace,
      reader.sources(view),
    );
    if (context.expireAt) {
      objects = await expireBackups(
        deps,
        view,
        objects,
        context.expireAt,
        context.logger,
      );
    }
    return reader.reports(view, objects);
  } catch (error) {
    context.logger.warn("could not read the claim's backups", {
      error: describeError(error),
    });
    return context.reported;
  }
}

/**
 * Acts on the manual backup the claim's `dbaas.io/backup-request` names, once:
 * creates the engine's on-demand backup object unless one was made for it
 * before (its report is in the status, even if the object is gone since), or
 * reports the backup failed with the reason when the engine cannot take one.
 * A failed creation is reported the same way instead of failing the claim:
 * the database is fine, only the backup is not. Returns the reports to write.
 */
export async function reportBackups(
  deps: ReconcileDeps,
  view: ClaimObject,
  context: BackupContext,
): Promise<ServiceClaimStatus['backups']> {
  const backups = await readBackups(deps, view, context);
  const annotation =
    view.metadata.annotations?.[CLAIM_ANNOTATIONS.backupRequest];
  const plan = deps.renderBackupRequest;
  if (!annotation || !plan || !deps.backups) return backups;
  const backupId = requestedBackupId(view);
  if (!backupId) {
    context.logger.warn('the claim requests a backup by an id that is none', {
      annotation: CLAIM_ANNOTATIONS.backupRequest,
      value: annotation,
    });
    return backups;
  }
  if (backups?.some(b => b.backupId === backupId)) return backups;
  const failed = (name: string, message: string) =>
    [
      {
        name,
        type: 'manual' as const,
        backupId,
        phase: 'failed' as const,
        message: message.slice(0, 1024),
      },
      ...(backups ?? []),
    ].slice(0, CLAIM_BACKUPS_REPORTED);
  let request: BackupRequestPlan;
  try {
    request = plan(view, deps.context, backupId);
  } catch (error) {
    return failed(`${view.metadata.name}-${backupId}`, describeError(error));
  }
  if (request.kind === 'elsewhere' || request.kind === 'rendered') {
    return backups;
  }
  if (request.kind === 'unavailable') {
    // Reported on every reconcile while the claim names it: nothing in the
    // cluster remembers it otherwise.
    return failed(`${view.metadata.name}-${backupId}`, request.reason);
  }
  // Taken before and its object gone since (or its creation failed): the
  // report stays while the claim names the backup, and it is not taken again.
  const before = context.reported?.find(b => b.backupId === backupId);
  if (before) {
    return [before, ...(backups ?? [])].slice(0, CLAIM_BACKUPS_REPORTED);
  }
  const resource = request.resource;
  deps.owned?.ensureKind(resource);
  try {
    await serverSideApply(deps.objects, resource);
  } catch (error) {
    if (isConflict(error)) throw error;
    context.logger.warn('could not create the requested backup', {
      backup: objectLabel(resource),
      error: describeError(error),
    });
    return failed(
      resource.metadata.name,
      `${objectLabel(resource)} could not be created: ${describeError(error)}`,
    );
  }
  context.logger.info('requested backup created', {
    backup: objectLabel(resource),
  });
  return readBackups(deps, view, { ...context, expireAt: undefined });
}
