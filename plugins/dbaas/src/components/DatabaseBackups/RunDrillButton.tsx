import { useApi } from '@backstage/frontend-plugin-api';
import type { RestoreDrill } from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';

/**
 * Runs a restore drill of the database now, whether its scheduled drills are
 * on or not; disabled, with the reason beneath, where the engine cannot
 * restore. A refusal (no permission, a drill already running, the platform's
 * drill budget used up) shows beneath in the API's own words.
 */
export const RunDrillButton = (props: {
  serviceId: string;
  onStarted: (drill: RestoreDrill) => void;
  /** Why the engine cannot restore (engineBackups): shown, button disabled. */
  unavailable?: string;
}) => {
  const dbaasApi = useApi(dbaasApiRef);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      props.onStarted(await dbaasApi.runRestoreDrill(props.serviceId));
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <Button
        variant="contained"
        color="primary"
        onClick={run}
        disabled={props.unavailable !== undefined || running}
        aria-describedby={props.unavailable ? `${id}-unavailable` : undefined}
      >
        Run a drill now
      </Button>
      {props.unavailable && (
        <Typography
          id={`${id}-unavailable`}
          variant="caption"
          color="textSecondary"
          display="block"
        >
          Cannot be drilled: {props.unavailable}
        </Typography>
      )}
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {error}
        </Typography>
      )}
    </>
  );
};
