import { InfoCard, Progress } from '@backstage/core-components';
import {
  CDC_PIPELINES_PER_DATABASE,
  type CdcAccess,
  type CdcCapability,
} from '@internal/backstage-plugin-dbaas-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { ActionButton } from '../ActionButton';
import { Caption } from '../Caption';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
} from '../DatabaseEntity';
import { CdcPipelineTable } from './CdcPipelineTable';
import { NewCdcPipelineDialog } from './NewCdcPipelineDialog';
import { TOPIC_RETENTION_DAYS } from './topicRetention';
import { useCdcPipelines } from './useCdcPipelines';

/** Why no pipeline can be added now, or undefined. */
function cannotCreate(
  capability: CdcCapability | undefined,
  count: number,
): string | undefined {
  if (!capability) return undefined;
  if (!capability.available) return capability.reason;
  if (count >= CDC_PIPELINES_PER_DATABASE) {
    return `A database has at most ${CDC_PIPELINES_PER_DATABASE} pipelines; delete one to add another.`;
  }
  return undefined;
}

/** Where and as whom the tenant's applications read the topics. */
const ReadingTheTopics = ({ access }: { access: CdcAccess }) => (
  <Typography
    variant="body2"
    style={{ marginTop: 16 }}
    aria-label="Reading the topics"
  >
    Applications read these topics from <code>{access.bootstrap}</code> as{' '}
    <code>{access.principal}</code> ({access.mechanism}), in consumer groups
    named <code>{access.groupPrefix}</code>…; no other principal may read them.
    The password is your platform team&apos;s to hand over.
  </Typography>
);

const Loaded = (props: { serviceId: string }) => {
  const { serviceId } = props;
  const cdc = useCdcPipelines(serviceId);
  const [creating, setCreating] = useState(false);
  const { capability, tableForm, pipelines } = cdc;
  // Every pipeline of a database runs in its primary's PoP: one listener.
  const access = pipelines.find(p => p.access)?.access;

  return (
    <InfoCard
      title="CDC pipelines"
      action={
        <ActionButton
          onClick={() => setCreating(true)}
          unavailable={cannotCreate(capability, pipelines.length)}
          // Until the list says what the engine offers, nothing to promise.
          busy={!tableForm}
        >
          New pipeline
        </ActionButton>
      }
    >
      <Typography variant="body2" paragraph>
        A CDC pipeline streams the changes of some of the database&apos;s tables
        to Kafka: each table&apos;s changes go to a topic of its own. A change
        too large for a topic (over 1 MB) goes to the pipeline&apos;s dead
        letter topic instead, as a record of why with the row&apos;s key; any
        other change its connector cannot write stops the pipeline, which then
        shows as failed with the reason: no change is skipped. Topics keep
        changes for {TOPIC_RETENTION_DAYS} days.
      </Typography>
      {capability?.available && <Caption>{capability.how}</Caption>}
      {cdc.loading && !cdc.loaded && <Progress />}
      {cdc.error && (
        <ApiErrorPanel
          title="Could not load the CDC pipelines"
          error={cdc.error}
        />
      )}
      {cdc.loaded && (
        <CdcPipelineTable
          serviceId={serviceId}
          pipelines={pipelines}
          onChanged={cdc.onChanged}
        />
      )}
      {access && <ReadingTheTopics access={access} />}
      {creating && tableForm && (
        <NewCdcPipelineDialog
          serviceId={serviceId}
          tableForm={tableForm}
          existing={pipelines}
          onClose={() => setCreating(false)}
          onCreated={cdc.onCreated}
        />
      )}
    </InfoCard>
  );
};

/**
 * The CDC tab of a database: its pipelines streaming changes to Kafka (state,
 * a failure's reason, each table's topic, the dead letter topic), a new
 * pipeline where the engine offers CDC (else why not), and each pipeline's
 * pause, resume, restart and deletion. Reloads when the backend announces a
 * change of the database, and every few seconds while a pipeline is on its
 * way to what was asked.
 */
export const DatabaseCdc = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {serviceId ? (
          <Loaded serviceId={serviceId} />
        ) : (
          <InfoCard title="CDC pipelines">
            <MissingServiceId />
          </InfoCard>
        )}
      </Grid>
    </Grid>
  );
};
