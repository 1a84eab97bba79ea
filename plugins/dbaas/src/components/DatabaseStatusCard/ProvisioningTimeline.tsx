import type { TimelineStep } from '@internal/backstage-plugin-dbaas-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { Timestamp } from '../Timestamp';

// What each step means for the person waiting on the database.
const stepLabels: Record<TimelineStep['step'], string> = {
  committed: 'Committed to the GitOps repository',
  synced: 'Synced to the cluster',
  'sync-failed': 'Argo CD could not sync it to the cluster',
  provisioning: 'Provisioning',
  active: 'Active',
  failed: 'Failed',
  deleted: 'Deleted',
};

function stepDetail(step: TimelineStep): string | undefined {
  // A commit step's detail is the commit; the GitOps row of the card links it.
  if (step.step === 'committed') return undefined;
  return step.detail;
}

/**
 * The way a database went to the clusters and back, oldest first: one line per
 * step with its time, the generation (config change) it is about, the cluster
 * that reported it and, for failures, the operator's or Argo CD's reason.
 */
export const ProvisioningTimeline = (props: { steps: TimelineStep[] }) => {
  if (props.steps.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing has happened to this database yet.
      </Typography>
    );
  }
  return (
    <List dense component="ol" aria-label="Provisioning timeline">
      {props.steps.map((step, index) => {
        const detail = stepDetail(step);
        return (
          <ListItem key={index} disableGutters>
            <ListItemText
              primary={
                <>
                  {stepLabels[step.step]}
                  {step.cluster ? ` (${step.cluster})` : ''}
                </>
              }
              primaryTypographyProps={{
                color:
                  step.step === 'failed' || step.step === 'sync-failed'
                    ? 'error'
                    : 'textPrimary',
              }}
              secondary={
                <>
                  <Timestamp at={step.at} /> · generation {step.generation}
                  {detail ? ` · ${detail}` : ''}
                </>
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
};
