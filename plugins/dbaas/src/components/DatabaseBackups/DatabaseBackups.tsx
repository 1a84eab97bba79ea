import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Backup,
  BackupCapability,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';
import { BackUpNowButton } from './BackUpNowButton';
import { BackupSchedule } from './BackupSchedule';
import { BackupTable } from './BackupTable';
import { RestoreDialog } from './RestoreDialog';
import { DEFAULT_RETENTION } from './retentionMs';

type CompletedBackup = Backup & { completedAt: string };

const Loaded = (props: { serviceId: string }) => {
  const { serviceId } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const changes = useServiceChanges(serviceId);
  const service = useServiceDetails(serviceId);
  const listed = useAsyncRetry(
    () => dbaasApi.listBackups(serviceId),
    [dbaasApi, serviceId, changes],
  );
  // Backups asked for on this page show at once, before any reload lists them;
  // once the list has one, the listed copy (with its newer status) wins.
  const [created, setCreated] = useState<Backup[]>([]);
  const [restoring, setRestoring] = useState<CompletedBackup>();

  const backups = listed.value
    ? [
        ...created.filter(c => !listed.value!.some(b => b.id === c.id)),
        ...listed.value,
      ]
    : created;
  const retention = service.value?.config.backup.retention ?? DEFAULT_RETENTION;
  // What the engine behind the database really does with backups (the API's
  // engineBackups for it).
  const capabilities = service.value?.backups;
  const unavailable = (capability?: BackupCapability) =>
    capability && !capability.available ? capability.reason : undefined;
  const restoreUnavailable = unavailable(capabilities?.restore);

  return (
    <InfoCard
      title="Backups"
      action={
        <BackUpNowButton
          serviceId={serviceId}
          onCreated={backup => setCreated(list => [backup, ...list])}
          unavailable={unavailable(capabilities?.manual)}
        />
      }
    >
      {service.error && (
        <ApiErrorPanel
          title="Could not load the backup schedule"
          error={service.error}
        />
      )}
      {service.value && <BackupSchedule backup={service.value.config.backup} />}
      {listed.loading && !listed.value && <Progress />}
      {listed.error && (
        <ApiErrorPanel
          title="Could not load the backups"
          error={listed.error}
        />
      )}
      {restoreUnavailable && (
        <Typography variant="body2" color="textSecondary">
          {restoreUnavailable}
        </Typography>
      )}
      {(listed.value || created.length > 0) && (
        <BackupTable
          backups={backups}
          onRestore={setRestoring}
          restoreUnavailable={restoreUnavailable}
        />
      )}
      {restoring && (
        <RestoreDialog
          serviceId={serviceId}
          backup={restoring}
          retention={retention}
          onClose={() => setRestoring(undefined)}
        />
      )}
    </InfoCard>
  );
};

/**
 * The Backups tab of a database: its schedule and retention, its backups with
 * their size and duration, a manual backup, and restores from a completed
 * backup to its end or a point in time. Reloads when the backend announces a
 * change of the database.
 */
export const DatabaseBackups = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {serviceId ? (
          <Loaded serviceId={serviceId} />
        ) : (
          <InfoCard title="Backups">
            <MissingServiceId />
          </InfoCard>
        )}
      </Grid>
    </Grid>
  );
};
