import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  restoreWindow,
  restoredServiceName,
  serviceNameSchema,
  type Backup,
  type BackupCapability,
  type Restore,
  type ServiceSummary,
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

/**
 * The database a backup is restored from: a live one, or a deleted one, whose
 * backups outlive it.
 */
export type RestoreSource = Pick<
  ServiceSummary,
  'id' | 'name' | 'tenant' | 'deletedAt'
>;

/** What is wrong with a name for the new database, by the API's own rule. */
function nameProblem(name: string, source: RestoreSource): string | undefined {
  if (!name) return 'Give the new database a name';
  // A deleted database's name is free again: its restore may take it back.
  if (name === source.name && !source.deletedAt) {
    return `${source.name} is the database restored from; the new one needs a name of its own`;
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
 * engine replays its log, to a moment after it (for a deleted database, until
 * it was deleted); a live source keeps running. The picker only offers
 * moments inside the restore window and refuses others before sending; the
 * API checks again, and what it says is shown as it is.
 */
export const RestoreDialog = (props: {
  source: RestoreSource;
  /** Whether the source's engine can restore to a moment after a backup (engineBackups). */
  pointInTime: BackupCapability;
  /** How long the source's backups are kept; the default when not given. */
  retention?: string;
  backup: CompletedBackup;
  onClose: () => void;
  /** The restore the API accepted, for the page to list at once. */
  onRestored?: (restore: Restore) => void;
}) => {
  const {
    source,
    pointInTime: pointInTimeCapability,
    backup,
    onClose,
    onRestored,
  } = props;
  const retention = props.retention ?? DEFAULT_RETENTION;
  const deleted = source.deletedAt !== undefined;
  const dbaasApi = useApi(dbaasApiRef);
  // Bringing a deleted database back under its own name is the usual wish.
  const [name, setName] = useState(() =>
    deleted ? source.name : restoredServiceName(source.name, new Date()),
  );
  const [mode, setMode] = useState<'end' | 'point'>('end');
  const [pointInTime, setPointInTime] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [restore, setRestore] = useState<Restore & { targetName: string }>();
  const id = useId();

  const windowNow = () =>
    restoreWindow(backup.completedAt, retention, new Date(), source.deletedAt);
  const range = windowNow();
  const min = ceilToMinute(range.from);
  const max = floorToMinute(range.to);
  // A deleted database's log ends when it was deleted, unless that was less
  // than the archive lag ago.
  const endsAtDeletion =
    source.deletedAt !== undefined &&
    range.to.getTime() === Date.parse(source.deletedAt);
  const team = parseEntityRef(source.tenant).name;
  const trimmedName = name.trim();
  const problem = nameProblem(trimmedName, source);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (problem) return;
    let at: Date | undefined;
    if (mode === 'point') {
      at = fromDateTimeLocal(pointInTime);
      // Checked against the window as it is now, not as it was when the
      // dialog opened: the end of the window moves with the clock.
      const current = windowNow();
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
      const requested = await dbaasApi.restoreService(source.id, {
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
            {endsAtDeletion
              ? `${source.name} was deleted within a minute of this backup's end: only its end can be restored.`
              : 'A point in time after this backup can be chosen five minutes after it ended, once the log since is archived.'}
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
          <DatabaseLink tenant={source.tenant} name={restore.targetName} /> is
          provisioning from the backup
          {restore.pointInTime ? (
            <>
              {' '}
              up to <Timestamp at={restore.pointInTime} />
            </>
          ) : null}
          . Its page shows its progress
          {deleted ? '.' : `; ${source.name} keeps running as it is.`}
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
          the engine, plan and region of {source.name}.{' '}
          {deleted
            ? `It may take the name ${source.name} had.`
            : `${source.name} keeps running as it is.`}{' '}
          The new database counts against the team’s quota like any other.
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
            )} retention) and ${timeFormat.format(max)} (${
              endsAtDeletion
                ? `when ${source.name} was deleted`
                : 'five minutes ago: the newest log may not be archived yet'
            })`}
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
