import type { Restore } from '@internal/backstage-plugin-dbaas-common';
import type { RestoreRecord } from '../database/BackupStore';
import type { RouteContext } from './routes/RouteContext';

/**
 * A restore as the API shows it. How far it got is its new database's: the
 * restore is done once that database was Active (its timeline says so, even
 * if it changed since), failed when it failed or went before that. There is
 * no second state to keep in step with the database's.
 */
export async function restoreView(
  ctx: Pick<RouteContext, 'services' | 'timeline'>,
  restore: RestoreRecord,
): Promise<Restore> {
  const base = {
    restoreId: restore.id,
    serviceId: restore.serviceId,
    backupId: restore.backupId,
    ...(restore.pointInTime ? { pointInTime: restore.pointInTime } : {}),
    createdBy: restore.createdBy,
    createdAt: restore.createdAt,
  };
  if (!restore.targetServiceId) {
    // Requested before restores were built: it made nothing.
    return {
      ...base,
      status: restore.status,
      ...(restore.message ? { message: restore.message } : {}),
    };
  }
  const [state, steps] = await Promise.all([
    ctx.services.getClaimState(restore.targetServiceId),
    ctx.timeline.list(restore.targetServiceId),
  ]);
  const target = {
    targetServiceId: restore.targetServiceId,
    ...(state ? { targetName: state.record.name } : {}),
  };
  if (steps.some(step => step.step === 'active')) {
    return { ...base, ...target, status: 'completed' };
  }
  if (!state || !state.live || state.record.status === 'Deleting') {
    return {
      ...base,
      ...target,
      status: 'failed',
      message: 'The new database was deleted before it was ready',
    };
  }
  if (state.record.status === 'Failed') {
    const ready = state.record.reported?.conditions?.find(
      condition => condition.type === 'Ready',
    );
    return {
      ...base,
      ...target,
      status: 'failed',
      message: ready?.message ?? 'The new database failed to come up',
    };
  }
  return {
    ...base,
    ...target,
    status: state.record.status === 'Pending' ? 'pending' : 'running',
  };
}
