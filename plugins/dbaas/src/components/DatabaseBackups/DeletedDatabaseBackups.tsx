import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  engineBackups,
  type Backup,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ApiErrorPanel } from '../DatabaseEntity';
import { Timestamp } from '../Timestamp';
import { BackupTable } from './BackupTable';
import { RestoreDialog } from './RestoreDialog';

type CompletedBackup = Backup & { completedAt: string };

/**
 * A deleted database's backups, which outlive it, in a dialog: each completed
 * one restorable into a new database as from a live database's Backups tab,
 * to its end or to a moment until the deletion. Where the engine cannot
 * restore, the buttons are disabled and say why.
 */
export const DeletedDatabaseBackups = (props: {
  /** A database as `GET /v1/services?deleted=true` lists it. */
  database: ServiceSummary;
  onClose: () => void;
}) => {
  const { database, onClose } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const listed = useAsync(
    () => dbaasApi.listBackups(database.id),
    [dbaasApi, database.id],
  );
  const [restoring, setRestoring] = useState<CompletedBackup>();
  const id = useId();
  const capabilities = engineBackups[database.engine];
  const restoreUnavailable = capabilities.restore.available
    ? undefined
    : capabilities.restore.reason;

  return (
    <>
      <Dialog
        open
        onClose={onClose}
        aria-labelledby={`${id}-title`}
        fullWidth
        maxWidth="lg"
      >
        <DialogTitle id={`${id}-title`}>
          Backups of {database.name}
          {database.deletedAt && (
            <>
              , deleted <Timestamp at={database.deletedAt} />
            </>
          )}
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            A backup is restored into a new database of the same team, engine,
            plan and region, which may take the name {database.name} had.
          </Typography>
          {listed.loading && <Progress aria-label="Loading the backups" />}
          {listed.error && (
            <ApiErrorPanel
              title="Could not load the backups"
              error={listed.error}
            />
          )}
          {restoreUnavailable && (
            <Typography
              id={`${id}-unavailable`}
              variant="body2"
              color="textSecondary"
            >
              {restoreUnavailable}
            </Typography>
          )}
          {listed.value && (
            <BackupTable
              backups={listed.value}
              onRestore={setRestoring}
              restoreDisabled={restoreUnavailable !== undefined}
              restoreUnavailable={restoreUnavailable}
              restoreUnavailableId={`${id}-unavailable`}
              emptyText="This database left no backups."
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Close</Button>
        </DialogActions>
      </Dialog>
      {restoring && (
        <RestoreDialog
          source={database}
          pointInTime={capabilities.pointInTime}
          retention={database.backupRetention}
          backup={restoring}
          onClose={() => setRestoring(undefined)}
        />
      )}
    </>
  );
};
