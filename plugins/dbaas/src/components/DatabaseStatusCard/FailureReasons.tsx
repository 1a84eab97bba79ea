import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';

/**
 * Why a database failed: the detail of its last failed step and every condition
 * the operator reports as not met, with their reason and message.
 */
export const FailureReasons = (props: { service: ServiceDetails }) => {
  const { timeline, conditions } = props.service;
  const failed = [...timeline].reverse().find(step => step.step === 'failed');
  const unmet = conditions.filter(condition => condition.status === 'False');
  return (
    <div role="alert">
      <Typography variant="subtitle2" color="error">
        Provisioning failed
        {failed?.cluster ? ` in ${failed.cluster}` : ''}
        {failed?.detail ? `: ${failed.detail}` : ''}
      </Typography>
      {unmet.map(condition => (
        <Typography key={condition.type} variant="body2">
          {condition.type}
          {condition.reason ? ` (${condition.reason})` : ''}
          {condition.message ? `: ${condition.message}` : ''}
        </Typography>
      ))}
    </div>
  );
};
