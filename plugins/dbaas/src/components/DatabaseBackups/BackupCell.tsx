import type { Backup } from '@internal/backstage-plugin-dbaas-common';
import { Timestamp } from '../Timestamp';
import { Caption } from '../Caption';

/** A backup by the time it ended, which is how the backups table shows it. */
export const BackupCell = (props: { backupId: string; backups: Backup[] }) => {
  const backup = props.backups.find(b => b.id === props.backupId);
  return backup?.completedAt ? (
    <>
      <Timestamp at={backup.completedAt} />
      <Caption>
        <code>{props.backupId}</code>
      </Caption>
    </>
  ) : (
    // Past the retention the backup is no longer listed: its id is all there is.
    <code>{props.backupId}</code>
  );
};
