import type { Backup } from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { Timestamp } from '../Timestamp';
import { formatBytes } from './formatBytes';
import { formatDuration } from './formatDuration';

const statusColor = (status: Backup['status']) =>
  status === 'failed' ? 'error' : 'textPrimary';

const dash = '—';
const timeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

function duration(backup: Backup) {
  if (!backup.startedAt || !backup.completedAt) return dash;
  return formatDuration(
    new Date(backup.completedAt).getTime() -
      new Date(backup.startedAt).getTime(),
  );
}

/**
 * A database's backups, newest first, a page at a time: a database backed up
 * every hour has thousands within its retention.
 */
export const BackupTable = (props: {
  backups: Backup[];
  onRestore: (backup: Backup & { completedAt: string }) => void;
  /** The restore buttons are disabled: the database is not loaded yet, or cannot restore. */
  restoreDisabled?: boolean;
  /** Why no backup can be restored (engineBackups). */
  restoreUnavailable?: string;
  /** The id of the element showing restoreUnavailable, which describes the buttons. */
  restoreUnavailableId?: string;
  /** What an empty list says; a live database has no backups "yet". */
  emptyText?: string;
}) => {
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(20);
  const { backups } = props;
  if (backups.length === 0) {
    return (
      <Typography variant="body2">
        {props.emptyText ?? 'This database has no backups yet.'}
      </Typography>
    );
  }
  // A shorter list (after a reload) must not leave the table on an empty page.
  const lastPage = Math.max(0, Math.ceil(backups.length / rowsPerPage) - 1);
  const shownPage = Math.min(page, lastPage);
  const rows = backups.slice(
    shownPage * rowsPerPage,
    (shownPage + 1) * rowsPerPage,
  );
  return (
    <>
      <Table size="small" aria-label="Backups">
        <TableHead>
          <TableRow>
            <TableCell>Requested</TableCell>
            <TableCell>Type</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Size</TableCell>
            <TableCell>Started</TableCell>
            <TableCell>Completed</TableCell>
            <TableCell>Duration</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(backup => {
            const { completedAt } = backup;
            return (
              <TableRow key={backup.id}>
                <TableCell>
                  <Timestamp at={backup.createdAt} />
                </TableCell>
                <TableCell>
                  {backup.type}
                  {backup.description && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      display="block"
                    >
                      {backup.description}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Typography
                    variant="body2"
                    color={statusColor(backup.status)}
                  >
                    {backup.status}
                  </Typography>
                  {backup.message && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      display="block"
                    >
                      {backup.message}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  {backup.sizeBytes !== undefined
                    ? formatBytes(backup.sizeBytes)
                    : dash}
                </TableCell>
                <TableCell>
                  {backup.startedAt ? (
                    <Timestamp at={backup.startedAt} />
                  ) : (
                    dash
                  )}
                </TableCell>
                <TableCell>
                  {completedAt ? <Timestamp at={completedAt} /> : dash}
                </TableCell>
                <TableCell>{duration(backup)}</TableCell>
                <TableCell>
                  {backup.status === 'completed' && completedAt && (
                    <Button
                      size="small"
                      variant="outlined"
                      aria-label={`Restore the backup of ${timeFormat.format(
                        new Date(completedAt),
                      )} into a new database`}
                      disabled={props.restoreDisabled}
                      title={props.restoreUnavailable}
                      aria-describedby={
                        props.restoreUnavailable
                          ? props.restoreUnavailableId
                          : undefined
                      }
                      onClick={() =>
                        props.onRestore({ ...backup, completedAt })
                      }
                    >
                      Restore
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={backups.length}
        page={shownPage}
        rowsPerPage={rowsPerPage}
        rowsPerPageOptions={[20, 50, 100]}
        onPageChange={(_, next) => setPage(next)}
        onRowsPerPageChange={e => {
          setRowsPerPage(Number(e.target.value));
          setPage(0);
        }}
      />
    </>
  );
};
