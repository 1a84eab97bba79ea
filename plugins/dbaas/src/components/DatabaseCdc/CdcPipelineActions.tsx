import { useApi } from '@backstage/frontend-plugin-api';
import type { CdcPipelineView } from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { TOPIC_RETENTION_DAYS } from './topicRetention';

type Action = 'pause' | 'resume' | 'restart';

/** The tables a pipeline captures, in words; by number where there are many. */
const captured = ({ tables }: CdcPipelineView) =>
  tables.length <= 3 ? tables.join(', ') : `its ${tables.length} tables`;

/**
 * A pipeline's actions: pause one that runs or is starting, resume one that
 * was paused, restart its connector, delete it after saying what happens to
 * its topics. A refusal shows in the row (or the confirmation) in the API's
 * own words.
 */
export const CdcPipelineActions = (props: {
  serviceId: string;
  pipeline: CdcPipelineView;
  /** The API accepted a change: its answer, or none for a deletion. */
  onChanged: (name: string, view?: CdcPipelineView) => void;
}) => {
  const { serviceId, pipeline, onChanged } = props;
  const { name } = pipeline;
  const dbaasApi = useApi(dbaasApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();
  const id = useId();

  const act = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    try {
      const calls: Record<Action, () => Promise<CdcPipelineView>> = {
        pause: () => dbaasApi.pauseCdcPipeline(serviceId, name),
        resume: () => dbaasApi.resumeCdcPipeline(serviceId, name),
        restart: () => dbaasApi.restartCdcPipeline(serviceId, name),
      };
      onChanged(name, await calls[action]());
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setDeleteError(undefined);
    try {
      await dbaasApi.deleteCdcPipeline(serviceId, name);
      setConfirming(false);
      onChanged(name);
    } catch (e) {
      setDeleteError(apiErrorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  const closeConfirmation = () => {
    setConfirming(false);
    setDeleteError(undefined);
  };

  const canPause =
    !pipeline.paused &&
    (pipeline.state === 'running' || pipeline.state === 'pending');

  return (
    <>
      <Box display="flex" flexWrap="wrap" gridGap={8}>
        {canPause && (
          <Button
            size="small"
            variant="outlined"
            aria-label={`Pause pipeline ${name}`}
            disabled={busy}
            onClick={() => act('pause')}
          >
            Pause
          </Button>
        )}
        {pipeline.paused && (
          <Button
            size="small"
            variant="outlined"
            aria-label={`Resume pipeline ${name}`}
            disabled={busy}
            onClick={() => act('resume')}
          >
            Resume
          </Button>
        )}
        <Button
          size="small"
          variant="outlined"
          aria-label={`Restart pipeline ${name}`}
          disabled={busy}
          onClick={() => act('restart')}
        >
          Restart
        </Button>
        <Button
          size="small"
          variant="outlined"
          aria-label={`Delete pipeline ${name}`}
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          Delete
        </Button>
      </Box>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {error}
        </Typography>
      )}
      <Dialog
        open={confirming}
        onClose={closeConfirmation}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
      >
        <DialogTitle id={`${id}-title`}>Delete pipeline {name}?</DialogTitle>
        <DialogContent>
          <DialogContentText id={`${id}-text`}>
            The pipeline stops streaming the changes of {captured(pipeline)}.
            Its topics and its dead letter topic are kept for{' '}
            {TOPIC_RETENTION_DAYS} days, so their consumers can read what is
            already in them.
          </DialogContentText>
          {deleteError && (
            <Typography role="alert" color="error" variant="body2">
              {deleteError}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={closeConfirmation}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy}
            onClick={remove}
          >
            Delete pipeline
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};
