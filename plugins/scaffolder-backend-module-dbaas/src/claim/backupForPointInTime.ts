import { InputError } from '@backstage/errors';
import type { Backup } from '@internal/backstage-plugin-dbaas-common';

/**
 * The backup a point-in-time restore starts from: the latest completed backup
 * that ended at or before that moment (the latest of all without one), since
 * the API replays the log forward from a backup's end.
 */
export function backupForPointInTime(
  backups: Backup[],
  pointInTime?: string,
): Backup {
  const at = pointInTime ? Date.parse(pointInTime) : Infinity;
  const candidates = backups
    .filter(b => b.status === 'completed' && b.completedAt)
    .filter(b => Date.parse(b.completedAt!) <= at)
    .sort((a, b) => Date.parse(b.completedAt!) - Date.parse(a.completedAt!));
  if (candidates.length === 0) {
    throw new InputError(
      pointInTime
        ? `pointInTime: no completed backup ended at or before ${pointInTime}`
        : 'backupId: the database has no completed backup to restore',
    );
  }
  return candidates[0];
}
