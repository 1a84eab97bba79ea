import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Backup,
  RestoreDrill,
  ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';
import { withAdded } from '../../utils/withAdded';
import { ApiErrorPanel } from '../DatabaseEntity';
import { RestoreDrillTable } from './RestoreDrillTable';
import { RestoreDrillsSwitch } from './RestoreDrillsSwitch';
import { RunDrillButton } from './RunDrillButton';

/**
 * How often the drills are listed again while one runs. A drill ends on the
 * backend's own check of its scratch database, which no signal announces.
 */
export const DRILL_POLL_MS = 10_000;

/**
 * The Restore drills card of the Backups tab: what a drill is, whether the
 * database is drilled on the schedule (with a switch), a drill now, and the
 * drills so far with their RTO and RPO.
 */
export const RestoreDrills = (props: {
  serviceId: string;
  /** The database, once loaded: its spec says whether drills are on. */
  service?: ServiceDetails;
  /** Its config was changed here: load the details again. */
  onServiceChanged: () => void;
  /** The database's backups, to show a restored backup by its time. */
  backups: Backup[];
}) => {
  const { serviceId, service } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const changes = useServiceChanges(serviceId);
  const listed = useAsyncRetry(
    () => dbaasApi.listRestoreDrills(serviceId),
    [dbaasApi, serviceId, changes],
  );
  const [started, setStarted] = useState<RestoreDrill[]>([]);
  const drills = withAdded(started, listed.value, (a, b) => a.id === b.id);
  useInterval(
    listed.retry,
    drills.some(drill => drill.status === 'running') ? DRILL_POLL_MS : null,
  );

  const restore = service?.backups.restore;
  const unavailable =
    restore && !restore.available ? restore.reason : undefined;

  return (
    <InfoCard
      title="Restore drills"
      action={
        <RunDrillButton
          serviceId={serviceId}
          onStarted={drill => setStarted(list => [drill, ...list])}
          unavailable={unavailable}
        />
      }
    >
      <Typography variant="body2" paragraph>
        A restore drill proves the backups can be restored: it restores the
        latest restorable backup into a scratch database in the database’s
        primary PoP, records how long that database took to be ready (RTO) and
        how old the backup was (RPO), then deletes the scratch database. With
        scheduled drills on, the platform drills the database once a week unless
        it is set to another interval. Scratch databases count against the
        platform’s drill budget, not the team’s quota. A failed drill notifies
        the team that owns the database.
      </Typography>
      {service && !unavailable && (
        <RestoreDrillsSwitch
          service={service}
          onChanged={props.onServiceChanged}
        />
      )}
      {listed.loading && !listed.value && <Progress />}
      {listed.error && (
        <ApiErrorPanel
          title="Could not load the restore drills"
          error={listed.error}
        />
      )}
      {(listed.value || started.length > 0) && (
        <RestoreDrillTable drills={drills} backups={props.backups} />
      )}
    </InfoCard>
  );
};
