import {
  Progress,
  Table,
  WarningPanel,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import type { OrganizationPermissions } from '../OrganizationPage/useOrganizationPermissions';
import {
  formatAmount,
  QUOTA_LIMITS,
  quotaBarColumns,
  type QuotaRow,
} from '../TenantQuotaBars';
import { OrganizationBudgets } from '../OrganizationBudgets';
import { TenantName } from '../TenantName';
import { QuotaDialog } from './QuotaDialog';

/** The platform's ceiling in words, or that there is none. */
function describeCeiling(ceiling: Partial<TenantQuota>): string {
  const limits = QUOTA_LIMITS.filter(({ key }) => ceiling[key] !== undefined);
  if (limits.length === 0) {
    return 'The platform sets no ceiling on these limits.';
  }
  return `No limit may exceed the platform's ceiling: ${limits
    .map(
      ({ key, title, unit }) =>
        `${title.toLowerCase()} ${formatAmount(ceiling[key]!)}${
          unit ? ` ${unit}` : ''
        }`,
    )
    .join(', ')}.`;
}

/**
 * Each tenant's quota with what its databases use of it, and for those who
 * may set quotas (owners), a way to change it within the platform's ceiling.
 */
export const OrganizationQuotas = (props: {
  organization: Organization;
  permissions: OrganizationPermissions;
}) => {
  const { organization, permissions } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const quotas = useAsyncRetry(
    () => dbaasApi.getQuotas(organization.id),
    [dbaasApi, organization.id],
  );
  const [editing, setEditing] = useState<QuotaRow>();

  const rows = useMemo(() => {
    const titles = new Map(organization.tenants.map(t => [t.id, t.title]));
    return (quotas.value?.data ?? []).map(
      (usage): QuotaRow => ({
        ...usage,
        title: titles.get(usage.tenant) ?? usage.tenant,
      }),
    );
  }, [organization, quotas.value]);

  const columns = useMemo(
    (): TableColumn<QuotaRow>[] => [
      {
        title: 'Tenant',
        field: 'title',
        render: row => (
          <TenantName
            title={row.title}
            what="quota"
            onEdit={
              permissions.manageQuotas ? () => setEditing(row) : undefined
            }
          />
        ),
      },
      ...quotaBarColumns<QuotaRow>(),
    ],
    [permissions.manageQuotas],
  );

  if (quotas.error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the quotas"
        message={apiErrorMessage(quotas.error)}
        defaultExpanded
      />
    );
  }
  if (!quotas.value) return <Progress aria-label="Loading the quotas" />;

  return (
    <>
      <Box mb={2}>
        {/* Not textSecondary: on the page's grey it misses 4.5:1 contrast. */}
        <Typography variant="body2">
          {describeCeiling(quotas.value.ceiling)}
          {!permissions.manageQuotas &&
            ' Only the organization\u2019s owners set quotas.'}
        </Typography>
      </Box>
      <Table<QuotaRow>
        title="Quotas and usage"
        columns={columns}
        data={rows}
        options={{
          paging: rows.length > 10,
          pageSize: 10,
          search: rows.length > 10,
          sorting: false,
          padding: 'dense',
        }}
        emptyContent={
          <Typography align="center" style={{ padding: 16 }}>
            This organization has no tenants yet.
          </Typography>
        }
      />
      <OrganizationBudgets
        organization={organization}
        manage={permissions.manageQuotas}
      />
      {editing && (
        <QuotaDialog
          organization={organization}
          usage={editing}
          tenantTitle={editing.title}
          ceiling={quotas.value.ceiling}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            quotas.retry();
          }}
        />
      )}
    </>
  );
};
