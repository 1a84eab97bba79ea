import {
  DEFAULT_BACKUP_RETENTION,
  retentionMs,
} from '../claim/serviceClaimSpec';

/**
 * How far behind now a point-in-time restore must stay: WAL or oplog younger
 * than this may not be saved yet (CloudNativePG's default `archive_timeout`
 * switches to a new segment every five minutes; the MongoDB render has PBM
 * save an oplog slice every five minutes).
 * @public
 */
export const RESTORE_ARCHIVE_LAG_MS = 5 * 60_000;

/** The moments a backup can restore a database to. @public */
export type RestoreWindow = {
  from: Date;
  to: Date;
  /** The backup ended before the retention window: nothing can be restored from it. */
  expired: boolean;
  /** The retention the window was cut by. */
  retention: string;
};

/**
 * Where a restore from a backup may land: from the end of the backup (the log
 * is replayed from there) until what the archive surely holds (now less
 * RESTORE_ARCHIVE_LAG_MS), and never before the retention window, whose
 * older backups and logs are gone. `from` is after `to` when the backup ended
 * within the lag: only its end can be restored then. The API refuses what
 * falls outside; the portal's picker uses it to refuse before sending.
 * @public
 */
export function restoreWindow(
  completedAt: string,
  retention: string | undefined,
  now: Date,
  /** When the database was deleted: its log ends there. */
  deletedAt?: string,
): RestoreWindow {
  const kept = retention ?? DEFAULT_BACKUP_RETENTION;
  const oldest = new Date(now.getTime() - retentionMs(kept));
  const end = new Date(completedAt);
  const archived = now.getTime() - RESTORE_ARCHIVE_LAG_MS;
  const gone = deletedAt ? new Date(deletedAt).getTime() : Infinity;
  return {
    from: end > oldest ? end : oldest,
    to: new Date(Math.min(archived, gone)),
    expired: end < oldest,
    retention: kept,
  };
}

// A database name's limit (serviceNameSchema).
const MAX_NAME = 40;

/**
 * The name of a database restored without one: the source's, then `-r` and
 * the minute in UTC (`orders-r202612021030`), the source cut so the whole
 * stays a valid database name. The API gives it; the portal suggests it. A
 * restore drill's scratch database is marked `-d` instead.
 * @public
 */
export function restoredServiceName(
  source: string,
  now: Date,
  kind: 'restore' | 'drill' = 'restore',
): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  const prefix = source
    .slice(0, MAX_NAME - stamp.length - 2)
    .replace(/-+$/, '');
  return `${prefix}-${kind === 'drill' ? 'd' : 'r'}${stamp}`;
}

/**
 * Who restore drills on the portal's schedule are recorded as (their
 * `requestedBy`, and the actor of their audit events).
 * @public
 */
export const RESTORE_DRILL_SCHEDULE_ACTOR = 'dbaas:restore-drills';
