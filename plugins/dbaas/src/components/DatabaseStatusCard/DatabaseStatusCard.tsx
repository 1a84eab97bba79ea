import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  serviceCatalog,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';
import { describeGeneration } from './describeGeneration';
import { FailureReasons } from './FailureReasons';
import { PhaseLabel } from './PhaseLabel';
import { ProvisioningTimeline } from './ProvisioningTimeline';

function planText(service: ServiceDetails): string {
  const plan = serviceCatalog.plans.find(p => p.id === service.plan);
  return plan ? `${plan.displayName} (${plan.slaPercent}% SLA)` : service.plan;
}

function engineText(service: ServiceDetails): string {
  const engine = serviceCatalog.engines.find(e => e.id === service.engine);
  return `${engine?.displayName ?? service.engine} ${service.config.version}`;
}

function regionsText(service: ServiceDetails): string {
  // The config is the spec as the backend stored it, not validated again here;
  // without a replication block the primary region is the only one.
  const regions = service.config.replication?.regions ?? [service.region];
  return regions
    .map(id => {
      const name = serviceCatalog.regions.find(r => r.id === id)?.displayName;
      return `${name ?? id}${id === service.region ? ' (primary)' : ''}`;
    })
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

// MUI gives a cell with a `component` the role `cell`, which would hide from
// assistive technology that the label heads its row.
const Row = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" role="rowheader">
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);

const StatusDetails = (props: { service: ServiceDetails }) => {
  const { service } = props;
  return (
    <>
      {service.status === 'failed' && <FailureReasons service={service} />}
      <Table size="small" aria-label="Database status">
        <TableBody>
          <Row label="Phase">
            <PhaseLabel status={service.status} />
          </Row>
          <Row label="Generation">{describeGeneration(service)}</Row>
          <Row label="Engine">{engineText(service)}</Row>
          <Row label="Plan">{planText(service)}</Row>
          <Row label="Regions">{regionsText(service)}</Row>
          <Row label="GitOps file">
            <GitOpsLocation gitops={service.gitops} />
          </Row>
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
  return (
    <>
      {loading && !value && <Progress />}
      {error && (
        <ApiErrorPanel title="Could not load the database" error={error} />
      )}
      {value && <StatusDetails service={value} />}
    </>
  );
};

/**
 * The overview card of a database: where it is in its life (phase, whether the
 * cluster has caught up with the latest change, why it failed), what it runs
 * on, where its claim lives in the GitOps repository, and its provisioning
 * timeline. Updates itself when the backend announces a change.
 */
export const DatabaseStatusCard = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <InfoCard title="Database status">
      {serviceId ? <Loaded serviceId={serviceId} /> : <MissingServiceId />}
    </InfoCard>
  );
};
