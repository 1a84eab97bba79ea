import { retentionMs } from './retentionMs';

/** The moments a backup can restore a database to. */
export type RestoreWindow = {
  from: Date;
  to: Date;
  /** The backup ended before the retention window: nothing can be restored from it. */
  expired: boolean;
};

/**
 * Where a point-in-time restore from a backup may land: from the end of the
 * backup (the log is replayed from there) until now, and never before the
 * retention window, whose older backups and logs are gone. The backend applies
 * the same rule and has the last word; checking here lets the picker refuse a
 * time before the request is sent.
 */
export function restoreWindow(
  completedAt: string,
  retention: string,
  now: Date,
): RestoreWindow {
  const oldest = new Date(now.getTime() - retentionMs(retention));
  const end = new Date(completedAt);
  return {
    from: end > oldest ? end : oldest,
    to: now,
    expired: end < oldest,
  };
}
