import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import { DetailRow } from '../DetailRow';

/** One role's size: `instance: 3 × 2 CPU / 8Gi`. */
const sizeOf = (config: ServiceDetails['config']) =>
  Object.entries(config.resources ?? {})
    .map(
      ([role, size]) =>
        `${role}: ${size.replicas} \u00d7 ${size.cpu} CPU / ${size.memory}`,
    )
    .join('; ');

const backupsOf = ({ backup }: ServiceDetails['config']) =>
  backup?.enabled
    ? `${backup.schedule}${
        backup.retention ? `, kept ${backup.retention}` : ''
      }`
    : 'Off';

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
        <DetailRow label="Engine">{service.engine}</DetailRow>
        <DetailRow label="Version">{config.version}</DetailRow>
        <DetailRow label="Plan">{service.plan}</DetailRow>
        <DetailRow label="Regions">
          {(config.replication?.regions ?? [service.region]).join(', ')}
        </DetailRow>
        <DetailRow label="Size">{sizeOf(config)}</DetailRow>
        <DetailRow label="Storage">{config.storage?.size}</DetailRow>
        <DetailRow label="Backup schedule">{backupsOf(config)}</DetailRow>
        <DetailRow label="Status">{service.status}</DetailRow>
      </TableBody>
    </Table>
  );
};
