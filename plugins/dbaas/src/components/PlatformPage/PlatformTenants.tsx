import { Table, type TableColumn } from '@backstage/core-components';
import type { PlatformOrganization } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { quotaBarColumns, type QuotaRow } from '../TenantQuotaBars';

type TenantRow = QuotaRow & { organization: string };

const PAGE_SIZE = 20;

const columns: TableColumn<TenantRow>[] = [
  {
    title: 'Tenant',
    field: 'title',
    render: row => (
      <>
        <Typography variant="body2">{row.title}</Typography>
        <Typography variant="caption" color="textSecondary">
          {row.organization}
        </Typography>
      </>
    ),
  },
  ...quotaBarColumns<TenantRow>(),
];

/** Every organization's tenants, each with what it uses of its quota. */
export const PlatformTenants = (props: {
  organizations: PlatformOrganization[];
}) => {
  const { organizations } = props;
  // Memoized: new rows on every render would make the table start over.
  const rows = useMemo(
    () =>
      organizations.flatMap(org => {
        const titles = new Map(org.tenants.map(t => [t.id, t.title]));
        return org.quotas.map(usage => ({
          ...usage,
          title: titles.get(usage.tenant) ?? usage.tenant,
          organization: org.title,
        }));
      }),
    [organizations],
  );
  if (rows.length === 0) {
    return (
      <Typography color="textSecondary">
        There is no tenant yet: no organization has a team.
      </Typography>
    );
  }
  const many = rows.length > PAGE_SIZE;
  return (
    <Table<TenantRow>
      title={`Tenants of ${organizations.length} ${
        organizations.length === 1 ? 'organization' : 'organizations'
      } (${rows.length})`}
      columns={columns}
      data={rows}
      options={{
        paging: many,
        pageSize: PAGE_SIZE,
        search: many,
        // material-table's sort label nests focusable elements, which axe
        // counts as serious (as in TenantQuotaBars).
        sorting: false,
        padding: 'dense',
      }}
    />
  );
};
