import type { Backup, Restore } from '@internal/backstage-plugin-dbaas-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { DatabaseLink } from '../DatabaseLink';
import { Timestamp } from '../Timestamp';
import { BackupCell } from './BackupCell';
import { Caption } from '../Caption';

const dash = '—';

/**
 * The restores of a database's backups, newest first: the new database each
 * made (linked to its page), from which backup and to which moment, and how
 * far it got, which is how far its new database got.
 */
export const RestoreTable = (props: {
  restores: Restore[];
  /** The source's tenant, which is every new database's. */
  tenant: string;
  /** The source's backups, to show a restored backup by its time. */
  backups: Backup[];
}) => {
  const { restores, tenant, backups } = props;
  if (restores.length === 0) {
    return (
      <Typography variant="body2">
        No backup of this database has been restored yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Restores">
      <TableHead>
        <TableRow>
          <TableCell>New database</TableCell>
          <TableCell>Backup</TableCell>
          <TableCell>Restored to</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Requested</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {restores.map(restore => (
          <TableRow key={restore.restoreId}>
            <TableCell>
              {restore.targetName ? (
                <DatabaseLink tenant={tenant} name={restore.targetName} />
              ) : (
                // No name: the restore made no database, or it is gone.
                dash
              )}
            </TableCell>
            <TableCell>
              <BackupCell backupId={restore.backupId} backups={backups} />
            </TableCell>
            <TableCell>
              {restore.pointInTime ? (
                <Timestamp at={restore.pointInTime} />
              ) : (
                'The backup\u2019s end'
              )}
            </TableCell>
            <TableCell>
              <Typography
                variant="body2"
                color={restore.status === 'failed' ? 'error' : 'textPrimary'}
              >
                {restore.status}
              </Typography>
              {restore.message && <Caption>{restore.message}</Caption>}
            </TableCell>
            <TableCell>
              <Timestamp at={restore.createdAt} />
              <Caption>by {restore.createdBy}</Caption>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
