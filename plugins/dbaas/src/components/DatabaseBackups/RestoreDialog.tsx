import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  restoreWindow,
  restoredServiceName,
  serviceNameSchema,
  type Backup,
  type Restore,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState, type FormEvent } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { DatabaseLink } from '../DatabaseLink';
import { Timestamp } from '../Timestamp';
import { fromDateTimeLocal, toDateTimeLocal } from './dateTimeLocal';
import { DEFAULT_RETENTION, describeRetention } from './retentionMs';

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

/** What is wrong with a name for the new database, by the API's own rule. */
function nameProblem(name: string, source: string): string | undefined {
  if (!name) return 'Give the new database a name';
  if (name === source) {
    return `${source} is the database restored from; the new one needs a name of its own`;
  }
  const parsed = serviceNameSchema.safeParse(name);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue.code === 'too_big'
    ? `The name must be at most ${issue.maximum} characters`
    : `The name ${issue.message}`;
}

/**
 * Restores one of a database's completed backups into a new database of the
 * same tenant, engine, plan and region, to the end of the backup or, where the
 * engine replays its log, to a moment after it; the source keeps running. The
 * picker only offers moments inside the restore window and refuses others
 * before sending; the API checks again, and what it says is shown as it is.
 */
export const RestoreDialog = (props: {
  service: ServiceDetails;
  backup: CompletedBackup;
  onClose: () => void;
  /** The restore the API accepted, for the page to list at once. */
  onRestored?: (restore: Restore) => void;
}) => {
  const { service, backup, onClose, onRestored } = props;
  const retention = service.config.backup.retention ?? DEFAULT_RETENTION;
  const pointInTimeCapability = service.backups.pointInTime;
  const dbaasApi = useApi(dbaasApiRef);
  const [name, setName] = useState(() =>
    restoredServiceName(service.name, new Date()),
  );
  const [mode, setMode] = useState<'end' | 'point'>('end');
  const [pointInTime, setPointInTime] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [restore, setRestore] = useState<Restore & { targetName: string }>();
  const id = useId();

  const range = restoreWindow(backup.completedAt, retention, new Date());
  const min = ceilToMinute(range.from);
  const max = floorToMinute(range.to);
  const team = parseEntityRef(service.tenant).name;
  const trimmedName = name.trim();
  const problem = nameProblem(trimmedName, service.name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (problem) return;
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
      const requested = await dbaasApi.restoreService(service.id, {
        backupId: backup.id,
        targetName: trimmedName,
        ...(at ? { pointInTime: at.toISOString() } : {}),
      });
      setRestore({
        ...requested,
        targetName: requested.targetName ?? trimmedName,
      });
      onRestored?.(requested);
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  const pointInTimeChoice = () => {
    if (!pointInTimeCapability.available) {
      return (
        <FormHelperText>
          No point in time: {pointInTimeCapability.reason}
        </FormHelperText>
      );
    }
    return (
      <>
        <FormControlLabel
          value="point"
          control={<Radio />}
          label="A point in time after it"
          disabled={min > max}
        />
        {min > max && (
          <FormHelperText>
            A point in time after this backup can be chosen five minutes after
            it ended, once the log since is archived.
          </FormHelperText>
        )}
      </>
    );
  };

  const body = () => {
    if (restore) {
      return (
        <Typography role="status">
          Restore requested: the new database{' '}
          <DatabaseLink tenant={service.tenant} name={restore.targetName} /> is
          provisioning from the backup
          {restore.pointInTime ? (
            <>
              {' '}
              up to <Timestamp at={restore.pointInTime} />
            </>
          ) : null}
          . Its page shows its progress; {service.name} keeps running as it is.
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
        <Typography variant="body2" paragraph>
          The backup is restored into a new database of the {team} team, with
          the engine, plan and region of {service.name}. {service.name} keeps
          running as it is. The new database counts against the team’s quota
          like any other.
        </Typography>
        <TextField
          id={`${id}-name`}
          label="New database name"
          value={name}
          onChange={e => setName(e.target.value)}
          error={problem !== undefined}
          helperText={
            problem ??
            'Lower-case letters, digits and dashes, starting with a letter'
          }
          required
          fullWidth
          margin="normal"
        />
        <FormControl component="fieldset" margin="normal">
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
            {pointInTimeChoice()}
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
            )} retention) and ${timeFormat.format(
              max,
            )} (five minutes ago: the newest log may not be archived yet)`}
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
          Restore the backup of <Timestamp at={backup.completedAt} /> into a new
          database
        </DialogTitle>
        <DialogContent>{body()}</DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{restore ? 'Close' : 'Cancel'}</Button>
          {!restore && !range.expired && (
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={submitting || problem !== undefined}
            >
              Restore
            </Button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
};
