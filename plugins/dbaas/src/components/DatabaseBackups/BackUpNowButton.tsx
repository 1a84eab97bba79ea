import { useApi } from '@backstage/frontend-plugin-api';
import type { Backup } from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState, type FormEvent } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { ActionButton } from '../ActionButton';

// The API's limit on a backup's description (createBackupRequestSchema).
const MAX_DESCRIPTION = 500;

/**
 * Asks for a manual backup, with an optional description of why; disabled,
 * with the reason beneath, where the engine cannot take one. A refusal
 * (no permission, a database being deleted, the tenant's backup quota) stays
 * in the dialog with the API's own words.
 */
export const BackUpNowButton = (props: {
  serviceId: string;
  onCreated: (backup: Backup) => void;
  /** Why the engine cannot take a backup now (engineBackups): shown, button disabled. */
  unavailable?: string;
}) => {
  const dbaasApi = useApi(dbaasApiRef);
  const [open, setOpen] = useState(false);
  const [description, setDescription] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();

  const close = () => {
    setOpen(false);
    setError(undefined);
    setDescription('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      const backup = await dbaasApi.createBackup(
        props.serviceId,
        description.trim() || undefined,
      );
      props.onCreated(backup);
      close();
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <ActionButton
        onClick={() => setOpen(true)}
        unavailable={props.unavailable}
      >
        Back up now
      </ActionButton>
      <Dialog
        open={open}
        onClose={close}
        aria-labelledby={`${id}-title`}
        fullWidth
      >
        <form onSubmit={submit}>
          <DialogTitle id={`${id}-title`}>Back up now</DialogTitle>
          <DialogContent>
            <TextField
              id={`${id}-description`}
              label="Description (optional)"
              helperText="Why this backup is taken, e.g. before a migration"
              value={description}
              onChange={e => setDescription(e.target.value)}
              inputProps={{ maxLength: MAX_DESCRIPTION }}
              fullWidth
            />
            {error && (
              <Typography role="alert" color="error" variant="body2">
                {error}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={submitting}
            >
              Start backup
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
};
