import type { TableColumn } from '@backstage/core-components';
import type {
  TenantQuota,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import { QuotaBar } from './QuotaBar';

/** A tenant's row of a quota table: its quota and usage, and its title. */
export type QuotaRow = TenantQuotaUsage & { title: string };

/** Each limit of a quota, as tables and forms name it, with its unit. */
export const QUOTA_LIMITS: {
  key: keyof TenantQuota;
  title: string;
  unit?: string;
}[] = [
  { key: 'instances', title: 'Instances' },
  { key: 'storageGi', title: 'Storage', unit: 'GiB' },
  { key: 'cpu', title: 'CPU', unit: 'cores' },
  { key: 'memoryGi', title: 'Memory', unit: 'GiB' },
  { key: 'backups', title: 'Backups' },
  { key: 'cdcPipelines', title: 'CDC pipelines' },
];

/**
 * One column per limit: what the tenant's databases use of it, as a bar
 * named "<Limit> used by <tenant>" for assistive technology.
 */
export function quotaBarColumns<Row extends QuotaRow>(): TableColumn<Row>[] {
  return QUOTA_LIMITS.map(({ key, title, unit }) => ({
    title,
    render: row => (
      <QuotaBar
        label={`${title} used by ${row.title}`}
        used={row.usage[key]}
        limit={row.quota[key]}
        unit={unit}
      />
    ),
  }));
}
