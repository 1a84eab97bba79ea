import {
  RESTORE_DRILL_SCHEDULE_ACTOR,
  type Backup,
  type RestoreDrill,
} from '@internal/backstage-plugin-dbaas-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Timestamp } from '../Timestamp';
import { BackupCell } from './BackupCell';
import { Caption } from '../Caption';
import { formatDuration } from './formatDuration';

const dash = '—';

const seconds = (value?: number) =>
  value === undefined ? dash : formatDuration(value * 1000);

/**
 * A database's restore drills, newest first: when each started, how it ended,
 * how long the restore took to be ready (RTO) and how old the restored backup
 * was (RPO), which backup and which scratch database, and who asked.
 */
export const RestoreDrillTable = (props: {
  drills: RestoreDrill[];
  /** The database's backups, to show a restored backup by its time. */
  backups: Backup[];
}) => {
  const { drills, backups } = props;
  if (drills.length === 0) {
    return (
      <Typography variant="body2">
        This database has not been drilled yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Restore drills">
      <TableHead>
        <TableRow>
          <TableCell>Started</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Time to ready (RTO)</TableCell>
          <TableCell>Backup age (RPO)</TableCell>
          <TableCell>Backup restored</TableCell>
          <TableCell>Scratch database</TableCell>
          <TableCell>Requested by</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {drills.map(drill => (
          <TableRow key={drill.id}>
            <TableCell>
              <Timestamp at={drill.startedAt} />
            </TableCell>
            <TableCell>
              <Typography
                variant="body2"
                color={drill.status === 'failed' ? 'error' : 'textPrimary'}
              >
                {drill.status}
              </Typography>
              {drill.message && <Caption>{drill.message}</Caption>}
            </TableCell>
            <TableCell>{seconds(drill.rtoSeconds)}</TableCell>
            <TableCell>{seconds(drill.rpoSeconds)}</TableCell>
            <TableCell>
              {drill.backupId ? (
                <BackupCell backupId={drill.backupId} backups={backups} />
              ) : (
                // The drill failed for want of a backup to restore.
                dash
              )}
            </TableCell>
            <TableCell>
              {/* Not linked: it is deleted once the drill ends. */}
              {drill.scratchName ? <code>{drill.scratchName}</code> : dash}
            </TableCell>
            <TableCell>
              {drill.requestedBy === RESTORE_DRILL_SCHEDULE_ACTOR
                ? 'The schedule'
                : drill.requestedBy}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
