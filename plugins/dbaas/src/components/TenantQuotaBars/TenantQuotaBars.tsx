import { Progress, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  OrganizationBudgets,
  TenantCost,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { TenantCostText } from '../MonthlyPrice';
import { ReloadProgress } from '../ReloadProgress';
import { useDelayedFlag } from '../../hooks/useDelayedFlag';
import { quotaBarColumns, type QuotaRow } from './quotaBarColumns';

type TenantRow = QuotaRow & {
  organization: string;
  /** Its committed monthly cost and budget, when the platform has prices. */
  cost?: { value: TenantCost; currency: string };
};

/** More tenants than this get paging and a search box. */
const PAGE_SIZE = 5;

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
        {/* Under the name, not a column: the bars need the room. */}
        {row.cost && (
          <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
            <TenantCostText
              cost={row.cost.value}
              currency={row.cost.currency}
            />
          </Typography>
        )}
      </>
    ),
  },
  ...quotaBarColumns<TenantRow>(),
];

function tenantRows(
  organizations: Organization[],
  results: PromiseSettledResult<TenantQuotaUsage[]>[],
  budgets: PromiseSettledResult<OrganizationBudgets>[],
) {
  const rows: TenantRow[] = [];
  const failures: { organization: string; message: string }[] = [];
  results.forEach((result, index) => {
    const org = organizations[index];
    if (result.status === 'rejected') {
      failures.push({
        organization: org.title,
        message: apiErrorMessage(result.reason),
      });
      return;
    }
    const titles = new Map(org.tenants.map(t => [t.id.toLowerCase(), t.title]));
    // Costs are extra: when they cannot be read, the quotas still show.
    const budget = budgets[index];
    const currency =
      budget?.status === 'fulfilled' ? budget.value.currency : undefined;
    const costs = new Map(
      budget?.status === 'fulfilled'
        ? budget.value.data.map(c => [c.tenant.toLowerCase(), c])
        : [],
    );
    for (const usage of result.value) {
      const cost = costs.get(usage.tenant.toLowerCase());
      rows.push({
        ...usage,
        title: titles.get(usage.tenant.toLowerCase()) ?? usage.tenant,
        organization: org.title,
        ...(currency && cost ? { cost: { value: cost, currency } } : {}),
      });
    }
  });
  return { rows, failures };
}

/**
 * Each tenant's quota: what its databases use of each limit, for every
 * organization the user may see. An organization whose quotas cannot be read
 * says why, and the others still show.
 */
export const TenantQuotaBars = (props: {
  organizations: Organization[];
  /** Goes up when a database changed; the usage reloads. */
  refreshKey?: number;
}) => {
  const { organizations, refreshKey } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const { value, loading } = useAsync(
    () =>
      Promise.all([
        Promise.allSettled(
          organizations.map(org => dbaasApi.listQuotas(org.id)),
        ),
        Promise.allSettled(
          organizations.map(async org => dbaasApi.getBudgets(org.id)),
        ),
      ]),
    [dbaasApi, organizations, refreshKey],
  );

  const showLoading = useDelayedFlag(loading, 250);

  // Memoized: new rows on every render would make the table start over.
  const { rows, failures } = useMemo(
    () => tenantRows(organizations, value?.[0] ?? [], value?.[1] ?? []),
    [organizations, value],
  );
  // Without prices there is no cost to name in the title.
  const costed = rows.some(row => row.cost);

  if (organizations.length === 0) {
    return (
      <Typography color="textSecondary">
        You are not in any organization yet, so there is no quota to show.
      </Typography>
    );
  }
  if (!value) return <Progress aria-label="Loading the quotas" />;
  if (rows.length === 0 && failures.length === 0) {
    return (
      <Typography color="textSecondary">
        No team of your organizations has a quota yet.
      </Typography>
    );
  }
  const many = rows.length > PAGE_SIZE;

  return (
    <>
      {failures.map(failure => (
        <Typography key={failure.organization} color="error" role="alert">
          Could not read the quotas of {failure.organization}: {failure.message}
        </Typography>
      ))}
      {rows.length > 0 && (
        <Box mt={failures.length ? 1 : 0}>
          <ReloadProgress active={showLoading} label="Loading the quotas" />
          <Table<TenantRow>
            title={costed ? 'Quota usage and monthly cost' : 'Quota usage'}
            columns={columns}
            data={rows}
            options={{
              paging: many,
              pageSize: PAGE_SIZE,
              pageSizeOptions: [PAGE_SIZE, 20, 50],
              search: many,
              // material-table's sort label nests focusable elements, which
              // axe counts as serious; a handful of tenants needs no sorting.
              sorting: false,
              padding: 'dense',
            }}
          />
        </Box>
      )}
    </>
  );
};
