import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  offerings,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Typography from '@material-ui/core/Typography';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';
import { DetailRow } from '../DetailRow';
import { useRegions } from '../../hooks/useRegions';
import { PhaseStatus } from '../PhaseStatus';
import { describeGeneration } from './describeGeneration';
import { FailureReasons } from './FailureReasons';
import { ProvisioningTimeline } from './ProvisioningTimeline';
import { RestoredFrom } from './RestoredFrom';

function planText(service: ServiceDetails): string {
  const plan = offerings.plans.find(p => p.id === service.plan);
  return plan ? `${plan.displayName} (${plan.slaPercent}% SLA)` : service.plan;
}

function engineText(service: ServiceDetails): string {
  const engine = offerings.engines.find(e => e.id === service.engine);
  return `${engine?.displayName ?? service.engine} ${service.config.version}`;
}

function regionsText(
  service: ServiceDetails,
  regionName: (id: string) => string,
): string {
  // The config is the spec as the backend stored it, not validated again here;
  // without a replication block the primary region is the only one.
  const regions = service.config.replication?.regions ?? [service.region];
  return regions
    .map(id => `${regionName(id)}${id === service.region ? ' (primary)' : ''}`)
    .join(', ');
}

const GitOpsLocation = (props: { gitops: ServiceDetails['gitops'] }) => {
  const { gitops } = props;
  if (!gitops) return <>Not committed yet</>;
  const sha = gitops.commitSha.slice(0, 7);
  return (
    <>
      <code>{gitops.path}</code> at{' '}
      {gitops.commitUrl ? (
        <Link to={gitops.commitUrl}>commit {sha}</Link>
      ) : (
        <code>commit {sha}</code>
      )}
      {gitops.pullRequestUrl && (
        // In pull request mode the commit waits on its branch for a review.
        <>
          , proposed in{' '}
          <Link to={gitops.pullRequestUrl}>a pull request to review</Link>
        </>
      )}
    </>
  );
};

const StatusDetails = (props: {
  service: ServiceDetails;
  regionName: (id: string) => string;
}) => {
  const { service, regionName } = props;
  return (
    <>
      {service.status === 'failed' && <FailureReasons service={service} />}
      <Table size="small" aria-label="Database status">
        <TableBody>
          <DetailRow label="Phase">
            <PhaseStatus status={service.status} />
          </DetailRow>
          {(service.restoredFrom || service.config.restore) && (
            <DetailRow label="Restored from">
              <RestoredFrom service={service} />
            </DetailRow>
          )}
          <DetailRow label="Generation">
            {describeGeneration(service)}
          </DetailRow>
          <DetailRow label="Engine">{engineText(service)}</DetailRow>
          <DetailRow label="Plan">{planText(service)}</DetailRow>
          <DetailRow label="Regions">
            {regionsText(service, regionName)}
          </DetailRow>
          <DetailRow label="GitOps file">
            <GitOpsLocation gitops={service.gitops} />
          </DetailRow>
        </TableBody>
      </Table>
      <Typography variant="subtitle2" component="h3" style={{ marginTop: 16 }}>
        Provisioning timeline
      </Typography>
      <ProvisioningTimeline steps={service.timeline} />
    </>
  );
};

const Loaded = (props: { serviceId: string }) => {
  const { value, loading, error } = useServiceDetails(props.serviceId);
  // Asked for alongside the database, not once it is there.
  const { regionName } = useRegions();
  return (
    <>
      {loading && !value && <Progress />}
      {error && (
        <ApiErrorPanel title="Could not load the database" error={error} />
      )}
      {value && <StatusDetails service={value} regionName={regionName} />}
    </>
  );
};

/**
 * The overview card of a database: where it is in its life (phase, the backup
 * it was restored from, whether the cluster has caught up with the latest
 * change, why it failed), what it runs on, where its claim lives in the GitOps
 * repository, and its provisioning timeline. Updates itself when the backend
 * announces a change.
 */
export const DatabaseStatusCard = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <InfoCard title="Database status">
      {serviceId ? <Loaded serviceId={serviceId} /> : <MissingServiceId />}
    </InfoCard>
  );
};
