import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import {
  engineName,
  planName,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { describeSchedule } from '../DatabaseBackups/describeSchedule';
import { DetailRow } from '../DetailRow';
import { PhaseStatus } from '../PhaseStatus';

/** One role's size: `instance: 3 × 2 CPU / 8Gi`. */
const sizeOf = (config: ServiceDetails['config']) =>
  Object.entries(config.resources ?? {})
    .map(
      ([role, size]) =>
        `${role}: ${size.replicas} \u00d7 ${size.cpu} CPU / ${size.memory}`,
    )
    .join('; ');

/** `0 2 * * *, kept 14d` → `at 02:00 (0 2 * * *), kept 14d`. */
const backupsOf = ({ backup }: ServiceDetails['config']) => {
  if (!backup?.enabled) return 'Off';
  const { schedule, retention } = backup;
  const words = schedule && describeSchedule(schedule);
  const when = schedule
    ? `${words ? `${words} (${schedule})` : schedule}`
    : 'when asked for';
  return `${when}${retention ? `, kept ${retention}` : ''}`;
};

/** A database's current settings: what a day-2 change starts from. */
export const DatabaseSettingsTable = ({
  service,
}: {
  service: ServiceDetails;
}) => {
  const { config } = service;
  return (
    <Table size="small" aria-label={`Current settings of ${service.name}`}>
      <TableBody>
        <DetailRow label="Name">{service.name}</DetailRow>
        <DetailRow label="Engine">{engineName(service.engine)}</DetailRow>
        <DetailRow label="Version">{config.version}</DetailRow>
        <DetailRow label="Plan">{planName(service.plan)}</DetailRow>
        <DetailRow label="Regions">
          {(config.replication?.regions ?? [service.region]).join(', ')}
        </DetailRow>
        <DetailRow label="Size">{sizeOf(config)}</DetailRow>
        <DetailRow label="Storage">{config.storage?.size}</DetailRow>
        <DetailRow label="Backup schedule">{backupsOf(config)}</DetailRow>
        <DetailRow label="Status">
          <PhaseStatus status={service.status} />
        </DetailRow>
      </TableBody>
    </Table>
  );
};
