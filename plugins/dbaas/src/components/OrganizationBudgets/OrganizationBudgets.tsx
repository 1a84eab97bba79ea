import { Progress, Table, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  formatMoney,
  type Organization,
  type TenantCost,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { TenantCostText } from '../MonthlyPrice';
import { TenantName } from '../TenantName';
import { BudgetDialog } from './BudgetDialog';

type BudgetRow = TenantCost & { title: string };

/**
 * Each tenant's committed monthly cost against its budget, and for those who
 * may set quotas, a way to set the budget. Nothing shows when the platform
 * has no prices.
 */
export const OrganizationBudgets = (props: {
  organization: Organization;
  /** Whether the user may set quotas, and so budgets. */
  manage: boolean;
}) => {
  const { organization, manage } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const budgets = useAsyncRetry(
    async () => dbaasApi.getBudgets(organization.id),
    [dbaasApi, organization.id],
  );
  const [editing, setEditing] = useState<BudgetRow>();
  const currency = budgets.value?.currency;

  const rows = useMemo(() => {
    const titles = new Map(organization.tenants.map(t => [t.id, t.title]));
    return (budgets.value?.data ?? []).map(
      (cost): BudgetRow => ({
        ...cost,
        title: titles.get(cost.tenant) ?? cost.tenant,
      }),
    );
  }, [organization, budgets.value]);

  if (budgets.error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the costs and budgets"
        message={apiErrorMessage(budgets.error)}
      />
    );
  }
  if (!budgets.value) return <Progress aria-label="Loading the budgets" />;
  if (!currency) return null;

  return (
    <Box mt={3}>
      <Table<BudgetRow>
        title="Monthly cost and budgets"
        columns={[
          {
            title: 'Tenant',
            field: 'title',
            render: row => (
              <TenantName
                title={row.title}
                what="budget"
                onEdit={manage ? () => setEditing(row) : undefined}
              />
            ),
          },
          {
            title: 'Monthly cost',
            render: row => <TenantCostText cost={row} currency={currency} />,
          },
          {
            title: 'Budget',
            render: row =>
              row.monthlyBudget === undefined
                ? 'None'
                : formatMoney(row.monthlyBudget, currency),
          },
        ]}
        data={rows}
        options={{
          paging: rows.length > 10,
          pageSize: 10,
          search: rows.length > 10,
          sorting: false,
          padding: 'dense',
        }}
      />
      <Box mt={1}>
        <Typography variant="body2">
          The cost is the price of the tenants' databases as ordered, not
          metered use. A team is notified at 80% and 100% of its budget; orders
          above it are not refused.
          {!manage && ' Only the organization\u2019s owners set budgets.'}
        </Typography>
      </Box>
      {editing && (
        <BudgetDialog
          organization={organization}
          cost={editing}
          currency={currency}
          tenantTitle={editing.title}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            budgets.retry();
          }}
        />
      )}
    </Box>
  );
};
