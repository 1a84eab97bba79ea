import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { describeSchedule } from './describeSchedule';
import { DEFAULT_RETENTION, describeRetention } from './retentionMs';

/**
 * When a database is backed up on its own and how long backups are kept, or
 * that scheduled backups are off.
 */
export const BackupSchedule = (props: {
  backup: ServiceDetails['config']['backup'];
}) => {
  const { enabled, schedule, retention } = props.backup;
  if (!enabled) {
    return (
      <Typography variant="body2">
        Scheduled backups are disabled for this database. Backups are only taken
        when someone asks for one.
      </Typography>
    );
  }
  const kept = `Backups are kept for ${describeRetention(
    retention ?? DEFAULT_RETENTION,
  )}.`;
  if (!schedule) {
    return (
      <Typography variant="body2">
        Backups are enabled without a schedule: they are taken when someone asks
        for one. {kept}
      </Typography>
    );
  }
  const words = describeSchedule(schedule);
  return (
    <Typography variant="body2">
      {words ? (
        <>
          Backed up {words} (cluster time; cron <code>{schedule}</code>).
        </>
      ) : (
        <>
          Backed up on the cron schedule <code>{schedule}</code> (cluster time).
        </>
      )}{' '}
      {kept}
    </Typography>
  );
};
