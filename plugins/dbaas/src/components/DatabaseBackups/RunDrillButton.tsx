import { useApi } from '@backstage/frontend-plugin-api';
import type { RestoreDrill } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { ActionButton } from '../ActionButton';

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
      <ActionButton
        onClick={run}
        unavailable={props.unavailable}
        reasonPrefix="Cannot be drilled: "
        busy={running}
      >
        Run a drill now
      </ActionButton>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {error}
        </Typography>
      )}
    </>
  );
};
