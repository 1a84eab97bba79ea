import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Backup,
  BackupCapability,
  Restore,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import Grid from '@material-ui/core/Grid';
import { useId, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';
import { withAdded } from '../../utils/withAdded';
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
import { RestoreDrills } from './RestoreDrills';
import { RestoreTable } from './RestoreTable';

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
  // A restore goes as far as its new database: the list reloads when one of
  // them changes, as well as the source.
  const [requested, setRequested] = useState<Restore[]>([]);
  const [targetIds, setTargetIds] = useState<string[]>([]);
  const restoreChanges = useServiceChanges([
    serviceId,
    ...targetIds,
    ...requested.flatMap(r => (r.targetServiceId ? [r.targetServiceId] : [])),
  ]);
  const restoresListed = useAsyncRetry(async () => {
    const list = await dbaasApi.listRestores(serviceId);
    setTargetIds(
      list.flatMap(r => (r.targetServiceId ? [r.targetServiceId] : [])),
    );
    return list;
  }, [dbaasApi, serviceId, restoreChanges]);
  const reasonId = useId();

  const backups = withAdded(created, listed.value, (a, b) => a.id === b.id);
  const restores = withAdded(
    requested,
    restoresListed.value,
    (a, b) => a.restoreId === b.restoreId,
  );
  // What the engine behind the database really does with backups (the API's
  // engineBackups for it).
  const capabilities = service.value?.backups;
  const unavailable = (capability?: BackupCapability) =>
    capability && !capability.available ? capability.reason : undefined;
  const restoreUnavailable = unavailable(capabilities?.restore);
  // An engine that cannot restore has no restores to list, unless from before.
  const showRestores =
    capabilities?.restore.available ||
    restores.length > 0 ||
    restoresListed.error !== undefined;

  return (
    <>
      <Grid item xs={12}>
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
          {service.value && (
            <BackupSchedule backup={service.value.config.backup} />
          )}
          {listed.loading && !listed.value && <Progress />}
          {listed.error && (
            <ApiErrorPanel
              title="Could not load the backups"
              error={listed.error}
            />
          )}
          {restoreUnavailable && (
            <Typography id={reasonId} variant="body2" color="textSecondary">
              {restoreUnavailable}
            </Typography>
          )}
          {(listed.value || created.length > 0) && (
            <BackupTable
              backups={backups}
              onRestore={setRestoring}
              // The dialog needs the database: its name, retention and engine.
              restoreDisabled={
                !service.value || restoreUnavailable !== undefined
              }
              restoreUnavailable={restoreUnavailable}
              restoreUnavailableId={reasonId}
            />
          )}
          {restoring && service.value && (
            <RestoreDialog
              source={service.value}
              pointInTime={service.value.backups.pointInTime}
              retention={service.value.config.backup.retention}
              backup={restoring}
              onClose={() => setRestoring(undefined)}
              onRestored={restore => setRequested(list => [restore, ...list])}
            />
          )}
        </InfoCard>
      </Grid>
      {showRestores && (
        <Grid item xs={12}>
          <InfoCard title="Restores">
            {restoresListed.loading && !restoresListed.value && <Progress />}
            {restoresListed.error && (
              <ApiErrorPanel
                title="Could not load the restores"
                error={restoresListed.error}
              />
            )}
            {(restoresListed.value || requested.length > 0) &&
              service.value && (
                <RestoreTable
                  restores={restores}
                  tenant={service.value.tenant}
                  backups={backups}
                />
              )}
          </InfoCard>
        </Grid>
      )}
      <Grid item xs={12}>
        <RestoreDrills
          serviceId={serviceId}
          service={service.value}
          onServiceChanged={service.retry}
          backups={backups}
        />
      </Grid>
    </>
  );
};

/**
 * The Backups tab of a database: its schedule and retention, its backups with
 * their size and duration, a manual backup, restores of a completed backup
 * into a new database (to the backup's end or a point in time), the restores
 * made so far, and its restore drills (on or off, one now, their RTO and RPO).
 * Reloads when the backend announces a change of the database or of a
 * database restored from it, and every few seconds while a drill runs.
 */
export const DatabaseBackups = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <Grid container spacing={3}>
      {serviceId ? (
        <Loaded serviceId={serviceId} />
      ) : (
        <Grid item xs={12}>
          <InfoCard title="Backups">
            <MissingServiceId />
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
};
