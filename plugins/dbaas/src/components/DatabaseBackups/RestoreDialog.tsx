import { useApi } from '@backstage/frontend-plugin-api';
import type { Backup, Restore } from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState, type FormEvent } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { Timestamp } from '../Timestamp';
import { fromDateTimeLocal, toDateTimeLocal } from './dateTimeLocal';
import { describeRetention } from './retentionMs';
import { restoreWindow } from './restoreWindow';

const MINUTE_MS = 60_000;
const timeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
// The input holds whole minutes: round the window inwards so that every
// minute it offers is inside the window.
const ceilToMinute = (date: Date) =>
  new Date(Math.ceil(date.getTime() / MINUTE_MS) * MINUTE_MS);
const floorToMinute = (date: Date) =>
  new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);
const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;

type CompletedBackup = Backup & { completedAt: string };

/**
 * Restores a database from one of its completed backups, to the end of the
 * backup or to a moment after it. The picker only offers moments inside the
 * restore window and refuses others before sending; the API checks again, and
 * what it says is shown as it is.
 */
export const RestoreDialog = (props: {
  serviceId: string;
  backup: CompletedBackup;
  retention: string;
  onClose: () => void;
}) => {
  const { serviceId, backup, retention, onClose } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [mode, setMode] = useState<'end' | 'point'>('end');
  const [pointInTime, setPointInTime] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [restore, setRestore] = useState<Restore>();
  const id = useId();

  const range = restoreWindow(backup.completedAt, retention, new Date());
  const min = ceilToMinute(range.from);
  const max = floorToMinute(range.to);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    let at: Date | undefined;
    if (mode === 'point') {
      at = fromDateTimeLocal(pointInTime);
      // Checked against the window as it is now, not as it was when the
      // dialog opened: the end of the window moves with the clock.
      const current = restoreWindow(backup.completedAt, retention, new Date());
      if (!at || at < current.from || at > current.to) {
        // In whole minutes, as the picker offers them.
        setError(
          `Choose a time between ${timeFormat.format(
            ceilToMinute(current.from),
          )} and ${timeFormat.format(floorToMinute(current.to))}.`,
        );
        return;
      }
    }
    setSubmitting(true);
    try {
      setRestore(
        await dbaasApi.restoreService(serviceId, {
          backupId: backup.id,
          ...(at ? { pointInTime: at.toISOString() } : {}),
        }),
      );
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  const body = () => {
    if (restore) {
      return (
        <Typography role="status">
          Restore {restore.restoreId} is {restore.status}
          {restore.pointInTime ? (
            <>
              {' '}
              (to <Timestamp at={restore.pointInTime} />)
            </>
          ) : null}
          .
        </Typography>
      );
    }
    if (range.expired) {
      return (
        <Typography>
          This backup ended before the {describeRetention(retention)} retention
          window, so it can no longer be restored.
        </Typography>
      );
    }
    return (
      <>
        <FormControl component="fieldset">
          <FormLabel component="legend">Restore to</FormLabel>
          <RadioGroup
            value={mode}
            onChange={e => setMode(e.target.value as 'end' | 'point')}
          >
            <FormControlLabel
              value="end"
              control={<Radio />}
              label="The end of the backup"
            />
            <FormControlLabel
              value="point"
              control={<Radio />}
              label="A point in time after it"
              disabled={min > max}
            />
          </RadioGroup>
        </FormControl>
        {mode === 'point' && (
          <TextField
            id={`${id}-point-in-time`}
            type="datetime-local"
            label={`Point in time (${zone})`}
            value={pointInTime}
            onChange={e => setPointInTime(e.target.value)}
            InputLabelProps={{ shrink: true }}
            inputProps={{
              min: toDateTimeLocal(min),
              max: toDateTimeLocal(max),
            }}
            helperText={`Between ${timeFormat.format(
              min,
            )} (the backup's end, within the ${describeRetention(
              retention,
            )} retention) and now`}
            fullWidth
            margin="normal"
          />
        )}
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </>
    );
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={`${id}-title`} fullWidth>
      {/* noValidate: the browser's own bubble for a time outside min/max would
          stop the submit before the dialog can say which times are allowed. */}
      <form onSubmit={submit} noValidate>
        <DialogTitle id={`${id}-title`}>
          Restore from the backup of <Timestamp at={backup.completedAt} />
        </DialogTitle>
        <DialogContent>{body()}</DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{restore ? 'Close' : 'Cancel'}</Button>
          {!restore && !range.expired && (
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={submitting}
            >
              Restore
            </Button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
};
