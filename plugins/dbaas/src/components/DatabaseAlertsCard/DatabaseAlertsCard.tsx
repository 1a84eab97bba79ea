import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  dbaasServiceUpdatePermission,
  type ServiceAlert,
} from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';
import { Timestamp } from '../Timestamp';
import { MuteDialog } from './MuteDialog';

/** Alerts reach the portal without a change of the database: it looks again this often. */
const RELOAD_MS = 30_000;

const AlertRows = (props: { alerts: ServiceAlert[]; resolved?: boolean }) => (
  <Table size="small">
    <TableHead>
      <TableRow>
        <TableCell>Severity</TableCell>
        <TableCell>Alert</TableCell>
        <TableCell>{props.resolved ? 'From – to' : 'Since'}</TableCell>
        <TableCell>Runbook</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {props.alerts.map(alert => (
        <TableRow key={alert.id}>
          <TableCell>
            <Chip
              size="small"
              label={alert.severity}
              color={
                alert.severity === 'critical' && !props.resolved
                  ? 'secondary'
                  : 'default'
              }
            />
          </TableCell>
          <TableCell>
            <Typography variant="body2">
              <strong>{alert.name}</strong>
              {alert.muted && ' (muted: nobody was told)'}
            </Typography>
            {alert.summary && (
              <Typography variant="body2" color="textSecondary">
                {alert.summary}
              </Typography>
            )}
          </TableCell>
          <TableCell>
            <Timestamp at={alert.startsAt} />
            {alert.endsAt && (
              <>
                {' – '}
                <Timestamp at={alert.endsAt} />
              </>
            )}
          </TableCell>
          <TableCell>
            {alert.runbookUrl ? (
              <Link to={alert.runbookUrl}>What to do</Link>
            ) : (
              '—'
            )}
          </TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);

const Loaded = (props: { serviceId: string }) => {
  const { serviceId } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const service = useServiceDetails(serviceId);
  const alerts = useAsyncRetry(
    () => dbaasApi.listAlerts(serviceId),
    [dbaasApi, serviceId],
  );
  useInterval(alerts.retry, RELOAD_MS);
  // Only those who may change the database may mute it: others are not offered it.
  const { allowed: mayMute } = usePermission({
    permission: dbaasServiceUpdatePermission,
    resourceRef: serviceId,
  });
  const [muting, setMuting] = useState(false);
  const [unmuteError, setUnmuteError] = useState<string>();

  const unmute = async () => {
    setUnmuteError(undefined);
    try {
      await dbaasApi.unmuteAlerts(serviceId);
      alerts.retry();
    } catch (e) {
      setUnmuteError(apiErrorMessage(e as Error));
    }
  };

  if (alerts.error) {
    return (
      <ApiErrorPanel title="Could not load the alerts" error={alerts.error} />
    );
  }
  if (!alerts.value) return <Progress />;
  const { firing, recent, mute } = alerts.value;
  return (
    <>
      {mute ? (
        <Typography variant="body2" paragraph>
          Muted until <Timestamp at={mute.until} /> by {mute.mutedBy}:{' '}
          {mute.reason}.{' '}
          {mayMute && (
            <Button size="small" onClick={unmute}>
              Unmute
            </Button>
          )}
        </Typography>
      ) : (
        mayMute && (
          <Button
            size="small"
            variant="outlined"
            onClick={() => setMuting(true)}
          >
            Mute alerts
          </Button>
        )
      )}
      {unmuteError && (
        <Typography role="alert" color="error" variant="body2">
          {unmuteError}
        </Typography>
      )}
      {firing.length === 0 ? (
        <Typography variant="body2">No alert is firing.</Typography>
      ) : (
        <AlertRows alerts={firing} />
      )}
      {recent.length > 0 && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Resolved in the last 7 days
          </Typography>
          <AlertRows alerts={recent} resolved />
        </>
      )}
      {muting && (
        <MuteDialog
          serviceId={serviceId}
          databaseName={service.value?.name ?? 'this database'}
          onClose={() => setMuting(false)}
          onMuted={() => {
            setMuting(false);
            alerts.retry();
          }}
        />
      )}
    </>
  );
};

/**
 * A database's alerts, as its PoP's Alertmanager sent them: those firing with
 * their runbook, those resolved in the last week, and its mute. Whoever may
 * change the database may mute its alerts for a while, or end the mute.
 */
export const DatabaseAlertsCard = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <InfoCard title="Alerts">
      {/* A landmark: the card's title is not a heading. */}
      <section aria-label="Alerts">
        {serviceId ? <Loaded serviceId={serviceId} /> : <MissingServiceId />}
      </section>
    </InfoCard>
  );
};
